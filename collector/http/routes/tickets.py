"""The management API's tickets: list, one with its timeline, open, and every step of the life cycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from sqlalchemy import Connection, Engine, select

from collector.http.api_models import Actor, AgreedDate, Assessment, Reopen, TicketCreate, iso
from collector.http.deps import EngineDep, OutboxDep, TicketsDep
from collector.http.errors import bad
from collector.storage import tables as t
from collector.storage.after_commit import transaction
from collector.tickets.core import TicketError
from collector.tickets.opening import TicketRequest
from collector.tickets.timeline import ticket_timeline

router = APIRouter()


def ticket_json(row: Any) -> dict[str, Any]:
    return {
        "number": row.number,
        "subject": row.subject,
        "state": row.state,
        "source": row.source,
        "category": row.category,
        "impact": row.impact,
        "scope": row.scope,
        "proposed_priority": row.proposed_priority,
        "priority": row.priority,
        "priority_reason": row.priority_reason,
        "premium": row.premium,
        "registered_at": iso(row.registered_at),
        "first_response_at": iso(row.first_response_at),
        "response_due": iso(row.response_due),
        "resolution_due": iso(row.resolution_due),
        "agreed_resolution_at": iso(row.agreed_resolution_at),
        "response_breached": row.response_breached,
        "resolution_breached": row.resolution_breached,
        "resolved_at": iso(row.resolved_at),
        "closed_at": iso(row.closed_at),
    }


@router.get("/api/v1/tickets")
def list_tickets(
    engine: EngineDep, state: str | None = None, customer: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    query = select(t.tickets).join(t.customers, t.customers.c.id == t.tickets.c.customer_id)
    if state:
        query = query.where(t.tickets.c.state == state)
    if customer:
        query = query.where(t.customers.c.key == customer)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(t.tickets.c.id.desc()).limit(max(1, min(limit, 1000)))).all()
    return [ticket_json(r) for r in rows]


@router.get("/api/v1/tickets/{number}")
def get_ticket(number: str, engine: EngineDep, tickets: TicketsDep, outbox: OutboxDep) -> dict[str, Any]:
    with engine.connect() as conn:
        try:
            row = tickets.get(conn, number)
        except TicketError as exc:
            raise bad(exc, 404) from None
        timeline = [entry.as_json() for entry in ticket_timeline(conn, tickets, outbox, number)]
    return {**ticket_json(row), "timeline": timeline}


@router.post("/api/v1/tickets", status_code=201)
def create_ticket(body: TicketCreate, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    try:
        with transaction(engine) as conn:
            customer = conn.execute(select(t.customers).where(t.customers.c.key == body.customer)).first()
            if customer is None:
                raise TicketError(f"customer {body.customer!r} does not exist")
            opened = tickets.open(
                conn,
                TicketRequest(
                    customer_id=customer.id,
                    subject=body.subject,
                    category=body.category,
                    source=body.source,
                    impact=body.impact,
                    scope=body.scope,
                    description=body.description,
                    reporter=body.reporter,
                    language=customer.language,
                    instance_name=body.instance,
                    actor=body.actor,
                ),
            )
            row = tickets.get(conn, opened.number)
    except ValueError as exc:
        raise bad(exc) from None
    return ticket_json(row)


def _act(engine: Engine, action: Callable[[Connection], Any]) -> dict[str, Any]:
    """One life-cycle step in its own transaction: 404 unknown ticket, 409 wrong state, 422 bad input."""
    try:
        with transaction(engine) as conn:
            row = action(conn)
    except ValueError as exc:
        status = 404 if "does not exist" in str(exc) else 409 if isinstance(exc, TicketError) else 422
        raise bad(exc, status) from None
    return ticket_json(row)


@router.post("/api/v1/tickets/{number}/assess")
def assess(number: str, body: Assessment, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    return _act(
        engine,
        lambda conn: tickets.assess(
            conn,
            number,
            category=body.category,
            impact=body.impact,
            scope=body.scope,
            priority=body.priority,
            reason=body.reason,
            actor=body.actor,
        ),
    )


@router.post("/api/v1/tickets/{number}/respond")
def respond(number: str, body: Actor, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    return _act(engine, lambda conn: tickets.first_response(conn, number, actor=body.actor, body=body.body))


@router.post("/api/v1/tickets/{number}/start")
def start(number: str, body: Actor, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    return _act(engine, lambda conn: tickets.start_work(conn, number, actor=body.actor))


@router.post("/api/v1/tickets/{number}/wait")
def wait(number: str, body: Actor, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    return _act(engine, lambda conn: tickets.pause(conn, number, actor=body.actor, body=body.body))


@router.post("/api/v1/tickets/{number}/resume")
def resume(number: str, body: Actor, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    return _act(engine, lambda conn: tickets.resume(conn, number, actor=body.actor, body=body.body))


@router.post("/api/v1/tickets/{number}/resolve")
def resolve(number: str, body: Actor, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    return _act(engine, lambda conn: tickets.resolve(conn, number, actor=body.actor, body=body.body))


@router.post("/api/v1/tickets/{number}/close")
def close(number: str, body: Actor, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    return _act(engine, lambda conn: tickets.close(conn, number, actor=body.actor, body=body.body))


@router.post("/api/v1/tickets/{number}/reopen")
def reopen(number: str, body: Reopen, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    return _act(engine, lambda conn: tickets.reopen(conn, number, actor=body.actor, reason=body.reason))


@router.post("/api/v1/tickets/{number}/agreed-date")
def agreed(number: str, body: AgreedDate, engine: EngineDep, tickets: TicketsDep) -> dict[str, Any]:
    return _act(engine, lambda conn: tickets.set_agreed_date(conn, number, body.at, actor=body.actor))
