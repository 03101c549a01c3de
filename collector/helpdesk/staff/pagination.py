"""Splitting a long list into numbered pages: which page was asked for, and which page links to show."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pages:
    number: int  # the page shown, 1-based
    count: int  # how many pages there are (at least 1, even for an empty list)
    total: int  # items on all pages together
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    def nearby(self, spread: int = 2) -> list[int | None]:
        """The first and last page, and those within `spread` of this one; None marks a gap."""
        shown = {1, self.count, *range(self.number - spread, self.number + spread + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.count)
        links: list[int | None] = []
        for n in numbers:
            if links and links[-1] is not None and n > links[-1] + 1:
                links.append(None)
            links.append(n)
        return links


def paginate(total: int, requested: str | None, size: int) -> Pages:
    """The page asked for in the query string; anything unreadable is page 1, beyond the end the last."""
    count = max(1, -(-total // size))
    text = (requested or "").strip()
    number = int(text) if text.isdigit() and len(text) < 10 else 1
    return Pages(min(max(number, 1), count), count, total, size)
