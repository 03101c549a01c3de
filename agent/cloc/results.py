"""What a count produces: per-module files and totals, errors and excluded items, booked as Odoo does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.cloc.parsers import LineCount, Outcome


@dataclass
class ModuleCount:
    """One module: its counted files (in the order they were found) and the manifest's author."""

    name: str
    author: str | None = None
    files: dict[str, LineCount] = field(default_factory=dict)
    code: int = 0
    total: int = 0


@dataclass
class ClocReport:
    """The outcome of a count, in the shape of `prioritysupport cloc --json`."""

    modules: dict[str, ModuleCount] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    excluded: dict[str, dict[str, LineCount]] = field(default_factory=dict)

    def module(self, name: str, author: str | None = None) -> ModuleCount:
        """The module entry, created empty when new (a module with no counted file still shows)."""
        entry = self.modules.get(name)
        if entry is None:
            entry = self.modules[name] = ModuleCount(name, author)
        elif entry.author is None:
            entry.author = author
        return entry

    def book(self, module: str, item: str, outcome: Outcome, excluded: bool = False) -> None:
        """Record one file or database record: an error, an excluded item, or counted lines."""
        if isinstance(outcome, str):
            self.errors.setdefault(module, {})[item] = outcome
        elif excluded:
            self.excluded.setdefault(module, {})[item] = outcome
        else:
            entry = self.module(module)
            entry.files[item] = outcome
            entry.code += outcome.code
            entry.total += outcome.total

    @property
    def code(self) -> int:
        return sum(entry.code for entry in self.modules.values())

    @property
    def total(self) -> int:
        return sum(entry.total for entry in self.modules.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "modules": {
                name: {
                    "code": entry.code,
                    "total": entry.total,
                    "author": entry.author,
                    "files": {path: {"code": c, "total": t} for path, (c, t) in entry.files.items()},
                }
                for name, entry in sorted(self.modules.items())
            },
            "errors": {name: dict(sorted(items.items())) for name, items in sorted(self.errors.items())},
            "excluded": {
                name: {item: {"code": c, "total": t} for item, (c, t) in items.items()}
                for name, items in sorted(self.excluded.items())
            },
            "code": self.code,
            "total": self.total,
        }
