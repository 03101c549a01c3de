"""Headless Chromium against the played demo stack: a customer reports an outage on the web form and sees
its number, staff sign in, find it in the queue and acknowledge its page."""

from __future__ import annotations

from pathlib import Path

from demo.client import CollectorClient
from demo.customers import MEDIUM
from demo.stack import STAFF_USER
from tests.demo.conftest import Played
from tests.support.components import require_binary

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "demo"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def test_form_queue_and_acknowledge_in_a_real_browser(played: Played) -> None:
    chromium = require_binary("chromium", "/usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    stack = played.stack
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(15_000)
            page.goto(f"{stack.url}/melding")
            page.get_by_label("Naam").fill(MEDIUM.contact_name)
            page.get_by_label("E-mailadres (zoals bij ons bekend)").fill(MEDIUM.contact_email)
            page.get_by_label("Er werkt iets niet (storing)").check()
            page.get_by_label("We kunnen ons werk niet doen").check()
            page.get_by_label("De hele organisatie").check()
            page.get_by_label("Onderwerp").fill("Orders blijven hangen in de verzendstraat")
            page.get_by_label("Omschrijving").fill("Sinds 10:00 komt geen enkele order meer door.")
            page.screenshot(path=str(ARTIFACTS / "form.png"), full_page=True)
            page.get_by_role("button", name="Melding versturen").click()
            number = page.locator("#ticket-number").inner_text()
            page.screenshot(path=str(ARTIFACTS / "confirmation.png"), full_page=True)

            # A premium A incident on Monday morning: the on-call engineer is paged at once.
            paged = stack.feed.wait_for(
                lambda a: a.channel == "webhook" and a.is_to("/person/") and number in a.subject + a.text, 30
            )
            assert paged is not None, f"no page for {number}"

            page.goto(f"{stack.url}/staff")
            page.get_by_label("Gebruikersnaam").fill(STAFF_USER)
            page.get_by_label("Wachtwoord").fill(stack.staff_password)
            page.get_by_role("button", name="Aanmelden").click()
            row = page.locator("#queue tr", has_text=number)
            expect(row).to_have_count(1)  # waits for the sign-in to land on the queue
            assert "A" in row.inner_text()
            page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)
            row.get_by_role("link", name=number).click()
            page.get_by_role("button", name="Oproep bevestigen").click()
            expect(page.get_by_text("page acknowledged")).to_be_visible()  # the action landed
            page.screenshot(path=str(ARTIFACTS / "acknowledged.png"), full_page=True)
        finally:
            browser.close()
    timeline = CollectorClient(stack.url, stack.staff_token).ticket(number)["timeline"]
    assert any(event["kind"] == "acknowledged" for event in timeline), timeline
