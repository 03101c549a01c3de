"""Staff pages as people read them: one language per page, Amsterdam times with the weekday, the SLA state
at the top of a ticket, only the actions that fit, the queue's count and "mine" filter, readable customer
and maintenance pages. Real HTTP against the helpdesk rig (fixed clock: Friday 27 Nov 2026 12:00 local)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from collector.storage import tables as core
from tests.collector.conftest import report
from tests.helpdesk.conftest import Rig
from tests.helpdesk.staff.test_staff_pages import act, web_ticket
from tests.support.visible_text import problems, visible_text


def customer_ids(rig: Rig, key: str) -> tuple[int, int]:
    with rig.collector.engine.connect() as conn:
        row = conn.execute(
            select(core.customers.c.id, core.instances.c.id.label("instance_id"))
            .join(core.instances, core.instances.c.customer_id == core.customers.c.id)
            .where(core.customers.c.key == key)
        ).first()
    assert row is not None
    return row.id, row.instance_id


def test_ticket_page_has_the_sla_state_on_top_in_local_time(rig: Rig) -> None:
    number = web_ticket(rig)  # premium A incident, Friday 12:00: response due within the hour
    session = rig.staff()
    html = session.get(f"{rig.url}/staff/tickets/{number}").text
    text = visible_text(html)
    sla = text[text.index("SLA-stand") : text.index("Klant\n")]
    assert "reactie: vr 27 nov 13:00 — over 1 h" in sla
    assert "Reactie uiterlijk\nvr 27 nov 13:00" in sla
    assert "Geregistreerd\nvr 27 nov 12:00 (nu)" in text
    assert "\nnieuw\n" in text and "storing; impact hoog, organisatie-breed" in text
    assert problems(text, keys=False) == []
    rig.clock.advance(timedelta(hours=4))
    later = visible_text(session.get(f"{rig.url}/staff/tickets/{number}").text)
    assert "3 h over tijd" in later and "SLA geschonden" in later
    english = visible_text(session.get(f"{rig.url}/staff/tickets/{number}", params={"lang": "en"}).text)
    assert "response: Fri 27 Nov 13:00 — 3 h overdue" in english and "\nnew\n" in english
    assert "organisation-wide" in english and "over tijd" not in english


def action_names(rig: Rig, html: str) -> list[str]:
    import re

    return re.findall(r'data-action="([a-z]+)"', html)


def test_only_the_actions_that_fit_the_state(rig: Rig) -> None:
    number = web_ticket(rig)
    session = rig.staff()
    page = lambda: session.get(f"{rig.url}/staff/tickets/{number}").text  # noqa: E731
    # A premium A incident pages the on-call engineer: acknowledging fits until someone has.
    assert action_names(rig, page()) == [
        "ack", "assess", "respond", "note", "wait", "resolve", "agreed", "assign",
    ]  # fmt: skip
    act(rig, session, number, "ack")
    assert action_names(rig, page())[0] == "assess"
    act(rig, session, number, "wait", body="Welke versie?")
    assert action_names(rig, page()) == ["respond", "note", "resume", "resolve", "agreed", "assign"]
    assert "gepauzeerd: wacht op klant" in visible_text(page())
    act(rig, session, number, "resolve", body="Opgelost.")
    assert action_names(rig, page()) == ["note", "close", "reopen"]
    act(rig, session, number, "close")
    assert action_names(rig, page()) == ["note", "reopen"]


def test_the_redirect_after_an_action_keeps_the_language(rig: Rig) -> None:
    number = web_ticket(rig)
    session = rig.staff()  # eva reads Dutch; she switched this page to English
    csrf = rig.csrf(session, f"/staff/tickets/{number}")
    answer = session.post(
        f"{rig.url}/staff/tickets/{number}/action?lang=en", data={"action": "note", "body": "x", "csrf": csrf}
    )
    assert "lang=en" in answer.url and '<html lang="en">' in answer.text and "Done." in answer.text
    failed = session.post(
        f"{rig.url}/staff/tickets/{number}/action?lang=en", data={"action": "note", "body": "", "csrf": csrf}
    )
    assert "lang=en" in failed.url and '<html lang="en">' in failed.text


def test_queue_count_above_the_table_numbers_unwrapped_and_a_mine_filter(rig: Rig) -> None:
    mine, other = web_ticket(rig), web_ticket(rig, subject="Printer kapot")
    session = rig.staff("eva")
    act(rig, session, mine, "assign", username="eva")
    act(rig, session, other, "assign", username="max")
    html = session.get(f"{rig.url}/staff").text
    assert html.index('id="queue-count"') < html.index('<table id="queue"')
    assert "<caption>" not in html and '<td class="number">' in html
    assert "2 tickets" in visible_text(html)
    only_mine = session.get(f"{rig.url}/staff", params={"assignee": "me"}).text
    assert mine in only_mine and other not in only_mine and "1 ticket" in visible_text(only_mine)
    assert 'href="/staff?lang=nl&amp;assignee=me"' in html  # one click to "Mijn tickets"


def test_customer_page_reads_as_words_with_both_limit_rows(rig: Rig) -> None:
    web_ticket(rig)
    customer_id, instance_id = customer_ids(rig, "acme")
    counts = {"counted_at": "2026-11-27T11:00:00+00:00", "internal_users": 26, "custom_lines": 100}
    rig.collector.ingest_now(report(counts=counts), customer_id, instance_id)
    session = rig.staff()
    text = visible_text(session.get(f"{rig.url}/staff/customers/acme").text)
    assert problems(text, keys=False) == [], text
    assert "Premium\nja" in text and "Koppelingen\nwebshop" in text
    assert "Uitgesloten auteurs\nOdoo Community Association (OCA)" in text
    assert "interne gebruikers\n26\n25\nover limiet" in text
    assert "regels maatwerkcode\n100\n2500\nbinnen limiet" in text
    assert "Laatste rapport\n" in text and "vr 27 nov 12:00 (nu)" in text
    globex = visible_text(session.get(f"{rig.url}/staff/customers/globex").text)
    assert "regels maatwerkcode\nnog niet gemeten" in globex  # a row even before the first count
    listing = visible_text(session.get(f"{rig.url}/staff/customers").text)
    assert (
        "Acme BV (acme)\n1\n0\nover limiet" in listing and "Globex (globex)\n0\n0\nbinnen limiet" in listing
    )
    rig.clock.advance(timedelta(hours=4))
    with rig.collector.engine.begin() as conn:
        rig.collector.tickets.refresh_breaches(conn)
    listing = visible_text(session.get(f"{rig.url}/staff/customers").text)
    assert "Acme BV (acme)\n1\n⚠ 1\nover limiet" in listing


def test_maintenance_lists_only_failing_checks_with_a_plain_reason_label(rig: Rig) -> None:
    _customer_id, instance_id = customer_ids(rig, "acme")
    now = rig.clock.now()
    with rig.collector.engine.begin() as conn:
        for key, state in (("odoo.availability", "failing"), ("integration:webshop", "recovered")):
            conn.execute(
                insert(core.conditions).values(
                    instance_id=instance_id, check_key=key, kind="check", state=state,
                    consecutive_failures=3, since=now - timedelta(minutes=30), last_checked_at=now,
                )
            )  # fmt: skip
    manager = rig.staff("max")  # reads English
    text = visible_text(manager.get(f"{rig.url}/staff/maintenance").text)
    assert "odoo.availability" in text and "integration:webshop" not in text
    assert "Fri 27 Nov 11:30 (30 min ago)" in text
    assert "Reason for the maintenance" in text and "overriding the priority" not in text
    dutch = visible_text(manager.get(f"{rig.url}/staff/maintenance", params={"lang": "nl"}).text)
    assert "Reden van het onderhoud" in dutch and "afwijkende prioriteit" not in dutch
