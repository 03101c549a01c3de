"""The staff queue: tickets most urgent first, filtered by customer, priority, state and assignee, in
pages of PAGE_SIZE whose links keep the filters and the language."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from collector.helpdesk.staff import queue_query
from collector.helpdesk.staff.accounts import list_usernames
from collector.helpdesk.staff.deps import PageDep, Who
from collector.helpdesk.staff.pagination import paginate
from collector.helpdesk.staff.queue import sla_view
from collector.http.deps import CollectorDep
from collector.storage import tables as core
from collector.tickets.acknowledgement import current_acks
from collector.tickets.core import STATES

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("")
def queue(
    collector: CollectorDep,
    render: PageDep,
    who: Who,
    customer: str = "",
    priority: str = "",
    state: str = "open",
    assignee: str = "",
    page: str = "1",
) -> Response:
    now = collector.clock.now()
    if assignee == "me":
        assignee = who.user.username
    filters = queue_query.QueueFilters(customer, priority, state, assignee)
    with collector.engine.connect() as conn:
        pages = paginate(queue_query.count(conn, filters), page, queue_query.PAGE_SIZE)
        rows = queue_query.page_rows(conn, filters, now, pages.offset)
        customers = list(conn.execute(select(core.customers.c.key).order_by(core.customers.c.key)).scalars())
        users = list_usernames(conn)
        acks = current_acks(conn, [row.number for row in rows], who.lang)
    kept = {"lang": who.lang, **filters.query()}
    return render(
        "staff/queue.html",
        items=[(row, sla_view(row, now)) for row in rows],
        acks=acks,
        customers=customers,
        users=users,
        states=STATES,
        filters={"customer": customer, "priority": priority, "state": state, "assignee": assignee},
        pages=pages,
        page_url=lambda number: "/staff?" + urlencode({**kept, "page": number}),
    )
