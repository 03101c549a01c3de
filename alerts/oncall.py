"""On-call rota: weekly rotations with a handover weekday and time in a time zone, plus overrides.

Everything is computed in the rota's local wall time and converted to UTC, so a handover at 09:00 stays
at 09:00 across a DST change. Loaded from TOML (see docs/alerts.md); pure functions of an instant.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prioritysupport.config_keys import (
    DATE_TIME,
    LIST,
    STRINGS,
    TABLE,
    TEXT,
    ConfigKeyError,
    Key,
    Keys,
    Kind,
    non_empty,
    read_table,
)

WEEKDAYS = {
    "monday": 0, "maandag": 0, "tuesday": 1, "dinsdag": 1, "wednesday": 2, "woensdag": 2,
    "thursday": 3, "donderdag": 3, "friday": 4, "vrijdag": 4, "saturday": 5, "zaterdag": 5,
    "sunday": 6, "zondag": 6,
}  # fmt: skip


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is unknown: use a name such as 'Europe/Amsterdam'") from None


def _handover(text: str) -> tuple[int, time]:
    parts = text.strip().lower().split()
    if len(parts) != 2 or parts[0] not in WEEKDAYS:
        raise ValueError(f"'{text}' is not understood: write it as 'monday 09:00'")
    try:
        at = time.fromisoformat(parts[1])
    except ValueError:
        raise ValueError(f"time '{parts[1]}' is not understood: write it as 09:00") from None
    return WEEKDAYS[parts[0]], at


def _day(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("") from None  # the kind's own words: a date such as 2026-01-05


DAY = Kind("date", "a date such as 2026-01-05", (date, str), _day)

PERSON_KEYS: Keys = {
    "name": Key(TEXT, "Full name.", required=True, check=non_empty),
    "phone": Key(TEXT, "Phone number the emergency line forwards to.", ""),
    "email": Key(TEXT, "E-mail address; pages go here when notify is empty.", ""),
    "notify": Key(STRINGS, "Apprise URLs that page this person.", []),
}
ROTATION_KEYS: Keys = {
    "tag": Key(TEXT, "Recipient tag it answers, e.g. oncall-primary.", required=True, check=non_empty),
    "members": Key(STRINGS, "Person ids, in turn order.", required=True, check=non_empty),
    "handover": Key(TEXT, "Weekday and local time of the handover.", "monday 09:00", check=_handover),
    "start": Key(
        DAY, "The first member starts at the first handover on or after this date.", date(2026, 1, 5)
    ),
}
OVERRIDE_KEYS: Keys = {
    "person": Key(TEXT, "Person id who is on call instead.", required=True),
    "start": Key(DATE_TIME, "Start, local time unless an offset is given.", required=True),
    "end": Key(DATE_TIME, "End, local time unless an offset is given.", required=True),
    "tag": Key(TEXT, "Only this rotation; unset: every rotation."),
    "replaces": Key(TEXT, "Only while this person id is scheduled (holiday cover)."),
    "reason": Key(TEXT, "Shown with the shift.", ""),
}
# The rota file: the top level, [people.<id>], [[rotations]] and [[overrides]]. parse_rota reads it
# through these declarations (defaults, checks) and docs/configuration.md lists them.
ROTA_KEYS: Keys = {
    "timezone": Key(TEXT, "Time zone of handovers and override times.", "Europe/Amsterdam", check=_zone),
    "people": Key(
        TABLE,
        "The people who can be on call, by id (`[people.<id>]`).",
        {},
        each=Key(TABLE, "One person.", keys=PERSON_KEYS),
        entry="id",
    ),
    "rotations": Key(
        LIST, "Weekly rotations ([[rotations]]).", [], each=Key(TABLE, "One rotation.", keys=ROTATION_KEYS)
    ),
    "overrides": Key(
        LIST,
        "Exceptions to the rotations ([[overrides]]); the last one listed wins.",
        [],
        each=Key(TABLE, "One override.", keys=OVERRIDE_KEYS),
    ),
}


class RotaError(ValueError):
    """The rota file cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    phone: str = ""
    email: str = ""
    notify: tuple[str, ...] = ()  # Apprise URLs that page this person


@dataclass(frozen=True)
class Rotation:
    tag: str  # the recipient tag it answers, e.g. oncall-primary
    members: tuple[str, ...]
    handover_weekday: int
    handover_time: time
    start: date  # the first member's first shift begins at the first handover on or after this date


@dataclass(frozen=True)
class Override:
    tag: str | None  # None: every rotation
    person: str
    start: datetime  # UTC
    end: datetime  # UTC
    replaces: str | None = None  # only when this person is scheduled (holiday cover)
    reason: str = ""


@dataclass(frozen=True)
class Shift:
    tag: str
    person: Person
    start: datetime  # UTC
    end: datetime  # UTC
    reason: str = ""


