"""On-call rota: weekly rotations with a handover weekday and time in a time zone, plus overrides.

Everything is computed in the rota's local wall time and converted to UTC, so a handover at 09:00 stays
at 09:00 across a DST change. Loaded from TOML (see docs/alerts.md); pure functions of an instant.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = {
    "monday": 0, "maandag": 0, "tuesday": 1, "dinsdag": 1, "wednesday": 2, "woensdag": 2,
    "thursday": 3, "donderdag": 3, "friday": 4, "vrijdag": 4, "saturday": 5, "zaterdag": 5,
    "sunday": 6, "zondag": 6,
}  # fmt: skip


class Key(NamedTuple):
    """One key of the rota file: parse_rota takes its default from here; docs/configuration.md lists it."""

    type: str
    help: str
    default: Any = None
    required: bool = False
    secret: bool = False


# The rota file by table: "" is the top level, "people.<id>" one person, [[rotations]], [[overrides]].
ROTA_KEYS: dict[str, dict[str, Key]] = {
    "": {
        "timezone": Key("str", "Time zone of handovers and override times.", "Europe/Amsterdam"),
        "people": Key("table", "The people who can be on call, by id (`[people.<id>]`)."),
        "rotations": Key("list", "Weekly rotations ([[rotations]])."),
        "overrides": Key("list", "Exceptions to the rotations ([[overrides]]); the last one listed wins."),
    },
    "people.<id>": {
        "name": Key("str", "Full name.", required=True),
        "phone": Key("str", "Phone number the emergency line forwards to.", ""),
        "email": Key("str", "E-mail address; pages go here when notify is empty.", ""),
        "notify": Key("list", "Apprise URLs that page this person.", []),
    },
    "rotations": {
        "tag": Key("str", "Recipient tag it answers, e.g. oncall-primary.", required=True),
        "members": Key("list", "Person ids, in turn order.", required=True),
        "handover": Key("str", "Weekday and local time of the handover.", "monday 09:00"),
        "start": Key(
            "date", "The first member starts at the first handover on or after this date.", date(2026, 1, 5)
        ),
    },
    "overrides": {
        "person": Key("str", "Person id who is on call instead.", required=True),
        "start": Key("datetime", "Start, local time unless an offset is given.", required=True),
        "end": Key("datetime", "End, local time unless an offset is given.", required=True),
        "tag": Key("str", "Only this rotation; unset: every rotation."),
        "replaces": Key("str", "Only while this person id is scheduled (holiday cover)."),
        "reason": Key("str", "Shown with the shift.", ""),
    },
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


def _parse_local(value: Any, zone: ZoneInfo, what: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as error:
            raise RotaError(f"{what} '{value}' is not a date-time: write it as 2026-03-28T09:00") from error
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if not isinstance(value, datetime):
        raise RotaError(f"{what} must be a date-time such as 2026-03-28T09:00")
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _parse_handover(text: str) -> tuple[int, time]:
    parts = str(text).strip().lower().split()
    if len(parts) != 2 or parts[0] not in WEEKDAYS:
        raise RotaError(f"handover '{text}' is not understood: write it as 'monday 09:00'")
    try:
        at = time.fromisoformat(parts[1])
    except ValueError as error:
        raise RotaError(f"handover time '{parts[1]}' is not understood: write it as 09:00") from error
    return WEEKDAYS[parts[0]], at


def parse_rota(data: dict[str, Any]) -> Rota:
    try:
        zone = ZoneInfo(str(data.get("timezone", ROTA_KEYS[""]["timezone"].default)))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RotaError("timezone is unknown: use a name such as 'Europe/Amsterdam'") from error
    people: dict[str, Person] = {}
    for pid, raw in dict(data.get("people", {})).items():
        if not isinstance(raw, dict) or "name" not in raw:
            raise RotaError(f"person '{pid}' needs at least a name")
        people[pid] = Person(
            id=pid,
            name=str(raw["name"]),
            phone=str(raw.get("phone", "")),
            email=str(raw.get("email", "")),
            notify=tuple(str(u) for u in raw.get("notify", ())),
        )
    rotations = []
    for raw in data.get("rotations", []):
        tag = str(raw.get("tag", ""))
        members = tuple(str(m) for m in raw.get("members", ()))
        if not tag or not members:
            raise RotaError("every rotation needs a tag (e.g. 'oncall-primary') and a list of members")
        unknown = [m for m in members if m not in people]
        if unknown:
            raise RotaError(
                f"rotation '{tag}' names unknown people: {', '.join(unknown)}; add them under [people]"
            )
        weekday, at = _parse_handover(raw.get("handover", ROTA_KEYS["rotations"]["handover"].default))
        start = raw.get("start", ROTA_KEYS["rotations"]["start"].default)
        if isinstance(start, str):
            try:
                start = date.fromisoformat(start)
            except ValueError as error:
                raise RotaError(f"rotation '{tag}' start must be a date such as 2026-01-05") from error
        if isinstance(start, datetime):
            start = start.date()
        rotations.append(Rotation(tag, members, weekday, at, start))
    overrides = []
    for raw in data.get("overrides", []):
        person = str(raw.get("person", ""))
        if person not in people:
            raise RotaError(f"override names unknown person '{person}': add them under [people]")
        replaces = raw.get("replaces")
        if replaces is not None and replaces not in people:
            raise RotaError(f"override replaces unknown person '{replaces}'")
        start_at = _parse_local(raw.get("start"), zone, "override start")
        end_at = _parse_local(raw.get("end"), zone, "override end")
        if end_at <= start_at:
            raise RotaError("an override must end after it starts")
        overrides.append(
            Override(raw.get("tag"), person, start_at, end_at, replaces, str(raw.get("reason", "")))
        )
    return Rota(zone, people, tuple(rotations), tuple(overrides))


def load_rota(path: Path) -> Rota:
    """Read a rota TOML file; RotaError with a sentence for anything wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise RotaError(f"no on-call file at {path}: pass --config or set PRIORITYSUPPORT_ONCALL") from error
    except tomllib.TOMLDecodeError as error:
        raise RotaError(f"{path} is not valid TOML ({error}): fix the file") from error
    return parse_rota(data)
