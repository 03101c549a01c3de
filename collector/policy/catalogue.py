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
from zoneinfo import ZoneInfo

from collector.policy.calendars import CalendarSettings
from collector.policy.targets import Target, parse_target
from collector.policy.triage import Priority
from prioritysupport.config_keys import (
    BOOLEAN,
    LIST,
    NUMBER,
    TABLE,
    TEXT,
    WHOLE,
    ConfigKeyError,
    Key,
    Keys,
    Kind,
    at_least,
    one_of,
    problem,
    read_table,
)

DEFAULT_CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
EXTENSION_NAMES = ("premium", "koppeling", "migration")
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


def _zero_or_more(value: int) -> int:
    if value < 0:
        raise ValueError(f"must be zero or more, got {value}")
    return value


def _fraction(value: float) -> float:
    if not 0 < value <= 1:
        raise ValueError(f"must be a fraction between 0 and 1, got {value}")
    return value


def _hours_of_a_day(value: float) -> float:
    if not 0 < value <= 24:
        raise ValueError(f"must be between 0 and 24, got {value}")
    return value


def _clock_time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"must be a time like '09:00', got {text!r}") from None


def _weekdays(names: list[Any]) -> frozenset[int]:
    days: set[int] = set()
    for day in names:
        if not isinstance(day, str) or day.lower()[:3] not in _WEEKDAY_NAMES:
            raise ValueError(f"has {day!r}: use mon, tue, wed, thu, fri, sat, sun")
        days.add(_WEEKDAY_NAMES.index(day.lower()[:3]))
    return frozenset(days)


