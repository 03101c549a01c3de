"""The catalogue: packages, extensions, prices, limits, SLA targets and calendar settings, from TOML.

The shipped default is catalogue.toml next to this module. An override file holds only the keys it
changes; it is merged over the default and the whole is validated, so a partner changes prices, limits,
hours and holidays without a release. Every error names the key that is wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from collector.policy.calendars import CalendarSettings
from collector.policy.targets import Target, parse_target
from collector.policy.triage import Priority

DEFAULT_CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
EXTENSION_NAMES = ("premium", "koppeling", "migration")
_KIND_NAMES = {int: "a whole number", float: "a number", str: "text in quotes", list: "a list"}
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class CatalogueError(ValueError):
    """The catalogue file is unreadable or a key in it is wrong; the message names the key."""


class ContractError(ValueError):
    """A contract the catalogue does not allow; the message says why."""


@dataclass(frozen=True)
class Package:
    name: str
    label: str
    monthly_eur: int
    max_users: int
    max_custom_lines: int


@dataclass(frozen=True)
class Extension:
    name: str
    label: str
    monthly_eur: int


@dataclass(frozen=True)
class LimitSettings:
    near_fraction: float = 0.90
    leave_near_fraction: float = 0.85
    over_reminder_days: int = 30


@dataclass(frozen=True)
class PriorityTargets:
    response: Target
    resolution: Target
    premium_response: Target
    premium_resolution: Target

    def for_customer(self, premium: bool) -> tuple[Target, Target]:
        """(response, resolution) for a customer with or without the premium extension."""
        if premium:
            return self.premium_response, self.premium_resolution
        return self.response, self.resolution


@dataclass(frozen=True)
class Catalogue:
    packages: tuple[Package, ...]  # smallest first
    extensions: Mapping[str, Extension]
    limits: LimitSettings
    sla_targets: Mapping[Priority, PriorityTargets]
    working_day: timedelta
    prebreach_fraction: float
    support_calendar: CalendarSettings
    premium_calendar: CalendarSettings
    currency: str = "EUR"
    source: str = field(default=str(DEFAULT_CATALOGUE_PATH), compare=False)

    def package(self, name: str) -> Package:
        for package in self.packages:
            if package.name == name:
                return package
        known = ", ".join(p.name for p in self.packages)
        raise ContractError(f"unknown package {name!r}: choose one of {known}")

    @property
    def package_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.packages)


@dataclass(frozen=True)
class Contract:
    """What a customer contracted: one base package (or none yet) and the extensions."""

    package: str | None
    premium: bool = False
    koppelingen: int = 0
    migration: bool = False


def validate_contract(contract: Contract, catalogue: Catalogue) -> None:
    """Raise ContractError when the catalogue does not allow the contract."""
    if contract.koppelingen < 0:
        raise ContractError("the number of koppelingen (integrations) cannot be negative")
    if contract.package is None:
        extensions = [
            name
            for name, present in (
                ("premium", contract.premium),
                ("koppeling", contract.koppelingen > 0),
                ("migration", contract.migration),
            )
            if present
        ]
        if extensions:
            raise ContractError(
                f"the {' and '.join(extensions)} extension needs a base package: "
                f"add one of {', '.join(catalogue.package_names)}"
            )
        return
    catalogue.package(contract.package)


# -- loading -----------------------------------------------------------------------------------------


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The default catalogue, with the override file at `path` merged over it, validated."""
    data = _read_toml(DEFAULT_CATALOGUE_PATH)
    source = str(DEFAULT_CATALOGUE_PATH)
    if path is not None:
        data = merge(data, _read_toml(path))
        source = str(path)
    return parse_catalogue(data, source)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise CatalogueError(f"catalogue file {path} does not exist: check the path") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"catalogue file {path} is not valid TOML ({error}): fix the syntax") from None


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value in the override replaces the default."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class _Reader:
    """Typed access to the TOML tree; every error names the dotted key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> CatalogueError:
        return CatalogueError(f"catalogue {self.source}: {key} {problem}")

    def table(self, data: Mapping[str, Any], key: str, name: str) -> Mapping[str, Any]:
        value = data.get(name)
        if not isinstance(value, Mapping):
            raise self.fail(key, "is missing or not a table: add it (see the shipped catalogue.toml)")
        return value

    def value(self, data: Mapping[str, Any], key: str, name: str, kind: type) -> Any:
        if name not in data:
            raise self.fail(key, "is missing: add it (see the shipped catalogue.toml)")
        value = data[name]
        # bool is an int in Python; a price of `true` is still wrong.
        if not isinstance(value, kind) or (kind in (int, float) and isinstance(value, bool)):
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                return float(value)
            raise self.fail(key, f"must be {_KIND_NAMES.get(kind, kind.__name__)}, not {value!r}")
        return value

    def non_negative_int(self, data: Mapping[str, Any], key: str, name: str) -> int:
        value: int = self.value(data, key, name, int)
        if value < 0:
            raise self.fail(key, f"must be zero or more, not {value}")
        return value

    def fraction(self, data: Mapping[str, Any], key: str, name: str) -> float:
        value: float = self.value(data, key, name, float)
        if not 0 < value <= 1:
            raise self.fail(key, f"must be a fraction between 0 and 1, not {value}")
        return value

    def clock_time(self, data: Mapping[str, Any], key: str, name: str) -> time:
        text: str = self.value(data, key, name, str)
        try:
            return time.fromisoformat(text)
        except ValueError:
            raise self.fail(key, f"must be a time like '09:00', not {text!r}") from None


def parse_catalogue(data: Mapping[str, Any], source: str = "<data>") -> Catalogue:
    """Build and validate a catalogue from its TOML tree."""
    r = _Reader(source)
    packages = _packages(r, r.table(data, "packages", "packages"))
    extensions_table = r.table(data, "extensions", "extensions")
    extensions: dict[str, Extension] = {}
    for name in EXTENSION_NAMES:
        entry = r.table(extensions_table, f"extensions.{name}", name)
        extensions[name] = Extension(
            name,
            r.value(entry, f"extensions.{name}.label", "label", str),
            r.non_negative_int(entry, f"extensions.{name}.monthly_eur", "monthly_eur"),
        )
    limits_table = r.table(data, "limits", "limits")
    limits = LimitSettings(
        r.fraction(limits_table, "limits.near_fraction", "near_fraction"),
        r.fraction(limits_table, "limits.leave_near_fraction", "leave_near_fraction"),
        r.non_negative_int(limits_table, "limits.over_reminder_days", "over_reminder_days"),
    )
    if limits.leave_near_fraction > limits.near_fraction:
        raise r.fail("limits.leave_near_fraction", "must not be above limits.near_fraction")
    if limits.over_reminder_days == 0:
        raise r.fail("limits.over_reminder_days", "must be at least 1")
    sla = r.table(data, "sla", "sla")
    working_day_hours: float = r.value(sla, "sla.working_day_hours", "working_day_hours", float)
    if not 0 < working_day_hours <= 24:
        raise r.fail("sla.working_day_hours", f"must be between 0 and 24, not {working_day_hours}")
    calendar = r.table(data, "calendar", "calendar")
    return Catalogue(
        packages=packages,
        extensions=extensions,
        limits=limits,
        sla_targets=_sla_targets(r, r.table(sla, "sla.targets", "targets")),
        working_day=timedelta(hours=working_day_hours),
        prebreach_fraction=r.fraction(sla, "sla.prebreach_fraction", "prebreach_fraction"),
        support_calendar=_calendar(r, calendar, "support"),
        premium_calendar=_calendar(r, calendar, "premium"),
        currency=r.value(data, "currency", "currency", str),
        source=source,
    )


def _packages(r: _Reader, table: Mapping[str, Any]) -> tuple[Package, ...]:
    packages = []
    for name, entry in table.items():
        key = f"packages.{name}"
        if not isinstance(entry, Mapping):
            raise r.fail(key, "must be a table with label, monthly_eur, max_users and max_custom_lines")
        packages.append(
            Package(
                name,
                r.value(entry, f"{key}.label", "label", str),
                r.non_negative_int(entry, f"{key}.monthly_eur", "monthly_eur"),
                r.non_negative_int(entry, f"{key}.max_users", "max_users"),
                r.non_negative_int(entry, f"{key}.max_custom_lines", "max_custom_lines"),
            )
        )
    if not packages:
        raise r.fail("packages", "must hold at least one package")
    # Advice picks the smallest package that fits, so order by limits and price.
    return tuple(sorted(packages, key=lambda p: (p.max_users, p.max_custom_lines, p.monthly_eur)))


def _sla_targets(r: _Reader, table: Mapping[str, Any]) -> dict[Priority, PriorityTargets]:
    targets: dict[Priority, PriorityTargets] = {}
    for priority in Priority:
        key = f"sla.targets.{priority.value}"
        entry = r.table(table, key, priority.value)
        parsed: list[Target] = []
        for column in ("response", "resolution", "premium_response", "premium_resolution"):
            text: str = r.value(entry, f"{key}.{column}", column, str)
            try:
                parsed.append(parse_target(text))
            except ValueError as error:
                raise r.fail(f"{key}.{column}", str(error)) from None
        if parsed[0].by_agreement or parsed[2].by_agreement:
            raise r.fail(key, "needs a response target in hours or working days, not 'by agreement'")
        targets[priority] = PriorityTargets(*parsed)
    return targets


def _calendar(r: _Reader, table: Mapping[str, Any], name: str) -> CalendarSettings:
    key = f"calendar.{name}"
    entry = r.table(table, key, name)
    weekdays: list[Any] = r.value(entry, f"{key}.weekdays", "weekdays", list)
    days: set[int] = set()
    for day in weekdays:
        if not isinstance(day, str) or day.lower()[:3] not in _WEEKDAY_NAMES:
            raise r.fail(f"{key}.weekdays", f"has {day!r}: use mon, tue, wed, thu, fri, sat, sun")
        days.add(_WEEKDAY_NAMES.index(day.lower()[:3]))
    extra: list[Any] = entry.get("extra_closed_days", [])
    if not isinstance(extra, list):
        raise r.fail(f"{key}.extra_closed_days", "must be a list of dates like '2026-12-24'")
    closed: list[date] = []
    for item in extra:
        try:
            closed.append(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError:
            raise r.fail(f"{key}.extra_closed_days", f"has {item!r}: write dates like '2026-12-24'") from None
    liberation = entry.get("liberation_day", "lustrum")
    if liberation not in ("lustrum", "yearly"):
        raise r.fail(f"{key}.liberation_day", f"must be 'lustrum' or 'yearly', not {liberation!r}")
    good_friday = entry.get("good_friday_off", False)
    public = entry.get("public_holidays", True)
    for flag, value in (("good_friday_off", good_friday), ("public_holidays", public)):
        if not isinstance(value, bool):
            raise r.fail(f"{key}.{flag}", f"must be true or false, not {value!r}")
    timezone: str = r.value(table, "calendar.timezone", "timezone", str)
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except (KeyError, ValueError):
        problem = f"{timezone!r} is not a known time zone (like Europe/Amsterdam)"
        raise r.fail("calendar.timezone", problem) from None
    opens = r.clock_time(entry, f"{key}.opens", "opens")
    closes = r.clock_time(entry, f"{key}.closes", "closes")
    if closes <= opens:
        raise r.fail(f"{key}.closes", f"must be after {key}.opens")
    return CalendarSettings(
        good_friday_off=good_friday,
        liberation_day=liberation,
        extra_closed_days=tuple(sorted(set(closed))),
        timezone=timezone,
        opens=opens,
        closes=closes,
        weekdays=frozenset(days),
        public_holidays=public,
        holiday_country=r.value(table, "calendar.holiday_country", "holiday_country", str),
    )
