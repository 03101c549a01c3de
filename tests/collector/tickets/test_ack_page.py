"""The acknowledgement page at /ack/{token}: what, who, since when, the deadline and one button; the name
comes from the signed link; a replay writes nothing; an expired link offers to sign in. Read as text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from alerts.tables import acknowledgements
from collector.helpdesk.staff.accounts import create_user
from collector.service import Collector
from collector.storage.after_commit import transaction
from collector.web.app import create_app
from prioritysupport.clock import FixedClock
from tests.collector.monitoring.test_condition_groups import DOWN
from tests.collector.monitoring.test_monitoring_routing import send, tickets
from tests.collector.tickets.test_oncall_ack import hook, wired  # noqa: F401 (fixtures)


@pytest.fixture
def browser(wired: Collector) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(wired, run_background=False)) as client:
        yield client


def paged(collector: Collector) -> str:
    send(collector, "acme", DOWN)
    send(collector, "acme", DOWN)
    return str(tickets(collector)[0].number)


def link(collector: Collector, number: str, recipient: str = "person:anna") -> str:
    signer = collector.outbox.ack_signer
    assert signer is not None
    return f"/ack/{signer.sign(number, recipient)}"


def text(html: str) -> str:
    import html as entities

    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_page_shows_what_who_since_and_the_deadline_without_asking_a_name(
    wired: Collector,  # noqa: F811
    browser: TestClient,
) -> None:
    number = paged(wired)
    page = browser.get(link(wired, number))
    shown = text(page.text)
    assert page.status_code == 200 and 'name="by"' not in page.text
    assert "prod: Odoo unreachable" in shown and "Klant Acme BV" in shown and "Prioriteit A" in shown
    # Friday 27 November 12:00 Amsterdam; the premium A response is due an hour later.
    assert "Sinds vr 27 nov 12:00 (nu)" in shown and "Reactie vóór vr 27 nov 13:00 (over 1 h)" in shown
    assert "Ik pak het op" in shown and "Je bevestigt als Anna" in shown
    assert (
        page.headers["referrer-policy"] == "no-referrer"
        and "default-src 'self'" in page.headers["content-security-policy"]
    )
    assert not re.search(r"\d{4}-\d\d-\d\dT", shown)


def test_acknowledging_says_who_and_when_and_a_replay_writes_nothing(
    wired: Collector,  # noqa: F811
    browser: TestClient,
    clock: FixedClock,
) -> None:
    number = paged(wired)
    url = link(wired, number)
    clock.advance(timedelta(minutes=7))
    done = browser.post(url)
    assert "Bevestigd door Anna om vr 27 nov 12:07." in text(done.text) and "Ik pak het op" not in done.text
    clock.advance(timedelta(minutes=3))
    again = browser.post(url)
    other = browser.post(link(wired, number, "person:bram"))
    for answer in (again, other, browser.get(url)):
        assert "Al bevestigd door Anna om vr 27 nov 12:07." in text(answer.text)
    with wired.engine.connect() as conn:
        assert conn.execute(select(acknowledgements.c.by)).scalars().all() == ["Anna"]


def test_an_expired_link_says_so_in_one_language_and_offers_to_sign_in(
    wired: Collector,  # noqa: F811
    browser: TestClient,
    clock: FixedClock,
) -> None:
    number = paged(wired)
    url = link(wired, number)
    clock.advance(timedelta(hours=25))
    page = browser.get(url)
    shown = text(page.text)
    assert page.status_code == 410 and "Deze bevestigingslink is verlopen." in shown
    assert f'href="/staff/tickets/{number}?lang=nl"' in page.text and "Meld je aan" in shown
    assert "API" not in shown and "CLI" not in shown and "expired" not in shown
    assert browser.post(url).status_code == 410


def test_english_for_a_recipient_whose_account_is_english(
    wired: Collector,  # noqa: F811
    browser: TestClient,
) -> None:
    with transaction(wired.engine) as conn:
        create_user(conn, "bram", "a-long-enough-password", "engineer", wired.clock.now(), language="en")
    number = paged(wired)
    shown = text(browser.get(link(wired, number, "person:bram")).text)
    assert "I'm on it" in shown and "Customer Acme BV" in shown and "Respond by Fri 27 Nov 13:00" in shown
    assert "Klant" not in shown


def test_a_damaged_or_absurd_link_is_refused_cleanly(
    wired: Collector,  # noqa: F811
    browser: TestClient,
) -> None:
    from itsdangerous import URLSafeSerializer

    assert browser.get("/ack/not-a-token").status_code == 403
    forged = URLSafeSerializer("a-test-secret-of-some-length", salt="prioritysupport.ack.v1").dumps(
        {"ref": "PS-1", "to": "person:anna", "exp": 10**20}
    )
    answer = browser.post(f"/ack/{forged}")
    assert answer.status_code == 403 and "niet geldig" in answer.text
