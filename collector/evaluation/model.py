"""What an evaluation report holds: plain values, so HTML, CSV and JSON render the same figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

CATEGORIES = ("incident", "question", "change")
PRIORITIES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class DurationStats:
    """Median and p90 of one kind of duration, in business time (the SLA clock) and in wall time."""

    count: int
    median_business: timedelta | None
    p90_business: timedelta | None
    median_wall: timedelta | None
    p90_wall: timedelta | None


@dataclass(frozen=True)
class Attainment:
    """Targets met and breached; pending targets (not yet due, not yet done) are left out of the share."""

    met: int
    breached: int
    pending: int
    share: float | None


@dataclass(frozen=True)
class TicketLine:
    number: str
    subject: str
    category: str
    priority: str
    state: str
    registered_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    response_due: datetime | None
    resolution_due: datetime | None
    response_business: timedelta | None
    response_wall: timedelta | None
    resolution_business: timedelta | None
    resolution_wall: timedelta | None
    response_outcome: str  # met | breached | pending
    resolution_outcome: str  # met | breached | pending | none (by agreement, no date)


@dataclass(frozen=True)
class Breach:
    number: str
    priority: str
    target: str  # response | resolution
    due: datetime
    done_at: datetime | None  # None: still not done when the report was made
    overrun: timedelta  # wall time past the deadline (until done, or until the report)


@dataclass(frozen=True)
class BacklogItem:
    number: str
    subject: str
    category: str
    priority: str
    state: str
    registered_at: datetime
    age: timedelta  # at the end of the period (or at report time for the running month)


@dataclass(frozen=True)
class Availability:
    """Planned maintenance is left out: of the measured time, and of the downtime that fell in it."""

    instance: str
    integration: str | None  # None: the instance itself
    share: float | None
    downtime: timedelta  # outside maintenance windows
    outages: int
    maintenance: timedelta = timedelta(0)


@dataclass(frozen=True)
class UsageDay:
    day: date
    users: int | None
    lines: int | None
    package: str | None
    users_limit: int | None
    lines_limit: int | None


@dataclass(frozen=True)
class UsageSummary:
    peak_users: int | None
    peak_lines: int | None
    last_users: int | None
    last_lines: int | None
    days_users_over: int
    days_lines_over: int
    users_limit_at_end: int | None
    lines_limit_at_end: int | None


@dataclass(frozen=True)
class ContractInForce:
    effective_from: date
    package: str | None
    premium: bool
    migration: bool
    integrations: tuple[str, ...]


@dataclass(frozen=True)
class CustomerReport:
    customer: str
    customer_name: str
    language: str
    period: str
    start: datetime
    end: datetime
    generated_at: datetime  # ticket outcomes (met, breached, pending) are as known at this instant
    measured_until: datetime  # backlog, availability and usage: the period end, or generation time if earlier
    contracts: tuple[ContractInForce, ...]
    tickets: tuple[TicketLine, ...]
    counts: dict[str, dict[str, int]]  # category -> priority -> tickets registered in the period
    response: DurationStats
    resolution: DurationStats
    response_attainment: Attainment
    resolution_attainment: Attainment
    breaches: tuple[Breach, ...]
    backlog: tuple[BacklogItem, ...]
    availability: tuple[Availability, ...]
    usage: tuple[UsageDay, ...]
    usage_summary: UsageSummary


@dataclass(frozen=True)
class OverviewRow:
    customer: str
    customer_name: str
    package: str | None
    tickets: int
    incidents_ab: int
    response_attainment: float | None
    resolution_attainment: float | None
    breaches: int
    open_at_end: int
    lowest_availability: float | None
    peak_users: int | None
    users_limit: int | None
    peak_lines: int | None
    lines_limit: int | None


@dataclass(frozen=True)
class Overview:
    period: str
    start: datetime
    end: datetime
    generated_at: datetime
    measured_until: datetime
    rows: tuple[OverviewRow, ...]
