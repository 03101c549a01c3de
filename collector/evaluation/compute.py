"""From loaded records to report figures. Pure: the instants and the SLA policy come in as arguments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from collector.contracts.limit_watch import counted_lines
from collector.evaluation.data import (
    ConditionRecord,
    ContractRecord,
    CustomerData,
    MaintenanceRecord,
    TicketRecord,
    UsageSample,
)
from collector.evaluation.model import (
    CATEGORIES,
    PRIORITIES,
    Attainment,
    Availability,
    BacklogItem,
    Breach,
    ContractInForce,
    CustomerReport,
    DurationStats,
    TicketLine,
    UsageDay,
    UsageSummary,
)
from collector.evaluation.period import LOCAL_ZONE, Period
from collector.evaluation.stats import median, p90, share
from collector.policy.catalogue import Catalogue
from collector.policy.sla import SlaPolicy, paused_business_time
from collector.policy.triage import Category, Priority

# Check kinds whose failure means the instance itself is unavailable (policy section 8, first row);
# "unreachable" is the collector's own probe of an instance whose agent fell silent.
INSTANCE_DOWN_KINDS = frozenset({"login_page", "health", "database", "unreachable"})
FAILING = "failing"

Interval = tuple[datetime, datetime]


def build_customer_report(
    data: CustomerData,
    period: Period,
    *,
    generated_at: datetime,
    policy: SlaPolicy,
    catalogue: Catalogue,
) -> CustomerReport:
    measured_until = min(period.end, generated_at)
    in_period = [ticket for ticket in data.tickets if period.start <= ticket.registered_at < period.end]
    lines = tuple(ticket_line(ticket, generated_at, policy) for ticket in in_period)
    usage = usage_days(data.samples, data.contracts, catalogue, period, measured_until)
    return CustomerReport(
        customer=data.key,
        customer_name=data.name,
        language=data.language,
        period=period.label,
        start=period.start,
        end=period.end,
        generated_at=generated_at,
        measured_until=measured_until,
        contracts=contracts_in_force(data.contracts, period),
        tickets=lines,
        counts=count_by_category_and_priority(lines),
        response=DurationStats(
            count=sum(1 for line in lines if line.response_wall is not None),
            median_business=median([x.response_business for x in lines if x.response_business is not None]),
            p90_business=p90([x.response_business for x in lines if x.response_business is not None]),
            median_wall=median([x.response_wall for x in lines if x.response_wall is not None]),
            p90_wall=p90([x.response_wall for x in lines if x.response_wall is not None]),
        ),
        resolution=DurationStats(
            count=sum(1 for line in lines if line.resolution_wall is not None),
            median_business=median(
                [x.resolution_business for x in lines if x.resolution_business is not None]
            ),
            p90_business=p90([x.resolution_business for x in lines if x.resolution_business is not None]),
            median_wall=median([x.resolution_wall for x in lines if x.resolution_wall is not None]),
            p90_wall=p90([x.resolution_wall for x in lines if x.resolution_wall is not None]),
        ),
        response_attainment=attainment(line.response_outcome for line in lines),
        resolution_attainment=attainment(line.resolution_outcome for line in lines),
        breaches=breaches(lines, generated_at),
        backlog=backlog(data.tickets, measured_until),
        availability=availability(
            data.instances, data.conditions, period.start, measured_until, data.maintenance
        ),
        usage=usage,
        usage_summary=summarise_usage(usage),
    )


# -- tickets ------------------------------------------------------------------------------------------


def ticket_line(ticket: TicketRecord, now: datetime, policy: SlaPolicy) -> TicketLine:
    """One ticket's times and outcomes. Business time runs in the calendar of its SLA clock; the
    resolution clock leaves out the time spent waiting for the customer. Wall time is plain elapsed time."""
    plan = policy.plan(Priority(ticket.priority), Category(ticket.category), ticket.premium)
    response_business = response_wall = resolution_business = resolution_wall = None
    if ticket.first_response_at is not None:
        response_wall = ticket.first_response_at - ticket.registered_at
        response_business = plan.response_clock.elapsed(ticket.registered_at, ticket.first_response_at)
    if ticket.resolved_at is not None:
        resolution_wall = ticket.resolved_at - ticket.registered_at
        resolution_business = plan.resolution_clock.elapsed(
            ticket.registered_at, ticket.resolved_at
        ) - paused_business_time(plan.resolution_clock, ticket.pauses, ticket.resolved_at)
    return TicketLine(
        number=ticket.number,
        subject=ticket.subject,
        category=ticket.category,
        priority=ticket.priority,
        state=ticket.state,
        registered_at=ticket.registered_at,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        response_due=ticket.response_due,
        resolution_due=ticket.resolution_due,
        response_business=response_business,
        response_wall=response_wall,
        resolution_business=resolution_business,
        resolution_wall=resolution_wall,
        response_outcome=outcome(ticket.response_due, ticket.first_response_at, now),
        resolution_outcome=outcome(ticket.resolution_due, ticket.resolved_at, now),
    )


def outcome(due: datetime | None, done_at: datetime | None, now: datetime) -> str:
    """met (done at or before the deadline), breached, pending, or none (no deadline: by agreement)."""
    if due is None:
        return "none"
    if done_at is not None:
        return "met" if done_at <= due else "breached"
    return "breached" if now > due else "pending"


def attainment(outcomes: Iterable[str]) -> Attainment:
    values = list(outcomes)
    met, breached, pending = (values.count(name) for name in ("met", "breached", "pending"))
    return Attainment(met, breached, pending, share(met, met + breached))


def count_by_category_and_priority(lines: Sequence[TicketLine]) -> dict[str, dict[str, int]]:
    counts = {category: dict.fromkeys(PRIORITIES, 0) for category in CATEGORIES}
    for line in lines:
        counts.setdefault(line.category, dict.fromkeys(PRIORITIES, 0))[line.priority] += 1
    return counts


def breaches(lines: Sequence[TicketLine], now: datetime) -> tuple[Breach, ...]:
    found = []
    for line in lines:
        for target, due, done, result in (
            ("response", line.response_due, line.first_response_at, line.response_outcome),
            ("resolution", line.resolution_due, line.resolved_at, line.resolution_outcome),
        ):
            if result == "breached" and due is not None:
                found.append(Breach(line.number, line.priority, target, due, done, (done or now) - due))
    return tuple(sorted(found, key=lambda breach: (breach.due, breach.number)))


def backlog(tickets: Iterable[TicketRecord], at: datetime) -> tuple[BacklogItem, ...]:
    """Tickets registered before `at` and neither resolved nor closed by then, oldest first."""
    items = [
        BacklogItem(
            ticket.number,
            ticket.subject,
            ticket.category,
            ticket.priority,
            ticket.state,
            ticket.registered_at,
            at - ticket.registered_at,
        )
        for ticket in tickets
        if ticket.registered_at < at
        and (ticket.resolved_at is None or ticket.resolved_at >= at)
        and (ticket.closed_at is None or ticket.closed_at >= at)
    ]
    return tuple(sorted(items, key=lambda item: (item.registered_at, item.number)))


# -- availability -------------------------------------------------------------------------------------


def failing_intervals(condition: ConditionRecord, start: datetime, end: datetime) -> list[Interval]:
    """The parts of [start, end) in which the condition was failing, from its flips."""
    intervals: list[Interval] = []
    failing_since: datetime | None = None
    for at, state in condition.flips:
        if state == FAILING and failing_since is None:
            failing_since = at
        elif state != FAILING and failing_since is not None:
            intervals.append((failing_since, at))
            failing_since = None
    if failing_since is not None:
        intervals.append((failing_since, end))
    clipped = [(max(a, start), min(b, end)) for a, b in intervals]
    return [(a, b) for a, b in clipped if a < b]


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping intervals covering the same instants."""
    merged: list[Interval] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def union_length(intervals: Iterable[Interval]) -> tuple[timedelta, int]:
    """Total length of a union of intervals, and how many separate stretches it has."""
    merged = union(intervals)
    return sum((b - a for a, b in merged), timedelta(0)), len(merged)


