"""Headless Chromium: a customer submits the form and sees the number; staff sign in and find it queued."""

from __future__ import annotations

from pathlib import Path

from tests.helpdesk.conftest import NUMBER, PASSWORD, Rig
from tests.support.components import require_binary

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "helpdesk"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def test_form_to_queue_in_a_real_browser(rig: Rig) -> None:
    chromium = require_binary("chromium", "/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{rig.url}/melding")
            page.get_by_label("Naam").fill("Jan de Vries")
            page.get_by_label("E-mailadres (zoals bij ons bekend)").fill("jan@acme.example")
            page.get_by_label("Er werkt iets niet (storing)").check()
            page.get_by_label("We kunnen ons werk niet doen").check()
            page.get_by_label("De hele organisatie").check()
            page.get_by_label("Onderwerp").fill("Niemand kan inloggen")
            page.get_by_label("Omschrijving").fill("502 bij inloggen")
            page.screenshot(path=str(ARTIFACTS / "form.png"), full_page=True)
            page.get_by_role("button", name="Melding versturen").click()
            number = page.locator("#ticket-number").inner_text()
            assert NUMBER.fullmatch(number)
            page.screenshot(path=str(ARTIFACTS / "confirmation.png"), full_page=True)

            page.goto(f"{rig.url}/staff")
            page.get_by_label("Gebruikersnaam").fill("eva")
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name="Aanmelden").click()
            row = page.locator("#queue tr", has_text=number)
            assert row.count() == 1 and "A" in row.inner_text()
            page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)
            row.get_by_role("link", name=number).click()
            assert page.locator("#ticket-state").inner_text() == "nieuw"
            page.screenshot(path=str(ARTIFACTS / "ticket.png"), full_page=True)
        finally:
            browser.close()
    assert number in rig.deliver(1)[0].subject
