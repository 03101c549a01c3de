"""The staff ticket page (timeline, deliveries, attachments), its action form and attachment downloads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from collector.helpdesk import attachments as files
from collector.helpdesk.staff.accounts import list_usernames
from collector.helpdesk.staff.deps import PageDep, Who
from collector.helpdesk.staff.forms import back, checked_form
from collector.helpdesk.staff.queue import sla_view
from collector.helpdesk.staff.tickets import apply_action
from collector.helpdesk.ticket_actions import actions_for
from collector.http.deps import CollectorDep
from collector.policy.triage import Category, Impact, Priority, Scope
from collector.storage import tables as core
from collector.storage.after_commit import transaction
from collector.storage.helpdesk_tables import assignments
from collector.storage.helpdesk_tables import attachments as attachment_table
from collector.tickets.acknowledgement import current_acks
from collector.tickets.core import TicketError

router = APIRouter(prefix="/staff", include_in_schema=False)
PAGE_KINDS = ("page", "escalation")  # a person was paged: acknowledging fits until someone has


def timeline(events: list[Any], deliveries: list[Any], acks: list[Any]) -> list[tuple[Any, str, str, str]]:
    """Events, deliveries and acknowledgements in one list by time: (at, kind, actor, text)."""
    return sorted(
        [(e.at, e.kind, e.actor or "", e.body) for e in events]
        + [
            (
                d.at,
                "delivery",
                "alerts",
                f"{d.kind} -> {d.recipient} ({d.channel or d.target}): {d.status} {d.detail}",
            )
            for d in deliveries
        ]
        + [(a.at, "ack", a.by, f"acknowledged via {a.via}") for a in acks],
        key=lambda item: item[0],
    )


def was_paged(events: list[Any], deliveries: list[Any]) -> bool:
    return any(d.kind in PAGE_KINDS for d in deliveries) or any(
        e.kind == "notification" and (e.data or {}).get("kind") in PAGE_KINDS for e in events
    )


@router.get("/tickets/{number}")
def ticket_page(collector: CollectorDep, page: PageDep, who: Who, number: str) -> Response:
    now = collector.clock.now()
    with collector.engine.connect() as conn:
        try:
            row = collector.tickets.get(conn, number[:20])
        except TicketError as exc:
            return page("staff/message.html", 404, message=str(exc))
        customer = conn.execute(select(core.customers).where(core.customers.c.id == row.customer_id)).one()
        events = collector.tickets.events(conn, row.id)
        deliveries = collector.outbox.deliveries(conn, row.number)
        acks = collector.outbox.acknowledgements(conn, row.number)
        page_ack = current_acks(conn, [row.number], who.lang).get(row.number)
        assignee = conn.execute(
            select(assignments.c.username).where(assignments.c.ticket_id == row.id)
        ).scalar()
        attached = files.listed(conn, row.id)
        users = list_usernames(conn)
    return page(
        "staff/ticket.html",
        ticket=row,
        customer=customer,
        sla=sla_view(row, now),
        actions=actions_for(
            row.state,
            paged=was_paged(events, deliveries),
            acknowledged=page_ack is not None,  # this episode's page; a relapse pages anew
        ),
        timeline=timeline(events, deliveries, acks),
        assignee=assignee,
        page_ack=page_ack,
        attachments=attached,
        users=users,
        categories=list(Category),
        impacts=list(Impact),
        scopes=list(Scope),
        priorities=list(Priority),
    )


@router.post("/tickets/{number}/action")
async def ticket_action(request: Request, collector: CollectorDep, who: Who, number: str) -> Response:
    form = await checked_form(request, who)
    url = f"/staff/tickets/{number[:20]}"
    try:
        with transaction(collector.engine) as conn:
            apply_action(collector, conn, number[:20], form.get("action", ""), form, who)
    except ValueError as exc:  # TicketError and the policy's parse errors
        return back(url, error=str(exc), lang=who.lang)
    return back(url, message=who.t["done"], lang=who.lang)


@router.get("/attachments/{attachment_id}")
def attachment(collector: CollectorDep, who: Who, attachment_id: int) -> Response:
    with collector.engine.connect() as conn:
        row = conn.execute(select(attachment_table).where(attachment_table.c.id == attachment_id)).first()
    if row is None:
        return Response("attachment not found", status_code=404, media_type="text/plain")
    safe_name = "".join(c for c in row.filename if c.isalnum() or c in "._-") or "attachment"
    return Response(
        row.data,
        media_type=row.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
