"""What a person reads on a page: the text of an HTML document, one line per block, without markup,
scripts or attribute values; and the checks every page and mail a person reads must pass."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {
    "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "dt", "dd", "section", "header", "footer", "form",
    "table", "thead", "tbody", "ul", "ol", "dl", "br", "caption", "nav", "main", "pre", "option", "label",
    "title", "button", "td", "th",
}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


RAW_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
PYTHON_REPR = re.compile(r"\b(True|False|None)\b|\(\)|\[\]|\('|\['|\{'|<[a-z_.]+ object at")
# Internal keys: check keys (odoo.availability, integration:webshop), routing references (limits:1:users,
# instance:acme/prod, condition:3), and stored values with underscores (waiting_for_customer).
INTERNAL_KEY = re.compile(
    r"\b(?:odoo|collector|host|agent)\.[a-z_]+\b|\b(?:integration|limits|instance|condition|limit|ticket):"
    r"[\w/:.-]+|\b[a-z]+_[a-z_]+\b"
)


def problems(text: str, *, keys: bool = True) -> list[str]:
    """Raw ISO times and Python values anywhere; internal keys where `keys` (customer-facing text)."""
    found = [f"raw ISO time {m.group(0)!r}" for m in RAW_ISO.finditer(text)]
    found += [f"Python value {m.group(0)!r}" for m in PYTHON_REPR.finditer(text)]
    if keys:
        found += [f"internal key {m.group(0)!r}" for m in INTERNAL_KEY.finditer(text)]
    return found
