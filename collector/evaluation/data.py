"""Reading what a report needs from the collector's database (the only I/O of the report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from collector.storage import tables as t
from collector.storage.usage import usage_between

# Pause = (started, ended or None), as in collector.policy.sla.
Pause = tuple[datetime, datetime | None]


class UnknownCustomer(LookupError):
    """No customer has that key."""


@dataclass(frozen=True)
class TicketRecord:
    number: str
    subject: str
    category: str
    priority: str
    state: str
    premium: bool
    registered_at: datetime
    first_response_at: datetime | None
    response_due: datetime | None
    resolution_due: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    pauses: tuple[Pause, ...]


@dataclass(frozen=True)
class ConditionRecord:
    instance: str
    check_key: str
    kind: str
    integration: str | None
    flips: tuple[tuple[datetime, str], ...]  # (at, new state), in time order


@dataclass(frozen=True)
class UsageSample:
    instance: str
    at: datetime
    users: int | None
    lines: int | None
    modules: tuple[dict[str, Any], ...] = ()  # the per-module breakdown, for excluded third-party authors


@dataclass(frozen=True)
class MaintenanceRecord:
    instance: str | None  # None: every instance of the customer
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ContractRecord:
    effective_from: date
    package: str | None
    premium: bool
    migration: bool
    integrations: tuple[str, ...]
    excluded_authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerData:
    key: str
    name: str
    language: str
    instances: tuple[str, ...]
    contracts: tuple[ContractRecord, ...]  # oldest first
    tickets: tuple[TicketRecord, ...]  # registered in the period, or open at its end
    conditions: tuple[ConditionRecord, ...]
    samples: tuple[UsageSample, ...]
    maintenance: tuple[MaintenanceRecord, ...] = ()


def customer_keys(conn: Connection) -> list[str]:
    return list(conn.execute(select(t.customers.c.key).order_by(t.customers.c.key)).scalars())


def load_customer(
    conn: Connection, key: str, start: datetime, end: datetime, cutoff: datetime
) -> CustomerData:
    """Everything about one customer that the period [start, end) needs; `cutoff` bounds the measuring."""
    customer = conn.execute(select(t.customers).where(t.customers.c.key == key)).first()
    if customer is None:
        raise UnknownCustomer(key)
    instances = {
        row.id: row.name
        for row in conn.execute(
            select(t.instances.c.id, t.instances.c.name)
            .where(t.instances.c.customer_id == customer.id)
            .order_by(t.instances.c.name)
        )
    }
    return CustomerData(
        key=customer.key,
        name=customer.name,
        language=customer.language or "nl",
        instances=tuple(instances.values()),
        contracts=_contracts(conn, customer.id),
        tickets=_tickets(conn, customer.id, start, end, cutoff),
        conditions=_conditions(conn, instances, cutoff),
        samples=_samples(conn, customer.id, instances, start, cutoff),
        maintenance=_maintenance(conn, customer.id, instances, start, cutoff),
    )


def _maintenance(
    conn: Connection, customer_id: int, instances: dict[int, str], start: datetime, cutoff: datetime
) -> tuple[MaintenanceRecord, ...]:
    m = t.maintenance_windows.c
    rows = conn.execute(
        select(m.instance_id, m.starts_at, m.ends_at)
        .where(m.customer_id == customer_id, m.starts_at < cutoff, m.ends_at > start)
        .order_by(m.starts_at)
    )
    return tuple(
        MaintenanceRecord(
            None if row.instance_id is None else instances.get(row.instance_id, "?"),
            row.starts_at,
            row.ends_at,
        )
        for row in rows
    )


def _contracts(conn: Connection, customer_id: int) -> tuple[ContractRecord, ...]:
    c = t.contracts.c
    rows = conn.execute(select(t.contracts).where(c.customer_id == customer_id).order_by(c.effective_from))
    return tuple(
        ContractRecord(
            row.effective_from,
            row.package,
            bool(row.premium),
            bool(row.migration),
            tuple(row.integrations or ()),
            tuple(row.excluded_authors or ()),
        )
        for row in rows
    )


def _tickets(
    conn: Connection, customer_id: int, start: datetime, end: datetime, cutoff: datetime
) -> tuple[TicketRecord, ...]:
    c = t.tickets.c
    registered_in_period = and_(c.registered_at >= start, c.registered_at < end)
    open_at_cutoff = and_(
        c.registered_at < cutoff,
        or_(c.resolved_at.is_(None), c.resolved_at >= cutoff),
        or_(c.closed_at.is_(None), c.closed_at >= cutoff),
    )
    rows = conn.execute(
        select(t.tickets)
        .where(c.customer_id == customer_id, or_(registered_in_period, open_at_cutoff))
        .order_by(c.registered_at, c.number)
    ).all()
    pauses: dict[int, list[Pause]] = {}
    if rows:
        p = t.ticket_pauses.c
        for pause in conn.execute(
            select(p.ticket_id, p.started_at, p.ended_at)
            .where(p.ticket_id.in_([row.id for row in rows]))
            .order_by(p.started_at)
        ):
            pauses.setdefault(pause.ticket_id, []).append((pause.started_at, pause.ended_at))
    return tuple(
        TicketRecord(
            number=row.number,
            subject=row.subject,
            category=row.category,
            priority=row.priority,
            state=row.state,
            premium=bool(row.premium),
            registered_at=row.registered_at,
            first_response_at=row.first_response_at,
            response_due=row.response_due,
            resolution_due=row.agreed_resolution_at if row.resolution_due is None else row.resolution_due,
            resolved_at=row.resolved_at,
            closed_at=row.closed_at,
            pauses=tuple(pauses.get(row.id, ())),
        )
        for row in rows
    )


def _conditions(conn: Connection, instances: dict[int, str], cutoff: datetime) -> tuple[ConditionRecord, ...]:
    if not instances:
        return ()
    c = t.conditions.c
    rows = conn.execute(
        select(c.id, c.instance_id, c.check_key, c.kind, c.integration)
        .where(c.instance_id.in_(list(instances)))
        .order_by(c.instance_id, c.check_key)
    ).all()
    flips: dict[int, list[tuple[datetime, str]]] = {}
    if rows:
        f = t.flips.c
        for flip in conn.execute(
            select(f.condition_id, f.at, f.new_state)
            .where(f.condition_id.in_([row.id for row in rows]), f.at < cutoff)
            .order_by(f.at, f.id)
        ):
            flips.setdefault(flip.condition_id, []).append((flip.at, flip.new_state))
    return tuple(
        ConditionRecord(
            instances[row.instance_id], row.check_key, row.kind, row.integration, tuple(flips.get(row.id, ()))
        )
        for row in rows
    )


def _samples(
    conn: Connection, customer_id: int, instances: dict[int, str], start: datetime, cutoff: datetime
) -> tuple[UsageSample, ...]:
    """Users and custom lines from the counts history of the period (collector/storage/usage.py)."""
    return tuple(
        UsageSample(instances.get(row.instance_id, "?"), row.at, row.users, row.lines, row.modules)
        for row in usage_between(conn, customer_id, start, cutoff)
    )
