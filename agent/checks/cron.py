"""Scheduled actions (ir.cron) on Odoo 14 to 19: which fields the server has, and what is wrong.

ir.cron differs per version: `cron_name` is the English name (a related field up to 15, computed in
English from 16, as `name` became translatable), `name` comes from the server action and reads in the
user's language, `numbercall`/`doall` exist up to 17, `failure_count` from 18. The check asks
fields_get instead of trusting a version number, and falls back to the version when it may not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

NAME_FIELDS = ("cron_name", "name")
FAILURE_COUNT_FIRST_MAJOR = 18
NUMBERCALL_LAST_MAJOR = 17
ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class CronFields:
    names: tuple[str, ...]  # the fields a configured name may match, English first
    failure_count: bool
    numbercall: bool

    @classmethod
    def from_available(cls, available: Iterable[str]) -> CronFields:
        present = set(available)
        return cls(
            names=tuple(field for field in NAME_FIELDS if field in present),
            failure_count="failure_count" in present,
            numbercall="numbercall" in present,
        )

    @classmethod
    def for_major(cls, major: int | None) -> CronFields:
        """What a version has when fields_get cannot be asked (an unknown version gets the common part)."""
        return cls(
            names=NAME_FIELDS,
            failure_count=major is not None and major >= FAILURE_COUNT_FIRST_MAJOR,
            numbercall=major is not None and major <= NUMBERCALL_LAST_MAJOR,
        )

    def domain(self, names: Sequence[str]) -> list[Any]:
        """Active and archived crons whose name (in any name field) is one of `names`."""
        leaves: list[Any] = [(field, "in", list(names)) for field in self.names]
        return [("active", "in", [True, False]), *(["|"] * (len(leaves) - 1)), *leaves]

    def read(self) -> list[str]:
        fields = [*self.names, "active", "nextcall", "lastcall"]
        if self.failure_count:
            fields.append("failure_count")
        if self.numbercall:
            fields.append("numbercall")
        return fields


def parse_odoo_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.strptime(value[:19], ODOO_DATETIME).replace(tzinfo=UTC)
    except ValueError:
        return None


def _matches(cron: dict[str, Any], name: str, fields: CronFields) -> bool:
    return any(cron.get(field) == name for field in fields.names)


def _problem(
    cron: dict[str, Any], label: str, fields: CronFields, now: datetime, overdue: timedelta
) -> str | None:
    failures = int(cron.get("failure_count") or 0) if fields.failure_count else 0
    if failures > 0:
        return f"{label} failed {failures} time(s) in a row"
    if not cron.get("active"):
        if fields.numbercall and cron.get("numbercall") == 0:
            return f"{label} is archived: it made all its planned calls (numbercall 0)"
        return f"{label} is archived"
    nextcall = parse_odoo_datetime(cron.get("nextcall"))
    if nextcall is not None and nextcall < now - overdue:
        minutes = (now - nextcall).total_seconds() / 60
        lastcall = parse_odoo_datetime(cron.get("lastcall"))
        last = f", last run {(now - lastcall).total_seconds() / 60:.0f} min ago" if lastcall else ""
        return f"{label} is {minutes:.0f} min overdue{last}"
    return None


def cron_problems(
    crons: list[dict[str, Any]], names: Sequence[str], fields: CronFields, now: datetime, overdue: timedelta
) -> list[str]:
    """One sentence per configured name that is missing, and per matching cron that is not healthy."""
    problems: list[str] = []
    for name in names:
        matching = [cron for cron in crons if _matches(cron, name, fields)]
        if not matching:
            problems.append(f"{name!r} not found")
        for cron in matching:
            label = repr(name) if len(matching) == 1 else f"{name!r} (id {cron.get('id')})"
            problem = _problem(cron, label, fields, now, overdue)
            if problem:
                problems.append(problem)
    return problems
