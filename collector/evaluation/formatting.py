"""How figures read in the HTML report: durations, shares, local times."""

from __future__ import annotations

from datetime import datetime, timedelta

from collector.evaluation.period import LOCAL_ZONE


def duration(value: timedelta | None) -> str:
    """'2 h 05 min', '3 d 4 h' (d = 24 h of wall time), '-' when absent."""
    if value is None:
        return "-"
    minutes = round(value.total_seconds() / 60)
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days} d {hours} h"
    if hours:
        return f"{sign}{hours} h {mins:02d} min"
    return f"{sign}{mins} min"


def business_hours(value: timedelta | None) -> str:
    """Business time in hours (a working day is 8 of them), '-' when absent."""
    if value is None:
        return "-"
    return f"{value.total_seconds() / 3600:.1f} h"


def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:.{digits}f}%"


def local(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


def number(value: int | None, language: str = "nl") -> str:
    """Thousands grouped the way the reader expects: 16.100 in Dutch, 16,100 in English."""
    if value is None:
        return "-"
    grouped = f"{value:,}"
    return grouped if language == "en" else grouped.replace(",", ".")
