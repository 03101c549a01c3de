"""What an acknowledged page does to its ticket: a timeline line naming who and when, and an unassigned
ticket assigned to the acknowledger. Runs in the acknowledging transaction (alerts' ack listener).

The response target stays the first human response to the reporter (policy): acknowledging only says
"I have it".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, func, select

from alerts.outbox import CHAIN_END_VIAS, AckOutcome
from alerts.people_time import local_time
from alerts.tables import acknowledgements, outbox
from collector.storage import tables as t
from collector.storage.helpdesk_tables import assignments, staff_users
from collector.tickets.core import TicketService


def staff_username(conn: Connection, who: str) -> str:
    """The staff account matching a person (user name, e-mail address or full name); else the name given."""
    row = conn.execute(
        select(staff_users.c.username)
        .where(
            (staff_users.c.username == who)
            | (staff_users.c.email == who)
            | (staff_users.c.display_name == who)
        )
        .order_by(staff_users.c.id)
    ).first()
    return str(row.username) if row else who


def note_acknowledgement(tickets: TicketService, conn: Connection, outcome: AckOutcome) -> None:
    ticket = conn.execute(
        select(t.tickets.c.id, t.tickets.c.state).where(t.tickets.c.number == outcome.subject_ref)
    ).first()
    if ticket is None:
        return  # a page about something that is not a ticket (an ops subject)
    tickets.event(
        conn,
        ticket.id,
        "acknowledged",
        f"page acknowledged by {outcome.by}",
        actor=outcome.by,
        data={"by": outcome.by, "via": outcome.via},
    )
    assigned = conn.execute(
        select(assignments.c.username).where(assignments.c.ticket_id == ticket.id)
    ).scalar()
    if assigned is None and outcome.at is not None:
        username = staff_username(conn, outcome.by)
        conn.execute(
            assignments.insert().values(ticket_id=ticket.id, username=username, assigned_at=outcome.at)
        )
        tickets.event(conn, ticket.id, "assigned", f"assigned to {username} (acknowledged the page)")


def assignee_address(conn: Connection, ticket_id: int) -> tuple[str | None, str | None]:
    """The assignee of a ticket and where to reach them: their staff e-mail address, else a rota person."""
    username = conn.execute(
        select(assignments.c.username).where(assignments.c.ticket_id == ticket_id)
    ).scalar()
    if username is None:
        return None, None
    email = conn.execute(select(staff_users.c.email).where(staff_users.c.username == username)).scalar()
    return str(username), (f"mailto:{email}" if email else f"person:{username}")


_ACK_TEXT = {"nl": "oproep bevestigd door {by} om {at}", "en": "page acknowledged by {by} at {at}"}


def ack_line(by: str, at: datetime, language: str | None = "nl") -> str:
    """'page acknowledged by Anna at Fri 27 Nov 22:07', for the ticket page and the queue."""
    lang = "en" if language == "en" else "nl"
    return _ACK_TEXT[lang].format(by=by, at=local_time(at, lang))


def current_acks(conn: Connection, numbers: Iterable[str], language: str | None = "nl") -> dict[str, str]:
    """Ticket number -> the acknowledgement line of its current episode, for those acknowledged."""
    refs = list(numbers)
    if not refs:
        return {}
    episodes = dict(
        conn.execute(
            select(outbox.c.subject_ref, func.max(outbox.c.created_at))
            .where(outbox.c.subject_ref.in_(refs), outbox.c.kind == "page")
            .group_by(outbox.c.subject_ref)
        ).all()
    )
    lines: dict[str, str] = {}
    for row in conn.execute(
        select(acknowledgements)
        .where(
            acknowledgements.c.subject_ref.in_(list(episodes)),
            acknowledgements.c.via.not_in(CHAIN_END_VIAS),
        )
        .order_by(acknowledgements.c.at, acknowledgements.c.id)
    ):
        if row.subject_ref not in lines and row.at >= episodes[row.subject_ref]:
            lines[row.subject_ref] = ack_line(row.by, row.at, language)
    return lines
