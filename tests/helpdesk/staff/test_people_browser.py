"""Headless Chromium over the staff and customer pages people read: the queue, a ticket, the customer page,
the maintenance page and the web form after a validation error. Screenshots are kept in
test-artifacts/people/ for a person to look at; the assertions check what the eye would."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from collector.monitoring.maintenance import add_window
from collector.storage import tables as core
from tests.collector.conftest import report
from tests.helpdesk.conftest import PASSWORD, Rig
from tests.helpdesk.staff.test_people_pages import customer_ids
from tests.helpdesk.staff.test_staff_pages import act, web_ticket
from tests.support.components import require_binary

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "people"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def furnish(rig: Rig) -> tuple[str, str]:
    urgent = web_ticket(rig)
    question = web_ticket(rig, kind="question", severity="", reach="", subject="Hoe exporteer ik?")
    customer_id, instance_id = customer_ids(rig, "acme")
    counts = {"counted_at": "2026-11-27T11:00:00+00:00", "internal_users": 26, "custom_lines": 100}
    rig.collector.ingest_now(report(counts=counts), customer_id, instance_id)
    now = rig.clock.now()
    with rig.collector.engine.begin() as conn:
        for key, state in (("odoo.latency", "failing"), ("integration:webshop", "recovered")):
            conn.execute(
                insert(core.conditions).values(
                    instance_id=instance_id, check_key=key, kind="check", state=state,
                    consecutive_failures=3, since=now - timedelta(minutes=45), last_checked_at=now,
                )
            )  # fmt: skip
        add_window(
            conn, customer_id, None, now + timedelta(days=1), now + timedelta(days=1, hours=3), "Upgrade", now
        )
    session = rig.staff("eva")
    act(rig, session, urgent, "assign", username="eva")
    act(rig, session, question, "wait", body="Welk formaat wilt u?")
    rig.clock.advance(timedelta(minutes=20))
    return urgent, question


def test_staff_and_customer_pages_in_a_real_browser(rig: Rig) -> None:
    chromium = require_binary("chromium", "/usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    urgent, _question = furnish(rig)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            page.set_default_timeout(15_000)
            page.goto(f"{rig.url}/staff")
            page.get_by_label("Gebruikersnaam").fill("eva")
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name="Aanmelden").click()
            expect(page.locator("#queue-count")).to_have_text("2 tickets")

            # The count sits between the filters and the table; ticket numbers stay on one line.
            count_box = page.locator("#queue-count").bounding_box()
            table_box = page.locator("#queue").bounding_box()
            assert count_box and table_box and count_box["y"] + count_box["height"] <= table_box["y"]
            link = page.locator("#queue td.number a").first
            line_height = link.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
            assert link.bounding_box()["height"] < 1.5 * line_height  # type: ignore[index]
            page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)
            page.get_by_role("link", name="Mijn tickets").first.click()
            expect(page.locator("#queue-count")).to_have_text("1 ticket")

            page.goto(f"{rig.url}/staff/tickets/{urgent}")
            sla = page.locator("#sla-state")
            expect(sla).to_contain_text("reactie: vr 27 nov 13:00 — over 40 min")
            assert sla.bounding_box()["y"] < page.locator("#ticket-state").bounding_box()["y"]  # type: ignore[index]
            expect(page.locator("#ticket-state")).to_have_text("nieuw")
            expect(page.locator("form[data-action]")).to_have_count(8)  # ack, assess, ... assign
            page.screenshot(path=str(ARTIFACTS / "ticket.png"), full_page=True)
            page.get_by_label("Interne notitie", exact=True).fill("Gebeld met Jan.")
            page.get_by_role("button", name="Interne notitie").click()
            expect(page.get_by_role("status")).to_have_text("Gedaan.")
            assert "lang=nl" in page.url

            page.goto(f"{rig.url}/staff/customers/acme")
            expect(page.locator("#limits tr[data-metric=lines]")).to_contain_text("regels maatwerkcode")
            expect(page.locator("#limits tr[data-metric=users]")).to_contain_text("over limiet")
            page.screenshot(path=str(ARTIFACTS / "customer.png"), full_page=True)
            page.goto(f"{rig.url}/staff/customers")
            expect(page.locator("#customers")).to_contain_text("over limiet")
            page.screenshot(path=str(ARTIFACTS / "customers.png"), full_page=True)

            page.goto(f"{rig.url}/staff/maintenance")
            expect(page.locator("#conditions tbody tr")).to_have_count(1)  # the recovered check is not listed
            expect(page.locator("#conditions")).to_contain_text("odoo.latency")
            expect(page.get_by_label("Reden van het onderhoud")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "maintenance.png"), full_page=True)

            form = browser.new_page(viewport={"width": 390, "height": 844})
            form.goto(f"{rig.url}/melding")
            form.get_by_label("Naam").fill("Jan de Vries")
            form.get_by_label("E-mailadres (zoals bij ons bekend)").fill("jan@acme.example")
            form.get_by_label("Er werkt iets niet (storing)").check()
            form.get_by_label("Omschrijving").fill("Sinds 10:00 komt geen order meer door.")
            form.get_by_role("button", name="Melding versturen").click()
            expect(form.get_by_role("alert")).to_contain_text("Onderwerp: vul dit veld in.")
            expect(form.get_by_label("Naam")).to_have_value("Jan de Vries")  # the input is kept
            expect(form.get_by_label("Omschrijving")).to_have_value("Sinds 10:00 komt geen order meer door.")
            form.screenshot(path=str(ARTIFACTS / "form-validation-error.png"), full_page=True)
        finally:
            browser.close()
