"""What an acknowledged page does to its ticket: a timeline line naming who and when, and an unassigned
ticket assigned to the acknowledger. Runs in the acknowledging transaction (alerts' ack listener).

The response target stays the first human response to the reporter (policy): acknowledging only says
"I have it".
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from alerts.outbox import AckOutcome
from collector import tables as t
from collector.helpdesk.tables import assignments, staff_users
from collector.tickets import TicketService


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
