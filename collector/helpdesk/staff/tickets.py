"""The staff actions on a ticket, each one timeline event (the page itself: routes/tickets.py).

Replies, questions to the customer and shared solutions go to the reporter as `staff_reply` mails
through alerts/ in the same transaction as the ticket change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select

from alerts.model import NotificationRequest
from collector.helpdesk.staff.accounts import list_usernames
from collector.helpdesk.staff.auth import Signed
from collector.helpdesk.staff.forms import parse_local
from collector.service import Collector
from collector.storage import tables as core
from collector.storage.after_commit import after_commit
from collector.storage.helpdesk_tables import assignments
from collector.tickets.core import TicketError


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


@dataclass(frozen=True)
class Action:
    """One staff action on one ticket, inside the caller's transaction."""

    collector: Collector
    conn: Connection
    number: str
    form: dict[str, str]
    who: Signed

    @property
    def actor(self) -> str:
        return self.who.user.username

    @property
    def text(self) -> str:
        return self.form.get("body", "").strip()

    def required_text(self, missing: str) -> str:
        """The body, or a TicketError with the label `missing` when it is empty."""
        if not self.text:
            raise TicketError(self.who.t[missing])
        return self.text

    def reply(self, row: Any, body: str) -> None:
        mail_reporter(self.collector, self.conn, row, body, self.who.user.display_name)


def assess(a: Action) -> None:
    a.collector.tickets.assess(
        a.conn,
        a.number,
        category=a.form.get("category", ""),
        impact=a.form.get("impact") or None,
        scope=a.form.get("scope") or None,
        priority=a.form.get("priority") or None,
        reason=a.form.get("reason") or None,
        actor=a.actor,
    )


def respond(a: Action) -> None:
    text = a.required_text("err_reply")
    a.reply(a.collector.tickets.first_response(a.conn, a.number, actor=a.actor, body=text), text)


def note(a: Action) -> None:
    text = a.required_text("err_note")
    ticket = a.collector.tickets.get(a.conn, a.number)
    a.collector.tickets.event(a.conn, ticket.id, "note", text, actor=a.actor)


def wait(a: Action) -> None:
    if a.text:  # the question to the customer is a response too
        a.reply(a.collector.tickets.first_response(a.conn, a.number, actor=a.actor, body=a.text), a.text)
    a.collector.tickets.pause(a.conn, a.number, actor=a.actor)


def resume(a: Action) -> None:
    a.collector.tickets.resume(a.conn, a.number, actor=a.actor, body=a.text)


def start(a: Action) -> None:
    a.collector.tickets.start_work(a.conn, a.number, actor=a.actor)


def resolve(a: Action) -> None:
    text = a.required_text("err_solution")
    row = a.collector.tickets.resolve(a.conn, a.number, actor=a.actor, body=text)
    a.collector.tickets.event(a.conn, row.id, "solution", text, actor=a.actor)
    if a.form.get("share"):
        a.reply(row, text)


def close(a: Action) -> None:
    a.collector.tickets.close(a.conn, a.number, actor=a.actor, body=a.text)


def reopen(a: Action) -> None:
    a.collector.tickets.reopen(a.conn, a.number, actor=a.actor, reason=a.required_text("err_reopen"))


def agreed(a: Action) -> None:
    at = parse_local(a.form.get("at", ""), "the agreed date")
    a.collector.tickets.set_agreed_date(a.conn, a.number, at, actor=a.actor)


def acknowledge(a: Action) -> None:
    collector, number = a.collector, a.number
    ticket = collector.tickets.get(a.conn, number)
    if collector.outbox.episode_start(a.conn, number) is None:  # nothing paged: just note it
        collector.tickets.event(a.conn, ticket.id, "acknowledged", "acknowledged", actor=a.actor)
    # A page's acknowledgement notes itself on the timeline and assigns (tickets/acknowledgement.py).
    after_commit(a.conn, lambda: collector.outbox.acknowledge(number, a.actor, via="staff-page"))


def assign(a: Action) -> None:
    ticket = a.collector.tickets.get(a.conn, a.number)
    username = a.form.get("username", "").strip()
    if username not in list_usernames(a.conn):
        raise TicketError(a.who.t["err_user"].format(name=username[:64]))
    a.conn.execute(delete(assignments).where(assignments.c.ticket_id == ticket.id))
    a.conn.execute(
        assignments.insert().values(
            ticket_id=ticket.id, username=username, assigned_at=a.collector.clock.now()
        )
    )
    a.collector.tickets.event(a.conn, ticket.id, "assigned", f"assigned to {username}", actor=a.actor)


HANDLERS: dict[str, Callable[[Action], None]] = {
    "assess": assess,
    "respond": respond,
    "note": note,
    "wait": wait,
    "resume": resume,
    "resolve": resolve,
    "close": close,
    "reopen": reopen,
    "agreed": agreed,
    "ack": acknowledge,
    "assign": assign,
    "start": start,
}


def apply_action(
    collector: Collector, conn: Connection, number: str, action: str, form: dict[str, str], who: Signed
) -> None:
    """One staff action in the caller's transaction; TicketError/ValueError carry the user's message."""
    handler = HANDLERS.get(action)
    if handler is None:
        raise TicketError(who.t["err_action"])
    handler(Action(collector, conn, number, form, who))
