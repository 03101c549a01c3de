"""The staff queue as one database query: filters, the urgency order and one page of rows.

The order is the one `queue.sort_key` gives (breached first, then the soonest running deadline,
tickets without a running deadline last; newest first among equals), computed by the database so
that only the page's rows leave it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, case, func, null, select

from collector.storage import tables as core
from collector.storage.helpdesk_tables import assignments
from collector.tickets.core import OPEN_STATES, STATES

PAGE_SIZE = 50
t = core.tickets.c


@dataclass(frozen=True)
class QueueFilters:
    customer: str = ""  # customer key
    priority: str = ""
    state: str = "open"  # open, all, or one state
    assignee: str = ""  # a username, "-" for nobody, "" for anyone

    def query(self) -> dict[str, str]:
        """The filters as query parameters (only those set), for links that keep them."""
        return {k: v for k, v in vars(self).items() if v}


def filtered(query: Select[Any], filters: QueueFilters) -> Select[Any]:
    if filters.customer:
        query = query.where(core.customers.c.key == filters.customer)
    if filters.priority:
        query = query.where(t.priority == filters.priority)
    if filters.state == "open":
        query = query.where(t.state.in_(OPEN_STATES))
    elif filters.state in STATES:
        query = query.where(t.state == filters.state)
    if filters.assignee == "-":
        query = query.where(assignments.c.username.is_(None))
    elif filters.assignee:
        query = query.where(assignments.c.username == filters.assignee)
    return query


def urgency(now: datetime) -> tuple[ColumnElement[Any], ...]:
    """ORDER BY terms matching `sla_view` + `sort_key` (see queue.py), newest first among equals."""
    due = case(
        (t.first_response_at.is_(None) & t.response_due.is_not(None), t.response_due),
        (t.state.in_(("resolved", "closed")), null()),
        else_=func.coalesce(t.agreed_resolution_at, t.resolution_due),
    )
    running = due.is_not(None) & (t.state != "waiting_for_customer")
    breached = t.response_breached | t.resolution_breached | (due < now)
    group = case((~running, 2), (breached, 0), else_=1)
    return group, case((running, due), else_=null()), t.id.desc()


def joined(columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(core.tickets)
        .join(core.customers, core.customers.c.id == t.customer_id)
        .outerjoin(assignments, assignments.c.ticket_id == t.id)
    )


def count(conn: Connection, filters: QueueFilters) -> int:
    return int(conn.execute(filtered(joined([func.count()]), filters)).scalar_one())


def page_rows(
    conn: Connection, filters: QueueFilters, now: datetime, offset: int, size: int = PAGE_SIZE
) -> list[Any]:
    """One page of the queue, most urgent first: ticket columns plus customer key/name and assignee."""
    columns = [
        core.tickets,
        core.customers.c.key.label("customer_key"),
        core.customers.c.name.label("customer_name"),
        assignments.c.username.label("assignee"),
    ]
    # First only the page's ids (a narrow sort, however far the page), then those rows in full.
    order = urgency(now)
    ids = filtered(joined([t.id]), filters).order_by(*order).offset(offset).limit(size).subquery()
    query = joined(columns).join(ids, ids.c.id == t.id).order_by(*order)
    return list(conn.execute(query).all())
