"""The customer list (open tickets and limit marks) and one customer's page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import func, select

from collector.contracts.book import contract_in_force
from collector.helpdesk.staff.customers import CustomerMarks, customer_marks, limit_rows
from collector.helpdesk.staff.deps import PageDep, Who
from collector.helpdesk.staff.queue import sla_view
from collector.http.deps import CollectorDep
from collector.service import Collector
from collector.storage import tables as core
from collector.tickets.core import OPEN_STATES

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/customers")
def customers(collector: CollectorDep, page: PageDep) -> Response:
    with collector.engine.connect() as conn:
        rows = conn.execute(
            select(core.customers, func.count(core.tickets.c.id).label("open"))
            .outerjoin(
                core.tickets,
                (core.tickets.c.customer_id == core.customers.c.id) & core.tickets.c.state.in_(OPEN_STATES),
            )
            .group_by(core.customers.c.id)
            .order_by(core.customers.c.key)
        ).all()
        marks = customer_marks(conn)
    return page("staff/customers.html", rows=rows, marks=marks, no_marks=CustomerMarks("ok", 0))


@router.get("/customers/{key}")
def customer(collector: CollectorDep, page: PageDep, who: Who, key: str) -> Response:
    now = collector.clock.now()
    with collector.engine.connect() as conn:
        row = conn.execute(select(core.customers).where(core.customers.c.key == key)).first()
        if row is None:
            return page("staff/message.html", 404, message=who.t["err_customer"].format(key=key[:64]))
        contract = contract_in_force(conn, row.id, now.date())
        instances = conn.execute(select(core.instances).where(core.instances.c.customer_id == row.id)).all()
        contacts = conn.execute(select(core.contacts).where(core.contacts.c.customer_id == row.id)).all()
        limits = conn.execute(
            select(core.limit_states).where(core.limit_states.c.customer_id == row.id)
        ).all()
        tickets = conn.execute(
            select(core.tickets)
            .where((core.tickets.c.customer_id == row.id) & core.tickets.c.state.in_(OPEN_STATES))
            .order_by(core.tickets.c.response_due)
        ).all()
    return page(
        "staff/customer.html",
        customer=row,
        contract=contract,
        instances=instances,
        contacts=contacts,
        limits=limit_rows(limits, package_limits(collector, contract)),
        tickets=[(t, sla_view(t, now)) for t in tickets],
    )


def package_limits(collector: Collector, contract: Any) -> dict[str, int | None]:
    """The users and custom lines the contract's package allows (nothing without a known package)."""
    if contract is None or contract.package is None:
        return {}
    try:
        package = collector.limits.catalogue.package(contract.package)
    except ValueError:
        return {}
    return {"users": package.max_users, "lines": package.max_custom_lines}
