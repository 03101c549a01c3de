"""SLA deadlines (policy section 6): which calendar each clock runs in, pauses, agreed dates, breaches.

Targets in hours run in the premium calendar for incidents of premium customers, otherwise in the
support calendar; targets in working days always run in the support calendar. The response clock never
pauses; the resolution clock stops while the ticket waits for the customer. A priority change is simply
a new computation from the registration time with the same pauses. The SlaPolicy is always passed in:
the collector builds one from its configured catalogue (collector/policy/policy.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from collector.policy.calendars import BusinessCalendar, calendar_for, to_microseconds
from collector.policy.catalogue import Catalogue, PriorityTargets
from collector.policy.targets import Target
from collector.policy.triage import Category, Priority

_MICROSECOND = timedelta(microseconds=1)
SUPPORT = "support"
PREMIUM = "premium"

# A paused interval; an end of None means the ticket still waits for the customer.
Pause = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class ClockPlan:
    """For one kind of ticket: each clock's calendar and business time (None: by agreement)."""

    response_calendar: str
    response_clock: BusinessCalendar
    response_time: timedelta
    resolution_calendar: str
    resolution_clock: BusinessCalendar
    resolution_time: timedelta | None  # None: by agreement
    prebreach_time: timedelta


@dataclass(frozen=True)
class SlaPolicy:
    """The targets table and the two calendars, as one value built from a catalogue."""

    targets: dict[Priority, PriorityTargets]
    working_day: timedelta
    prebreach_fraction: float
    support: BusinessCalendar
    premium: BusinessCalendar
    _plans: dict[tuple[Priority, bool, bool], ClockPlan] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> SlaPolicy:
        return cls(
            dict(catalogue.sla_targets),
            catalogue.working_day,
            catalogue.prebreach_fraction,
            calendar_for(SUPPORT, catalogue.support_calendar),
            calendar_for(PREMIUM, catalogue.premium_calendar),
        )

    def plan(self, priority: Priority, category: Category, premium: bool) -> ClockPlan:
        """Which calendar and how much business time per clock; cached, as it is asked per ticket."""
        key = (priority, category is Category.INCIDENT, premium)
        found = self._plans.get(key)
        if found is None:
            response, resolution = self.targets[priority].for_customer(premium)
            response_name = self.calendar_name_for(response, category, premium)
            resolution_name = self.calendar_name_for(resolution, category, premium)
            found = ClockPlan(
                response_name,
                self.calendar(response_name),
                _duration(response, self),
                resolution_name,
                self.calendar(resolution_name),
                resolution.duration(self.working_day),
                _duration(response, self) * self.prebreach_fraction,
            )
            self._plans[key] = found
        return found

    def calendar(self, name: str) -> BusinessCalendar:
        return self.premium if name == PREMIUM else self.support

    def calendar_name_for(self, target: Target, category: Category, premium: bool) -> str:
        """Hours for a premium customer's incident run in the premium calendar; all else in support."""
        if target.in_hours and premium and category is Category.INCIDENT:
            return PREMIUM
        return SUPPORT


class Deadlines(NamedTuple):
    """A ticket's deadlines (a named tuple: immutable and cheap, as it is built per ticket)."""

    response_due: datetime
    resolution_due: datetime | None  # None: by agreement without an agreed date, or paused now
    response_calendar: str
    resolution_calendar: str
    priority: Priority = Priority.D
    resolution_by_agreement: bool = False
    resolution_paused: bool = False  # the ticket waits for the customer: the resolution clock stands still


@dataclass(frozen=True)
class Breaches:
    response: bool
    resolution: bool


