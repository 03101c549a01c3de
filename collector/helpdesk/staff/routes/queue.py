"""The staff queue: open tickets, most urgent first, filtered by customer, priority, state and assignee."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from collector.helpdesk.staff.accounts import list_usernames
from collector.helpdesk.staff.deps import PageDep, Who
from collector.helpdesk.staff.queue import sla_view, sort_key
from collector.http.deps import CollectorDep
from collector.storage import tables as core
from collector.storage.helpdesk_tables import assignments
from collector.tickets.acknowledgement import current_acks
from collector.tickets.core import OPEN_STATES, STATES

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("")
def queue(
    collector: CollectorDep,
    page: PageDep,
    who: Who,
    customer: str = "",
    priority: str = "",
    state: str = "open",
    assignee: str = "",
) -> Response:
    now = collector.clock.now()
    query = (
        select(
            core.tickets,
            core.customers.c.key.label("customer_key"),
            core.customers.c.name.label("customer_name"),
            assignments.c.username.label("assignee"),
        )
        .join(core.customers, core.customers.c.id == core.tickets.c.customer_id)
        .outerjoin(assignments, assignments.c.ticket_id == core.tickets.c.id)
    )
    if customer:
        query = query.where(core.customers.c.key == customer)
    if priority:
        query = query.where(core.tickets.c.priority == priority)
    if state == "open":
        query = query.where(core.tickets.c.state.in_(OPEN_STATES))
    elif state in STATES:
        query = query.where(core.tickets.c.state == state)
    if assignee == "me":
        assignee = who.user.username
    if assignee == "-":
        query = query.where(assignments.c.username.is_(None))
    elif assignee:
        query = query.where(assignments.c.username == assignee)
    with collector.engine.connect() as conn:
        rows = conn.execute(query.order_by(core.tickets.c.id.desc()).limit(1000)).all()
        customers = list(conn.execute(select(core.customers.c.key).order_by(core.customers.c.key)).scalars())
        users = list_usernames(conn)
        acks = current_acks(conn, [row.number for row in rows], who.lang)
    items = sorted(((row, sla_view(row, now)) for row in rows), key=lambda pair: sort_key(pair[1]))
    return page(
        "staff/queue.html",
        items=items,
        acks=acks,
        customers=customers,
        users=users,
        states=STATES,
        filters={"customer": customer, "priority": priority, "state": state, "assignee": assignee},
    )
