"""Phone intake: staff log a call as a ticket for one of the customer's contacts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from collector.helpdesk import intake
from collector.helpdesk.staff.deps import PageDep, Who
from collector.helpdesk.staff.forms import back, checked_form
from collector.http.deps import CollectorDep
from collector.policy.triage import Impact, Scope
from collector.service import Collector
from collector.storage import tables as core
from collector.storage.after_commit import transaction

router = APIRouter(prefix="/staff", include_in_schema=False)
FIELDS = ("contact", "subject", "description", "category", "impact", "scope")


def contact_choices(collector: Collector) -> list[Any]:
    with collector.engine.connect() as conn:
        return list(
            conn.execute(
                select(core.contacts, core.customers.c.key, core.customers.c.name.label("customer_name"))
                .join(core.customers, core.customers.c.id == core.contacts.c.customer_id)
                .order_by(core.customers.c.key, core.contacts.c.name)
            )
        )


@router.get("/phone")
def phone_form(collector: CollectorDep, page: PageDep) -> Response:
    return page(
        "staff/phone.html",
        contacts=contact_choices(collector),
        impacts=list(Impact),
        scopes=list(Scope),
        values={},
    )


@router.post("/phone")
async def phone_log(request: Request, collector: CollectorDep, page: PageDep, who: Who) -> Response:
    form = await checked_form(request, who)
    values = {k: form.get(k, "") for k in FIELDS}
    try:
        with transaction(collector.engine) as conn:
            contact_row = (
                conn.execute(
                    select(core.contacts.c.email, core.contacts.c.customer_id).where(
                        core.contacts.c.id == int(values["contact"])
                    )
                ).first()
                if values["contact"].isdigit()
                else None
            )
            if contact_row is None:
                raise intake.IntakeError("contact", who.t["err_contact"])
            contact = intake.find_contact(conn, contact_row.email, contact_row.customer_id)
            assert contact is not None
            opened = intake.open_ticket(
                collector,
                conn,
                contact,
                intake.Request(
                    subject=values["subject"],
                    description=values["description"],
                    category=values["category"],
                    impact=values["impact"] or None,
                    scope=values["scope"] or None,
                    source="phone",
                    actor=who.user.username,
                ),
            )
    except intake.IntakeError as exc:
        return page(
            "staff/phone.html",
            422,
            contacts=contact_choices(collector),
            impacts=list(Impact),
            scopes=list(Scope),
            values=values,
            form_error=str(exc),
        )
    return back(f"/staff/tickets/{opened.number}", message=f"{opened.number}", lang=who.lang)