@dataclass(frozen=True)
class Rota:
    timezone: ZoneInfo
    people: dict[str, Person]
    rotations: tuple[Rotation, ...]
    overrides: tuple[Override, ...] = ()

    def rotation(self, tag: str) -> Rotation | None:
        return next((r for r in self.rotations if r.tag == tag), None)

    def _local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.timezone).astimezone(UTC)

    def scheduled(self, rotation: Rotation, instant: datetime) -> Shift:
        """The regular weekly shift at an instant (overrides not applied)."""
        local = instant.astimezone(self.timezone)
        day = local.date() - timedelta(days=(local.weekday() - rotation.handover_weekday) % 7)
        start = self._local(day, rotation.handover_time)
        if start > instant:
            day -= timedelta(days=7)
            start = self._local(day, rotation.handover_time)
        first = rotation.start + timedelta(days=(rotation.handover_weekday - rotation.start.weekday()) % 7)
        week = (day - first).days // 7
        member = rotation.members[week % len(rotation.members)]
        end = self._local(day + timedelta(days=7), rotation.handover_time)
        return Shift(rotation.tag, self.people[member], start, end)

    def on_call(self, tag: str, instant: datetime) -> Shift | None:
        """Who answers `tag` at `instant`, and until when; None when no rotation has that tag."""
        rotation = self.rotation(tag)
        if rotation is None:
            return None
        shift = self.scheduled(rotation, instant)
        for override in reversed(self.overrides):  # the last one listed wins
            if override.tag not in (None, tag) or not override.start <= instant < override.end:
                continue
            if override.replaces is not None and override.replaces != shift.person.id:
                continue
            end = min(override.end, shift.end) if override.replaces else override.end
            return Shift(
                tag, self.people[override.person], override.start, end, override.reason or "override"
            )
        # A regular shift ends early where an override begins.
        upcoming = [
            o.start
            for o in self.overrides
            if o.tag in (None, tag) and shift.start <= instant < o.start < shift.end
            and (o.replaces is None or o.replaces == shift.person.id)
        ]  # fmt: skip
        return Shift(tag, shift.person, shift.start, min([shift.end, *upcoming]))

    def person_on_call(self, tag: str, instant: datetime) -> str | None:
        shift = self.on_call(tag, instant)
        return shift.person.id if shift else None

    def timeline(self, tag: str, start: datetime, end: datetime) -> list[Shift]:
        """Consecutive shifts covering [start, end), overrides applied, same-person neighbours merged."""
        shifts: list[Shift] = []
        at = start
        while at < end:
            shift = self.on_call(tag, at)
            if shift is None:
                return []
            piece = Shift(tag, shift.person, at, min(shift.end, end), shift.reason)
            if shifts and shifts[-1].person == piece.person and shifts[-1].reason == piece.reason:
                shifts[-1] = Shift(tag, piece.person, shifts[-1].start, piece.end, piece.reason)
            else:
                shifts.append(piece)
            at = shift.end
        return shifts

    def notify_urls(self) -> dict[str, tuple[str, ...]]:
        """Per person, how to page them: their Apprise URLs, else a mail to their address."""
        return {
            pid: p.notify or ((f"mailto:{p.email}",) if p.email else ()) for pid, p in self.people.items()
        }


def current_oncall(rota: Rota, now: datetime, tag: str = "oncall-primary") -> dict[str, str] | None:
    """What GET /api/v1/oncall/current returns: the number the emergency line forwards to."""
    shift = rota.on_call(tag, now)
    if shift is None:
        return None
    return {
        "tag": tag,
        "name": shift.person.name,
        "phone": shift.person.phone,
        "email": shift.person.email,
        "until": shift.end.isoformat(),
        "reason": shift.reason,
    }


# -- loading -------------------------------------------------------------------------------------


def _utc(value: datetime, zone: ZoneInfo) -> datetime:
    """A local time (unless it has an offset) in UTC."""
    return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)


def _rotation(raw: dict[str, Any], people: dict[str, Person]) -> Rotation:
    tag, members = raw["tag"], raw["members"]
    unknown = [m for m in members if m not in people]
    if unknown:
        raise RotaError(
            f"rotation '{tag}' names unknown people: {', '.join(unknown)}; add them under [people]"
        )
    weekday, at = raw["handover"]
    return Rotation(tag, members, weekday, at, raw["start"])


def _override(raw: dict[str, Any], people: dict[str, Person], zone: ZoneInfo) -> Override:
    person, replaces = raw["person"], raw["replaces"]
    if person not in people:
        raise RotaError(f"override names unknown person '{person}': add them under [people]")
    if replaces is not None and replaces not in people:
        raise RotaError(f"override replaces unknown person '{replaces}'")
    start, end = _utc(raw["start"], zone), _utc(raw["end"], zone)
    if end <= start:
        raise RotaError("an override must end after it starts")
    return Override(raw["tag"], person, start, end, replaces, raw["reason"])


def parse_rota(data: dict[str, Any]) -> Rota:
    """A rota from a decoded TOML document; RotaError naming the key for anything wrong."""
    try:
        values = read_table(data, ROTA_KEYS)
    except ConfigKeyError as error:
        raise RotaError(str(error)) from None
    zone: ZoneInfo = values["timezone"]
    people = {
        pid: Person(pid, raw["name"], raw["phone"], raw["email"], tuple(raw["notify"]))
        for pid, raw in values["people"].items()
    }
    rotations = tuple(_rotation(raw, people) for raw in values["rotations"])
    overrides = tuple(_override(raw, people, zone) for raw in values["overrides"])
    return Rota(zone, people, rotations, overrides)


def load_rota(path: Path) -> Rota:
    """Read a rota TOML file; RotaError with a sentence for anything wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise RotaError(f"no on-call file at {path}: pass --config or set PRIORITYSUPPORT_ONCALL") from error
    except tomllib.TOMLDecodeError as error:
        raise RotaError(f"{path} is not valid TOML ({error}): fix the file") from error
    return parse_rota(data)