def overlap(first: Sequence[Interval], second: Sequence[Interval]) -> timedelta:
    """Length of the instants in both unions (each given merged, as union() returns)."""
    total = timedelta(0)
    for a, b in first:
        for c, d in second:
            if c < b and a < d:
                total += min(b, d) - max(a, c)
    return total


def availability(
    instances: Sequence[str],
    conditions: Sequence[ConditionRecord],
    start: datetime,
    end: datetime,
    maintenance: Sequence[MaintenanceRecord] = (),
) -> tuple[Availability, ...]:
    """Per instance (its availability checks together) and per integration: the share of the measured time
    (the period less planned maintenance) in which nothing failed."""
    groups: dict[tuple[str, str | None], list[Interval]] = {(name, None): [] for name in instances}
    for condition in conditions:
        if condition.integration:
            key: tuple[str, str | None] = (condition.instance, condition.integration)
        elif condition.kind in INSTANCE_DOWN_KINDS:
            key = (condition.instance, None)
        else:
            continue
        groups.setdefault(key, []).extend(failing_intervals(condition, start, end))
    result = []
    for (instance, integration), intervals in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
    ):
        planned = union(
            (max(w.starts_at, start), min(w.ends_at, end))
            for w in maintenance
            if w.instance in (None, instance) and w.starts_at < end and w.ends_at > start
        )
        failing = union(intervals)
        planned_length, _ = union_length(planned)
        down = sum((b - a for a, b in failing), timedelta(0)) - overlap(failing, planned)
        measured = end - start - planned_length
        fraction = 1 - down / measured if measured > timedelta(0) else None
        result.append(Availability(instance, integration, fraction, down, len(failing), planned_length))
    return tuple(result)


