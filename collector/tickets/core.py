"""The ticket core: one service layer that HTTP handlers, monitoring, mail and the web form all call.

Every operation takes the caller's `Connection`, so a ticket change, its timeline event and the
notifications it causes commit together. Time comes from the injected clock only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, select, update

from collector.policy.policy import Policy
from collector.policy.sla import compute_deadlines, prebreach_at
from collector.policy.triage import (
    Category,
    Priority,
    parse_category,
    parse_impact,
    parse_priority,
    parse_scope,
    priority_for,
)
from collector.storage import tables as t
from collector.tickets.opening import (
    NoticeValues,
    OnOpened,
    TicketOpened,
    TicketOpening,
    TicketRequest,
)
from prioritysupport.clock import Clock

STATES = ("new", "assessed", "in_progress", "waiting_for_customer", "resolved", "closed")
OPEN_STATES = ("new", "assessed", "in_progress", "waiting_for_customer")


class TicketError(ValueError):
    """A ticket operation that is not allowed; the message says why and what to do."""


OnStaffAction = Callable[[Connection, str, str], None]  # (conn, ticket number, actor)
# (conn, ticket row before the response, business time from registration to the first response)
OnFirstResponse = Callable[[Connection, Row[Any], timedelta], None]
OnChainEnd = Callable[[Connection, str, str], None]  # (conn, ticket number, "resolved" or "closed")


class TicketService:
    def __init__(
        self,
        clock: Clock,
        policy: Policy,
        *,
        on_opened: OnOpened | None = None,
        on_staff_action: OnStaffAction | None = None,
        on_first_response: OnFirstResponse | None = None,
        on_chain_end: OnChainEnd | None = None,
    ) -> None:
        self.clock = clock
        self.policy = policy
        self.opening = TicketOpening(clock, policy, self.event, on_opened=on_opened)
        self._on_staff_action = on_staff_action
        self._on_first_response = on_first_response
        self._on_chain_end = on_chain_end

    # -- creating and reading ---------------------------------------------------------------------------

    def open(
        self, conn: Connection, request: TicketRequest, *, notices: NoticeValues | None = None
    ) -> TicketOpened:
        """Open a ticket (every intake comes here); see collector/tickets/opening.py."""
        return self.opening.open(conn, request, notices=notices)

    def event(
        self,
        conn: Connection,
        ticket_id: int,
        kind: str,
        body: str = "",
        *,
        actor: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        conn.execute(
            t.ticket_events.insert().values(
                ticket_id=ticket_id, at=self.clock.now(), kind=kind, actor=actor, body=body, data=data
            )
        )

    def get(self, conn: Connection, number: str) -> Row[Any]:
        row = conn.execute(select(t.tickets).where(t.tickets.c.number == number)).first()
        if row is None:
            raise TicketError(f"ticket {number} does not exist; check the number (PS-YYYY-NNNNN)")
        return row

    def events(self, conn: Connection, ticket_id: int) -> list[Row[Any]]:
        return list(
            conn.execute(
                select(t.ticket_events)
                .where(t.ticket_events.c.ticket_id == ticket_id)
                .order_by(t.ticket_events.c.id)
            )
        )

    # -- staff operations ---------------------------------------------------------------------------------

    def assess(
        self,
        conn: Connection,
        number: str,
        *,
        category: str,
        impact: str | None = None,
        scope: str | None = None,
        priority: str | None = None,
        reason: str | None = None,
        actor: str,
    ) -> Row[Any]:
        """Set category, impact and scope; the matrix proposes, an override needs a reason."""
        ticket = self._open_ticket(conn, number)
        parsed_category = parse_category(category)
        parsed_impact = parse_impact(impact) if impact else None
        parsed_scope = parse_scope(scope) if scope else None
        if parsed_category is Category.INCIDENT and (parsed_impact is None or parsed_scope is None):
            raise TicketError("an incident needs both impact and scope to be assessed")
        proposed = priority_for(parsed_category, parsed_impact, parsed_scope)
        chosen = parse_priority(priority) if priority else proposed
        if chosen is not proposed and not (reason and reason.strip()):
            raise TicketError(f"overriding the proposed priority {proposed.value} needs a reason")
        values: dict[str, Any] = {
            "category": parsed_category.value,
            "impact": parsed_impact.value if parsed_impact else None,
            "scope": parsed_scope.value if parsed_scope else None,
            "proposed_priority": proposed.value,
            "priority": chosen.value,
            "priority_reason": reason.strip() if chosen is not proposed and reason else None,
        }
        if ticket.state == "new":
            values["state"] = "assessed"
        self._update(conn, ticket.id, values)
        self.event(
            conn,
            ticket.id,
            "assessed",
            f"{parsed_category.value}, proposed {proposed.value}, priority {chosen.value}"
            + (f" (override: {reason.strip()})" if chosen is not proposed and reason else ""),
            actor=actor,
            data={"proposed": proposed.value, "priority": chosen.value, "reason": values["priority_reason"]},
        )
        self.recompute_sla(conn, ticket.id)
        self._staff_acted(conn, number, actor)
        return self.get(conn, number)

    def first_response(self, conn: Connection, number: str, *, actor: str, body: str = "") -> Row[Any]:
        """The first human response to the reporter; later replies are only timeline events."""
        ticket = self.get(conn, number)
        now = self.clock.now()
        if ticket.first_response_at is None:
            self._update(conn, ticket.id, {"first_response_at": now})
            if self._on_first_response is not None:
                self._on_first_response(conn, ticket, self.response_business_time(ticket, now))
        self.event(conn, ticket.id, "response", body, actor=actor)
        if ticket.state in ("new", "assessed"):
            # Someone answered the reporter: the queue should no longer show the ticket as untouched.
            self._transition(conn, ticket, "in_progress", actor)
        self._staff_acted(conn, number, actor)
        self.refresh_breaches(conn, ticket_id=ticket.id)
        return self.get(conn, number)

    def start_work(self, conn: Connection, number: str, *, actor: str) -> Row[Any]:
        ticket = self._open_ticket(conn, number)
        if ticket.state == "waiting_for_customer":
            return self.resume(conn, number, actor=actor)
        self._transition(conn, ticket, "in_progress", actor)
        self._staff_acted(conn, number, actor)
        return self.get(conn, number)

    def pause(self, conn: Connection, number: str, *, actor: str, body: str = "") -> Row[Any]:
        """Waiting for the customer: the resolution clock stops."""
        ticket = self._open_ticket(conn, number)
        if ticket.state == "waiting_for_customer":
            return ticket
        conn.execute(t.ticket_pauses.insert().values(ticket_id=ticket.id, started_at=self.clock.now()))
        self._transition(conn, ticket, "waiting_for_customer", actor, body)
        self.recompute_sla(conn, ticket.id)
        self._staff_acted(conn, number, actor)
        return self.get(conn, number)

    def resume(self, conn: Connection, number: str, *, actor: str, body: str = "") -> Row[Any]:
        """The customer answered: the resolution clock runs again."""
        ticket = self._open_ticket(conn, number)
        if ticket.state != "waiting_for_customer":
            raise TicketError(f"ticket {number} is not waiting for the customer")
        conn.execute(
            update(t.ticket_pauses)
            .where((t.ticket_pauses.c.ticket_id == ticket.id) & t.ticket_pauses.c.ended_at.is_(None))
            .values(ended_at=self.clock.now())
        )
        self._transition(conn, ticket, "in_progress", actor, body)
        self.recompute_sla(conn, ticket.id)
        return self.get(conn, number)

    def resolve(self, conn: Connection, number: str, *, actor: str, body: str = "") -> Row[Any]:
        ticket = self._open_ticket(conn, number)
        if ticket.state == "waiting_for_customer":
            conn.execute(
                update(t.ticket_pauses)
                .where((t.ticket_pauses.c.ticket_id == ticket.id) & t.ticket_pauses.c.ended_at.is_(None))
                .values(ended_at=self.clock.now())
            )
        self._update(conn, ticket.id, {"resolved_at": self.clock.now()})
        self._transition(conn, ticket, "resolved", actor, body)
        self._staff_acted(conn, number, actor)
        self.refresh_breaches(conn, ticket_id=ticket.id)
        return self.get(conn, number)

    def close(self, conn: Connection, number: str, *, actor: str, body: str = "") -> Row[Any]:
        ticket = self.get(conn, number)
        if ticket.state == "closed":
            return ticket
        now = self.clock.now()
        values: dict[str, Any] = {"closed_at": now}
        if ticket.resolved_at is None:
            values["resolved_at"] = now
        self._update(conn, ticket.id, values)
        self._transition(conn, ticket, "closed", actor, body)
        self._staff_acted(conn, number, actor)
        self.refresh_breaches(conn, ticket_id=ticket.id)
        return self.get(conn, number)

    def reopen(self, conn: Connection, number: str, *, actor: str, reason: str) -> Row[Any]:
        ticket = self.get(conn, number)
        if ticket.state not in ("resolved", "closed"):
            raise TicketError(
                f"ticket {number} is still open ({ticket.state}); only resolved or closed reopen"
            )
        self._update(conn, ticket.id, {"resolved_at": None, "closed_at": None})
        self._transition(conn, ticket, "in_progress", actor, reason)
        self.recompute_sla(conn, ticket.id)
        return self.get(conn, number)

    def set_agreed_date(self, conn: Connection, number: str, at: datetime, *, actor: str) -> Row[Any]:
        """For "by agreement" targets: the agreed date is then tracked like a deadline."""
        if at.tzinfo is None:
            raise TicketError("the agreed date needs a time zone, for example 2026-12-01T17:00:00+01:00")
        ticket = self._open_ticket(conn, number)
        self._update(conn, ticket.id, {"agreed_resolution_at": at})
        self.event(conn, ticket.id, "agreed_date", at.isoformat(), actor=actor)
        self.recompute_sla(conn, ticket.id)
        return self.get(conn, number)

    # -- SLA ---------------------------------------------------------------------------------------------

    def recompute_sla(self, conn: Connection, ticket_id: int) -> None:
        """Deadlines from the registration time with the current priority, minus paused time."""
        row = conn.execute(select(t.tickets).where(t.tickets.c.id == ticket_id)).one()
        pauses = [
            (p.started_at, p.ended_at)
            for p in conn.execute(select(t.ticket_pauses).where(t.ticket_pauses.c.ticket_id == ticket_id))
        ]
        priority, category = Priority(row.priority), Category(row.category)
        sla = self.policy.sla
        deadlines = compute_deadlines(
            priority, category, row.premium, row.registered_at, pauses, row.agreed_resolution_at, policy=sla
        )
        self._update(
            conn,
            ticket_id,
            {
                "response_due": deadlines.response_due,
                "resolution_due": deadlines.resolution_due,
                "prebreach_at": prebreach_at(priority, category, row.premium, row.registered_at, policy=sla),
            },
        )
        self.refresh_breaches(conn, ticket_id=ticket_id)

    def response_business_time(self, ticket: Row[Any], at: datetime) -> timedelta:
        """Time from registration to `at` on the ticket's response calendar (the one its SLA counts in)."""
        plan = self.policy.sla.plan(Priority(ticket.priority), Category(ticket.category), ticket.premium)
        return plan.response_clock.elapsed(ticket.registered_at, at)

    def refresh_breaches(self, conn: Connection, ticket_id: int | None = None) -> int:
        """Set breach flags as the clock moves (periodic, and after each change); returns new breaches."""
        now = self.clock.now()
        query = select(t.tickets)
        if ticket_id is not None:
            query = query.where(t.tickets.c.id == ticket_id)
        else:
            # As the clock moves a flag can only turn on, and only once its deadline has passed: the
            # sweep reads those tickets, not every open one (10,000 open tickets: 10,000 rows in Python
            # every sweep). A change to a ticket refreshes that ticket's flags both ways (above).
            c = t.tickets.c
            query = query.where(
                c.state.in_(OPEN_STATES)
                & (
                    (c.response_breached.is_(False) & (c.response_due < now))
                    | (c.resolution_breached.is_(False) & (c.resolution_due < now))
                )
            )
        changed = 0
        for row in conn.execute(query).all():
            response = _breached(row.response_due, now, row.first_response_at)
            paused = row.state == "waiting_for_customer"
            resolution = (not paused or row.resolution_breached) and _breached(
                row.resolution_due, now, row.resolved_at
            )
            if response != row.response_breached or resolution != row.resolution_breached:
                self._update(conn, row.id, {"response_breached": response, "resolution_breached": resolution})
                if (response and not row.response_breached) or (resolution and not row.resolution_breached):
                    changed += 1
                    which = "response" if response and not row.response_breached else "resolution"
                    # The priority at the breach keeps the metric's count where it was on a reassessment.
                    data = {"target": which, "priority": row.priority}
                    self.event(conn, row.id, "breach", f"{which} target breached", actor="system", data=data)
        return changed

    def due_prebreach(self, conn: Connection) -> list[Row[Any]]:
        """Open tickets past 75% of their response target without a response, not yet warned about."""
        return list(
            conn.execute(
                select(t.tickets).where(
                    t.tickets.c.state.in_(OPEN_STATES)
                    & t.tickets.c.first_response_at.is_(None)
                    & t.tickets.c.prebreach_warned.is_(False)
                    & (t.tickets.c.prebreach_at <= self.clock.now())
                )
            )
        )

    def mark_prebreach_warned(self, conn: Connection, ticket_id: int) -> None:
        self._update(conn, ticket_id, {"prebreach_warned": True})
        self.event(conn, ticket_id, "prebreach", "75% of the response target has passed", actor="system")

    # -- helpers -----------------------------------------------------------------------------------------

    def _open_ticket(self, conn: Connection, number: str) -> Row[Any]:
        ticket = self.get(conn, number)
        if ticket.state not in OPEN_STATES:
            raise TicketError(f"ticket {number} is {ticket.state}; reopen it first")
        return ticket

    def _transition(self, conn: Connection, ticket: Row[Any], state: str, actor: str, body: str = "") -> None:
        if ticket.state == state:
            return
        self._update(conn, ticket.id, {"state": state})
        if state in ("resolved", "closed") and self._on_chain_end is not None:
            self._on_chain_end(conn, ticket.number, state)  # no escalation for a finished ticket
        self.event(
            conn,
            ticket.id,
            "state",
            body or f"{ticket.state} -> {state}",
            actor=actor,
            data={"from": ticket.state, "to": state},
        )

    def _update(self, conn: Connection, ticket_id: int, values: dict[str, Any]) -> None:
        conn.execute(
            update(t.tickets).where(t.tickets.c.id == ticket_id).values(updated_at=self.clock.now(), **values)
        )

    def _staff_acted(self, conn: Connection, number: str, actor: str) -> None:
        if self._on_staff_action is not None and actor != "system":
            self._on_staff_action(conn, number, actor)


def _breached(due: datetime | None, now: datetime, done_at: datetime | None) -> bool:
    if due is None:
        return False
    return (done_at if done_at is not None else now) > due
