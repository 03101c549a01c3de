"""The staff ticket page (timeline, deliveries, attachments) and its actions, each one timeline event.

Replies, questions to the customer and shared solutions go to the reporter as `staff_reply` mails
through alerts/ in the same transaction as the ticket change.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Connection, delete, select

from alerts.model import NotificationRequest
from collector.helpdesk import attachments as files
from collector.helpdesk.context import Helpdesk
from collector.helpdesk.staff.accounts import list_usernames
from collector.helpdesk.staff.auth import Signed
from collector.helpdesk.staff.forms import back, checked_form, page_renderer, parse_local, signed_in
from collector.helpdesk.staff.queue import sla_view
from collector.helpdesk.ticket_actions import actions_for
from collector.policy.triage import Category, Impact, Priority, Scope
from collector.service import Collector
from collector.storage import tables as core
from collector.storage.after_commit import after_commit, transaction
from collector.storage.helpdesk_tables import assignments
from collector.storage.helpdesk_tables import attachments as attachment_table
from collector.tickets.acknowledgement import current_acks
from collector.tickets.core import TicketError

PAGE_KINDS = ("page", "escalation")  # a person was paged: acknowledging fits until someone has
ACTIONS = (
    "assess", "respond", "note", "wait", "resume", "resolve",
    "close", "reopen", "agreed", "ack", "assign", "start",
)  # fmt: skip


def mail_reporter(collector: Collector, conn: Connection, ticket: Any, body: str, staff_name: str) -> None:
    """Queue a reply to the reporter in the ticket's language (nothing when there is no reporter)."""
    if not ticket.reporter:
        return
    contact = conn.execute(
        select(core.contacts.c.name).where(
            (core.contacts.c.customer_id == ticket.customer_id) & (core.contacts.c.email == ticket.reporter)
        )
    ).scalar()
    collector.outbox.enqueue(
        conn,
        NotificationRequest(
            kind="staff_reply",
            recipients=(f"mailto:{ticket.reporter}",),
            subject_ref=ticket.number,
            values={"reply": body, "contact": contact or "", "staff": staff_name, "ticket": ticket.number},
            language=ticket.language if ticket.language in ("nl", "en") else "nl",
        ),
    )
    collector.tickets.event(
        conn, ticket.id, "notification", f"staff_reply to mailto:{ticket.reporter}", actor="helpdesk"
    )


def apply_action(
    collector: Collector, conn: Connection, number: str, action: str, form: dict[str, str], who: Signed
) -> None:
    """One staff action in the caller's transaction; TicketError/ValueError carry the user's message."""
    tickets, actor = collector.tickets, who.user.username
    text = form.get("body", "").strip()
    if action == "assess":
        tickets.assess(
            conn,
            number,
            category=form.get("category", ""),
            impact=form.get("impact") or None,
            scope=form.get("scope") or None,
            priority=form.get("priority") or None,
            reason=form.get("reason") or None,
            actor=actor,
        )
    elif action == "respond":
        if not text:
            raise TicketError(who.t["err_reply"])
        row = tickets.first_response(conn, number, actor=actor, body=text)
        mail_reporter(collector, conn, row, text, who.user.display_name)
    elif action == "note":
        if not text:
            raise TicketError(who.t["err_note"])
        ticket = tickets.get(conn, number)
        tickets.event(conn, ticket.id, "note", text, actor=actor)
    elif action == "wait":
        if text:  # the question to the customer is a response too
            row = tickets.first_response(conn, number, actor=actor, body=text)
            mail_reporter(collector, conn, row, text, who.user.display_name)
        tickets.pause(conn, number, actor=actor)
    elif action == "resume":
        tickets.resume(conn, number, actor=actor, body=text)
    elif action == "start":
        tickets.start_work(conn, number, actor=actor)
    elif action == "resolve":
        if not text:
            raise TicketError(who.t["err_solution"])
        row = tickets.resolve(conn, number, actor=actor, body=text)
        tickets.event(conn, row.id, "solution", text, actor=actor)
        if form.get("share"):
            mail_reporter(collector, conn, row, text, who.user.display_name)
    elif action == "close":
        tickets.close(conn, number, actor=actor, body=text)
    elif action == "reopen":
        if not text:
            raise TicketError(who.t["err_reopen"])
        tickets.reopen(conn, number, actor=actor, reason=text)
    elif action == "agreed":
        tickets.set_agreed_date(conn, number, parse_local(form.get("at", ""), "the agreed date"), actor=actor)
    elif action == "ack":
        ticket = tickets.get(conn, number)
        if collector.outbox.episode_start(conn, number) is None:  # nothing paged: just note it
            tickets.event(conn, ticket.id, "acknowledged", "acknowledged", actor=actor)
        # A page's acknowledgement notes itself on the timeline and assigns (tickets/acknowledgement.py).
        after_commit(conn, lambda: collector.outbox.acknowledge(number, actor, via="staff-page"))
    elif action == "assign":
        ticket = tickets.get(conn, number)
        username = form.get("username", "").strip()
        if username not in list_usernames(conn):
            raise TicketError(who.t["err_user"].format(name=username[:64]))
        conn.execute(delete(assignments).where(assignments.c.ticket_id == ticket.id))
        conn.execute(
            assignments.insert().values(
                ticket_id=ticket.id, username=username, assigned_at=collector.clock.now()
            )
        )
        tickets.event(conn, ticket.id, "assigned", f"assigned to {username}", actor=actor)
    else:
        raise TicketError(who.t["err_action"])


