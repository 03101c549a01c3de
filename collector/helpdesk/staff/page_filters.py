"""Jinja filters for the helpdesk pages: times and stored values as a person reads them.

Times go through alerts/people_time.py (Amsterdam, to the minute, with the weekday), so pages, mails and
notifications say them the same way; stored values (states, categories, metrics) through staff_texts.word.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts import people_time
from collector.helpdesk.staff.texts import word


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the database stores UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def when(moment: datetime | None, language: str = "nl") -> str:
    """'vr 27 nov 22:01' (Amsterdam time); '-' when there is no time."""
    return people_time.local_time(_aware(moment) if moment is not None else None, language)


def deadline(moment: datetime | None, now: datetime, language: str = "nl") -> str:
    """'over 2 h 58 min' / '3 h over tijd' (en: 'in 2 h 58 min' / '3 h overdue')."""
    if moment is None:
        return "-"
    return people_time.deadline_phrase(_aware(moment), _aware(now), language)


def ago(moment: datetime | None, now: datetime, language: str = "nl") -> str:
    """'3 h geleden' / '3 h ago'."""
    if moment is None:
        return "-"
    return people_time.relative(_aware(moment), _aware(now), language)


def span(value: timedelta | None) -> str:
    return "-" if value is None else people_time.span(value)


# An ISO 8601 instant inside free text (timeline lines written by the system, e.g. "held until ...").
ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def times_in(text: str | None, language: str = "nl") -> str:
    """Free text with every ISO instant in it said as a local time ('held until za 28 nov 06:00')."""

    def local(match: re.Match[str]) -> str:
        try:
            moment = datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
        except ValueError:
            return match.group(0)
        return when(moment, language)

    return ISO_INSTANT.sub(local, text or "")


def install(environment: Any) -> None:
    """Register the filters on a Jinja environment."""
    environment.filters.update(when=when, deadline=deadline, ago=ago, span=span, word=word, times_in=times_in)
