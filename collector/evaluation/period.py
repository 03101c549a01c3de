"""A reporting period: a calendar month in the policy's time zone, as a half-open UTC interval."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """The period text is not a month; the message says how to write one."""


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + self.month // 12, self.month % 12 + 1, 1)

    @property
    def start(self) -> datetime:
        """Midnight local time on the first day, in UTC."""
        return _local_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """Midnight local time on the first day of the next month, in UTC (exclusive)."""
        return _local_midnight(self.next_first_day)


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_ZONE).astimezone(UTC)


def parse_period(text: str) -> Period:
    """'2026-10' -> October 2026."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(f"period {text!r} is not a month: write it as YYYY-MM, for example 2026-10")
    return Period(int(match.group(1)), int(match.group(2)))