def _closed_days(items: list[Any]) -> tuple[date, ...]:
    closed: set[date] = set()
    for item in items:
        try:
            closed.add(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError:
            raise ValueError(f"has {item!r}: write dates like '2026-12-24'") from None
    return tuple(sorted(closed))


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        raise ValueError(f"{name!r} is not a known time zone (like Europe/Amsterdam)") from None
    return name


def _target(text: str) -> Target:
    return parse_target(text)  # its ValueError already says what to write


def _some_packages(table: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    if not table:
        raise ValueError("must hold at least one package")
    return table


def _required(kind: Kind, help_text: str, **options: Any) -> Key:
    return Key(kind, help_text, required=True, **options)


_EUR = _required(WHOLE, "Price per month in euro.", check=_zero_or_more)
PACKAGE_KEYS: Keys = {
    "label": _required(TEXT, "Name on quotes and pages."),
    "monthly_eur": _EUR,
    "max_users": _required(WHOLE, "Most users the package covers (inclusive).", check=_zero_or_more),
    "max_custom_lines": _required(
        WHOLE, "Most custom code lines it covers (inclusive).", check=_zero_or_more
    ),
}
EXTENSION_KEYS: Keys = {"label": _required(TEXT, "Name on quotes and pages."), "monthly_eur": _EUR}
LIMIT_KEYS: Keys = {
    "near_fraction": _required(NUMBER, "Share of a limit at which usage is near it.", check=_fraction),
    "leave_near_fraction": _required(NUMBER, "Share under which usage leaves 'near'.", check=_fraction),
    "over_reminder_days": _required(WHOLE, "Days between reminders while over a limit.", check=at_least(1)),
}
TARGET_KEYS: Keys = {
    column: _required(TEXT, f"{label}: 'N hours', 'N working days' or 'by agreement'.", check=_target)
    for column, label in (
        ("response", "Response target"),
        ("resolution", "Resolution target"),
        ("premium_response", "Response target with premium"),
        ("premium_resolution", "Resolution target with premium"),
    )
}
SLA_KEYS: Keys = {
    "working_day_hours": _required(NUMBER, "Hours in one working day.", check=_hours_of_a_day),
    "prebreach_fraction": _required(NUMBER, "Share of a response target before a warning.", check=_fraction),
    "targets": _required(
        TABLE,
        "Targets per priority.",
        keys={
            p.value: _required(TABLE, f"Targets of priority {p.value}.", keys=TARGET_KEYS) for p in Priority
        },
    ),
}
CALENDAR_KEYS: Keys = {
    "opens": _required(TEXT, "Opening time, like '09:00'.", check=_clock_time),
    "closes": _required(TEXT, "Closing time, after opens.", check=_clock_time),
    "weekdays": _required(LIST, "Open weekdays: mon ... sun.", check=_weekdays),
    "public_holidays": Key(BOOLEAN, "Closed on public holidays.", True),
    "good_friday_off": Key(BOOLEAN, "Closed on Good Friday.", False),
    "liberation_day": Key(
        TEXT, "Liberation Day closed: lustrum or yearly.", "lustrum", check=one_of("lustrum", "yearly")
    ),
    "extra_closed_days": Key(LIST, "Further closed dates, like '2026-12-24'.", [], check=_closed_days),
}
# The catalogue file, merged over the shipped one before it is read: every key is required there.
CATALOGUE_KEYS: Keys = {
    "currency": _required(TEXT, "Currency of the prices."),
    "packages": _required(
        TABLE,
        "Base packages by name.",
        each=_required(TABLE, "One package.", keys=PACKAGE_KEYS),
        entry="package",
        check=_some_packages,
    ),
    "extensions": _required(
        TABLE,
        "Extensions, each only with a base package.",
        keys={
            name: _required(TABLE, f"The {name} extension.", keys=EXTENSION_KEYS) for name in EXTENSION_NAMES
        },
    ),
    "limits": _required(TABLE, "Warning states per limit.", keys=LIMIT_KEYS),
    "sla": _required(TABLE, "SLA targets.", keys=SLA_KEYS),
    "calendar": _required(
        TABLE,
        "Support and premium calendars.",
        keys={
            "timezone": _required(TEXT, "Time zone of the calendars.", check=_time_zone),
            "holiday_country": _required(TEXT, "Country whose public holidays count."),
            "support": _required(TABLE, "The support calendar.", keys=CALENDAR_KEYS),
            "premium": _required(TABLE, "The premium calendar.", keys=CALENDAR_KEYS),
        },
    ),
}


def parse_catalogue(data: Mapping[str, Any], source: str = "<data>") -> Catalogue:
    """Build and validate a catalogue from its TOML tree."""
    try:
        values = read_table(data, CATALOGUE_KEYS)
        return _catalogue(values, source)
    except ConfigKeyError as error:
        raise CatalogueError(f"catalogue {source}: {error}") from None


def _catalogue(values: dict[str, Any], source: str) -> Catalogue:
    """The checked values as a catalogue, after the checks that compare keys."""
    limits = LimitSettings(**values["limits"])
    if limits.leave_near_fraction > limits.near_fraction:
        raise problem("limits.leave_near_fraction", "must not be above limits.near_fraction")
    sla = values["sla"]
    calendar = values["calendar"]
    return Catalogue(
        packages=_packages(values["packages"]),
        extensions={
            name: Extension(name, entry["label"], entry["monthly_eur"])
            for name, entry in values["extensions"].items()
        },
        limits=limits,
        sla_targets=_sla_targets(sla["targets"]),
        working_day=timedelta(hours=sla["working_day_hours"]),
        prebreach_fraction=sla["prebreach_fraction"],
        support_calendar=_calendar(calendar, "support"),
        premium_calendar=_calendar(calendar, "premium"),
        currency=values["currency"],
        source=source,
    )


def _packages(table: dict[str, dict[str, Any]]) -> tuple[Package, ...]:
    packages = [Package(name, **entry) for name, entry in table.items()]
    # Advice picks the smallest package that fits, so order by limits and price.
    return tuple(sorted(packages, key=lambda p: (p.max_users, p.max_custom_lines, p.monthly_eur)))


def _sla_targets(table: dict[str, dict[str, Target]]) -> dict[Priority, PriorityTargets]:
    targets: dict[Priority, PriorityTargets] = {}
    for priority in Priority:
        entry = PriorityTargets(**table[priority.value])
        if entry.response.by_agreement or entry.premium_response.by_agreement:
            raise problem(
                f"sla.targets.{priority.value}",
                "needs a response target in hours or working days, not 'by agreement'",
            )
        targets[priority] = entry
    return targets


def _calendar(table: dict[str, Any], name: str) -> CalendarSettings:
    entry = table[name]
    if entry["closes"] <= entry["opens"]:
        raise problem(f"calendar.{name}.closes", f"must be after calendar.{name}.opens")
    return CalendarSettings(
        good_friday_off=entry["good_friday_off"],
        liberation_day=entry["liberation_day"],
        extra_closed_days=entry["extra_closed_days"],
        timezone=table["timezone"],
        opens=entry["opens"],
        closes=entry["closes"],
        weekdays=entry["weekdays"],
        public_holidays=entry["public_holidays"],
        holiday_country=table["holiday_country"],
    )
