"""The acknowledgement page in headless Chromium at phone size (390x844): everything fits on one screen,
the button is big enough for a thumb, and acknowledging shows who and when. Screenshots are kept in
test-artifacts/ack/."""

from __future__ import annotations

from pathlib import Path

from collector.service import Collector
from prioritysupport.clock import FixedClock
from tests.collector.conftest import LiveServer
from tests.collector.tickets.test_ack_page import link, paged
from tests.collector.tickets.test_oncall_ack import hook, wired  # noqa: F401 (fixtures)
from tests.support.components import require_binary

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "ack"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
PHONE = {"width": 390, "height": 844}


def test_the_ack_page_on_a_phone(wired: Collector, clock: FixedClock) -> None:  # noqa: F811
    chromium = require_binary("chromium", "/usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    number = paged(wired)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with LiveServer(wired) as live, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
            page.set_default_timeout(15_000)
            page.goto(live.url + link(wired, number))
            button = page.get_by_role("button", name="Ik pak het op")
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert box is not None and box["height"] >= 56 and box["width"] >= 300  # a thumb's target
            assert box["y"] + box["height"] <= PHONE["height"], "the button is on the first screen"
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= PHONE["width"], "nothing sideways"
            expect(page.locator("#ack-customer")).to_have_text("Acme BV")
            expect(page.locator("#ack-deadline")).to_contain_text("vr 27 nov 13:00")
            page.screenshot(path=str(ARTIFACTS / "ack-phone.png"))
            button.click()
            expect(page.locator("#ack-result")).to_contain_text("Bevestigd door Anna om vr 27 nov 12:00")
            page.screenshot(path=str(ARTIFACTS / "ack-phone-done.png"))
            page.goto(live.url + link(wired, number, "person:bram"))
            expect(page.locator("#ack-result")).to_contain_text("Al bevestigd door Anna")
            page.screenshot(path=str(ARTIFACTS / "ack-phone-already.png"))
        finally:
            browser.close()
