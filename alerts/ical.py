"""The rota as an iCalendar feed (RFC 5545), written by hand: one VEVENT per shift, times in UTC."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from alerts.oncall import Rota, Shift


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and one space (RFC 5545 3.1)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _event(shift: Shift, now: datetime) -> list[str]:
    uid = hashlib.sha256(f"{shift.tag}|{shift.start.isoformat()}|{shift.person.id}".encode()).hexdigest()[:24]
    summary = f"On call ({shift.tag}): {shift.person.name}"
    description = f"Phone: {shift.person.phone}" + (f"\nReason: {shift.reason}" if shift.reason else "")
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}@prioritysupport",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(shift.start)}",
        f"DTEND:{_stamp(shift.end)}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        "END:VEVENT",
    ]


def rota_calendar(
    rota: Rota,
    now: datetime,
    tags: Iterable[str] | None = None,
    before: timedelta = timedelta(weeks=4),
    after: timedelta = timedelta(weeks=12),
) -> str:
    """The feed text (text/calendar): shifts from `before` ago to `after` ahead of `now`, per rotation."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//PrioritySupport Monitor//on-call rota//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:On-call rota",
    ]
    for tag in tags if tags is not None else [r.tag for r in rota.rotations]:
        first = rota.on_call(tag, now - before)
        begin = first.start if first is not None else now - before  # whole shifts, stable UIDs
        for shift in rota.timeline(tag, begin, now + after):
            lines.extend(_event(shift, now))
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