def compute_deadlines(
    priority: Priority,
    category: Category,
    premium: bool,
    registered_at: datetime,
    paused: Sequence[Pause] = (),
    agreed_resolution: datetime | None = None,
    *,
    policy: SlaPolicy,
) -> Deadlines:
    """Response and resolution deadlines of a ticket.

    `agreed_resolution` is the date staff agreed for a target "by agreement"; a resolution target with
    a time keeps its computed deadline. After a priority change call this again with the new priority.
    """
    plan = policy.plan(priority, category, premium)
    registered_us = to_microseconds(registered_at)
    response_clock = plan.response_clock
    response_due = response_clock.from_microseconds(
        response_clock.add_microseconds(registered_us, plan.response_time // _MICROSECOND)
    )
    resolution_due: datetime | None = agreed_resolution
    still_paused = False
    if plan.resolution_time is not None:
        if paused:
            resolution_due = resumed_add(plan.resolution_clock, registered_at, plan.resolution_time, paused)
        else:
            clock = plan.resolution_clock
            due_us = clock.add_microseconds(registered_us, plan.resolution_time // _MICROSECOND)
            resolution_due = clock.from_microseconds(due_us)
        still_paused = resolution_due is None
    return Deadlines(
        response_due=response_due,
        resolution_due=resolution_due,
        response_calendar=plan.response_calendar,
        resolution_calendar=plan.resolution_calendar,
        priority=priority,
        resolution_by_agreement=plan.resolution_time is None,
        resolution_paused=still_paused,
    )


def _duration(target: Target, sla: SlaPolicy) -> timedelta:
    duration = target.duration(sla.working_day)
    if duration is None:
        raise ValueError(f"target {target} has no duration")
    return duration


def merge_pauses(pauses: Iterable[Pause]) -> list[Pause]:
    """Sorted, non-overlapping pauses; an open pause (end None) swallows everything after it."""
    ordered = sorted(pauses, key=lambda pause: to_microseconds(pause[0]))
    merged: list[Pause] = []
    for start, end in ordered:
        if end is not None and end < start:
            raise ValueError(f"a pause cannot end ({end.isoformat()}) before it starts ({start.isoformat()})")
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def resumed_add(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, pauses: Sequence[Pause]
) -> datetime | None:
    """Like calendar.add, but the clock stands still during the pauses; None while a pause is open."""
    if not pauses:
        return calendar.add(start, duration)
    cursor = start
    remaining = duration
    for pause_start, pause_end in merge_pauses(pauses):
        if pause_end is not None and pause_end <= cursor:
            continue
        if pause_start > cursor:
            due = calendar.add(cursor, remaining)
            if due <= pause_start:
                return due
            remaining -= calendar.elapsed(cursor, pause_start)
        if pause_end is None:
            return None
        cursor = max(cursor, pause_end)
    return calendar.add(cursor, remaining)


def prebreach_at(
    priority: Priority,
    category: Category,
    premium: bool,
    registered_at: datetime,
    *,
    policy: SlaPolicy,
) -> datetime:
    """When the pre-breach warning is due: the set fraction (75%) of the response target has run."""
    plan = policy.plan(priority, category, premium)
    return plan.response_clock.add(registered_at, plan.prebreach_time)


def is_breached(due: datetime | None, now: datetime, done_at: datetime | None = None) -> bool:
    """A target is met at or before its deadline; without a deadline nothing can breach."""
    if due is None:
        return False
    return (done_at if done_at is not None else now) > due


def breaches(
    deadlines: Deadlines,
    now: datetime,
    responded_at: datetime | None = None,
    resolved_at: datetime | None = None,
) -> Breaches:
    """Which targets are breached at `now` (a recomputed deadline already past is a breach)."""
    return Breaches(
        response=is_breached(deadlines.response_due, now, responded_at),
        resolution=is_breached(deadlines.resolution_due, now, resolved_at),
    )


def business_elapsed(calendar_name: str, start: datetime, end: datetime, *, policy: SlaPolicy) -> timedelta:
    """Business time between two instants in the named calendar (for reports)."""
    return policy.calendar(calendar_name).elapsed(start, end)


def paused_business_time(calendar: BusinessCalendar, pauses: Sequence[Pause], until: datetime) -> timedelta:
    """Business time spent paused up to `until` (an open pause counts up to `until`)."""
    total = timedelta(0)
    for start, end in merge_pauses(pauses):
        if start >= until:
            break
        stop = until if end is None or end > until else end
        total += calendar.elapsed(start, stop)
    return total