# -- contracts and usage ------------------------------------------------------------------------------


def contract_on(contracts: Sequence[ContractRecord], day: date) -> ContractRecord | None:
    """The contract in force on a day: the latest one that took effect on or before it."""
    current = None
    for contract in contracts:
        if contract.effective_from <= day:
            current = contract
    return current


def contracts_in_force(contracts: Sequence[ContractRecord], period: Period) -> tuple[ContractInForce, ...]:
    last_day = period.next_first_day - timedelta(days=1)
    first = contract_on(contracts, period.first_day)
    chosen = [c for c in contracts if c is first or period.first_day < c.effective_from <= last_day]
    return tuple(
        ContractInForce(c.effective_from, c.package, c.premium, c.migration, c.integrations) for c in chosen
    )


def usage_days(
    samples: Sequence[UsageSample],
    contracts: Sequence[ContractRecord],
    catalogue: Catalogue,
    period: Period,
    until: datetime,
) -> tuple[UsageDay, ...]:
    """Per local day up to `until`: the highest count of the day over the customer's instances, beside
    the limits in force. As the collector's limit watch does, each instance's count is held against the
    limit on its own, and custom lines leave out modules by the contract's excluded authors."""
    per_day: dict[date, tuple[int | None, int | None]] = {}
    for sample in samples:
        day = sample.at.astimezone(LOCAL_ZONE).date()
        contract = contract_on(contracts, day)
        lines = sample.lines
        if lines is not None and contract is not None and contract.excluded_authors:
            counts = {"custom_lines": lines, "modules": list(sample.modules)}
            lines = counted_lines(counts, contract.excluded_authors)
        users, most_lines = per_day.get(day, (None, None))
        per_day[day] = (_max(users, sample.users), _max(most_lines, lines))
    last_local_day = (until - timedelta(microseconds=1)).astimezone(LOCAL_ZONE).date()
    last_day = min(period.next_first_day, last_local_day + timedelta(days=1))
    days = []
    day = period.first_day
    while day < last_day:
        contract = contract_on(contracts, day)
        package = catalogue.package(contract.package) if contract and contract.package else None
        users, lines = per_day.get(day, (None, None))
        days.append(
            UsageDay(
                day=day,
                users=users,
                lines=lines,
                package=package.name if package else None,
                users_limit=package.max_users if package else None,
                lines_limit=package.max_custom_lines if package else None,
            )
        )
        day += timedelta(days=1)
    return tuple(days)


def summarise_usage(days: Sequence[UsageDay]) -> UsageSummary:
    measured_users = [d for d in days if d.users is not None]
    measured_lines = [d for d in days if d.lines is not None]
    last = days[-1] if days else None
    return UsageSummary(
        peak_users=max((d.users for d in measured_users if d.users is not None), default=None),
        peak_lines=max((d.lines for d in measured_lines if d.lines is not None), default=None),
        last_users=measured_users[-1].users if measured_users else None,
        last_lines=measured_lines[-1].lines if measured_lines else None,
        days_users_over=sum(
            1
            for d in measured_users
            if d.users_limit is not None and d.users is not None and d.users > d.users_limit
        ),
        days_lines_over=sum(
            1
            for d in measured_lines
            if d.lines_limit is not None and d.lines is not None and d.lines > d.lines_limit
        ),
        users_limit_at_end=last.users_limit if last else None,
        lines_limit_at_end=last.lines_limit if last else None,
    )


def _max(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else max(a, b)