def add_routes(staff: APIRouter, helpdesk: Helpdesk) -> None:
    collector = helpdesk.collector
    Who = Annotated[Signed, Depends(signed_in(helpdesk))]
    page: Callable[..., Response] = page_renderer(helpdesk)

    @staff.get("/tickets/{number}")
    def ticket_page(request: Request, who: Who, number: str) -> Response:
        now = collector.clock.now()
        with collector.engine.connect() as conn:
            try:
                row = collector.tickets.get(conn, number[:20])
            except TicketError as exc:
                return page("staff/message.html", who, request, 404, message=str(exc))
            customer = conn.execute(
                select(core.customers).where(core.customers.c.id == row.customer_id)
            ).one()
            events = collector.tickets.events(conn, row.id)
            deliveries = collector.outbox.deliveries(conn, row.number)
            acks = collector.outbox.acknowledgements(conn, row.number)
            page_ack = current_acks(conn, [row.number], who.lang).get(row.number)
            assignee = conn.execute(
                select(assignments.c.username).where(assignments.c.ticket_id == row.id)
            ).scalar()
            attached = files.listed(conn, row.id)
            users = list_usernames(conn)
        timeline = sorted(
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
        return page(
            "staff/ticket.html",
            who,
            request,
            ticket=row,
            customer=customer,
            sla=sla_view(row, now),
            actions=actions_for(
                row.state,
                paged=any(d.kind in PAGE_KINDS for d in deliveries)
                or any(e.kind == "notification" and (e.data or {}).get("kind") in PAGE_KINDS for e in events),
                acknowledged=page_ack is not None,  # this episode's page; a relapse pages anew
            ),
            timeline=timeline,
            assignee=assignee,
            page_ack=page_ack,
            attachments=attached,
            users=users,
            categories=list(Category),
            impacts=list(Impact),
            scopes=list(Scope),
            priorities=list(Priority),
        )

    @staff.post("/tickets/{number}/action")
    async def ticket_action(request: Request, who: Who, number: str) -> Response:
        form = await checked_form(request, who)
        url = f"/staff/tickets/{number[:20]}"
        action = form.get("action", "")
        try:
            with transaction(collector.engine) as conn:
                apply_action(collector, conn, number[:20], action, form, who)
        except ValueError as exc:  # TicketError and the policy's parse errors
            return back(url, error=str(exc), lang=who.lang)
        return back(url, message=who.t["done"], lang=who.lang)

    @staff.get("/attachments/{attachment_id}")
    def attachment(who: Who, attachment_id: int) -> Response:
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
