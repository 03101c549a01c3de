"""A page acknowledged on the staff pages: the ticket and the queue say who acknowledged it and when (in
Amsterdam time), and an unassigned ticket is assigned to them."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from collector.storage.helpdesk_tables import assignments
from tests.collector.monitoring.test_condition_groups import DOWN
from tests.collector.monitoring.test_monitoring_routing import send, tickets
from tests.helpdesk.conftest import Rig
from tests.helpdesk.staff.test_staff_pages import act


def text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_acknowledging_a_page_shows_on_the_ticket_and_in_the_queue(rig: Rig) -> None:
    send(rig.collector, "acme", DOWN)
    send(rig.collector, "acme", DOWN)
    number = tickets(rig.collector)[0].number
    session = rig.staff("eva")
    rig.clock.advance(timedelta(minutes=4))
    act(rig, session, number, "ack")
    ticket_page = text(session.get(f"{rig.url}/staff/tickets/{number}").text)
    assert "oproep bevestigd door eva om vr 27 nov 12:04" in ticket_page
    assert "page acknowledged by eva" in ticket_page  # the timeline line
    queue = text(session.get(f"{rig.url}/staff?lang=en").text)
    assert "page acknowledged by eva at Fri 27 Nov 12:04" in queue
    with rig.collector.engine.connect() as conn:
        assert conn.execute(select(assignments.c.username)).scalars().all() == ["eva"]


def test_a_web_form_page_leads_with_its_subject_deadline_and_number(rig: Rig) -> None:
    from alerts.tables import outbox
    from alerts.templates import render
    from tests.helpdesk.staff.test_staff_pages import web_ticket

    number = web_ticket(rig)  # Acme (premium), "Niemand kan inloggen", blocked, everyone: an A incident
    with rig.collector.engine.connect() as conn:
        page = conn.execute(select(outbox).where(outbox.c.kind == "page")).one()
        team = conn.execute(select(outbox).where(outbox.c.kind == "team_notice")).first()
    message = render("page", page.language, {"subject_ref": page.subject_ref, **page.values})
    first = message.text.splitlines()[0]
    assert first == f"[A] Acme BV: Niemand kan inloggen · reactie vóór vr 27 nov 13:00 · {number}"
    assert "Category" not in message.text and "Onderwerp: Niemand kan inloggen" in message.text
    assert team is None or "Niemand kan inloggen" in render("team_notice", "nl", dict(team.values)).subject
