"""Reading and writing instants on the command line: ISO 8601, local time when no offset is given."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def parse_instant(text: str, zone: tzinfo) -> datetime:
    """An aware datetime from ISO 8601; without an offset the time is local to `zone`.

    A local time in the spring gap does not exist and is refused; one in the autumn repeat is the
    first (summer-time) instant.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 time: write it like 2026-11-27T16:30 or 2026-11-27T16:30+01:00"
        ) from None
    if moment.tzinfo is not None:
        return moment
    first = moment.replace(tzinfo=zone, fold=0)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
        raise ValueError(
            f"{text} does not exist in {zone}: the clocks jump forward over it (daylight saving time); "
            "give a time outside that hour or add an offset"
        )
    return first


def format_instant(moment: datetime, zone: tzinfo) -> str:
    """ISO 8601 with seconds and offset, in the calendar's local time."""
    return moment.astimezone(zone).isoformat(timespec="seconds")
