"""Golden texts: every staff and customer page and every customer or account-manager mail this product
writes, in Dutch and in English, as a person reads them (visible text only, markup stripped).

A change in wording shows up here as a diff to read. To accept a deliberate change, run with
UPDATE_GOLDEN=1, then read every changed file in tests/helpdesk/golden/ before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import insert

from alerts.templates import render
from collector.helpdesk.i18n import confirmation_summary, local_time
from collector.monitoring.maintenance import add_window
from collector.storage import tables as core
from tests.collector.conftest import FRIDAY_NOON, report
from tests.helpdesk.conftest import Rig, running_rig
from tests.helpdesk.forms import good_fields, submit
from tests.helpdesk.staff.test_people_pages import customer_ids
from tests.helpdesk.staff.test_staff_pages import act, web_ticket
from tests.support.visible_text import problems, visible_text

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
LANGUAGES = ("nl", "en")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
        return
    assert path.exists(), f"no golden text {path.name}: run with UPDATE_GOLDEN=1 and read it"
    assert text + "\n" == path.read_text(encoding="utf-8"), f"{path.name} changed"


# -- mails ----------------------------------------------------------------------------------------------

DUE = FRIDAY_NOON + timedelta(hours=1)
MAILS: dict[str, tuple[str, dict[str, Any]]] = {
    "ticket_confirmation": (
        "ticket_confirmation", {"subject_ref": "PS-2026-00001", "contact": "Jan de Vries"}
    ),
    "staff_reply": (
        "staff_reply",
        {"subject_ref": "PS-2026-00001", "contact": "Jan de Vries", "staff": "Eva Engineer",
         "reply": "We hebben de server herstart; kunt u het opnieuw proberen?"},
    ),
    "incident_notice": (
        "incident_notice",
        {"subject_ref": "PS-2026-00002", "contact": "Jan de Vries", "customer": "Acme BV", "instance": "prod",
         "summary": "prod: integration webshop failing (integration:webshop)"},
    ),
    "incident_recovered": (
        "incident_recovered",
        {"subject_ref": "PS-2026-00002", "contact": "Jan de Vries", "customer": "Acme BV", "instance": "prod",
         "subject": "prod: integration webshop failing (integration:webshop)"},
    ),
    "limit_warning_near": (
        "limit_warning",
        {"subject_ref": "limits:1:users", "contact": "Jan de Vries", "metric": "users", "usage": 23,
         "limit": 25, "state": "near", "event": "warn_near"},
    ),
    "limit_warning_over_lines": (
        "limit_warning",
        {"subject_ref": "limits:1:lines", "contact": "Jan de Vries", "metric": "lines", "usage": 2600,
         "limit": 2500, "state": "over", "event": "remind_over"},
    ),
    "limit_warning_back_under": (
        "limit_warning",
        {"subject_ref": "limits:1:users", "contact": "Jan de Vries", "metric": "users", "usage": 24,
         "limit": 25, "state": "ok", "event": "back_under"},
    ),
    "package_advice": (
        "package_advice",
        {"subject_ref": "limits:1:users", "customer": "Acme BV", "metric": "users", "usage": 26, "limit": 25,
         "current_package": "small", "package": "medium", "users": 26, "lines": 1200},
    ),
    "package_advice_custom_quote": (
        "package_advice",
        {"subject_ref": "limits:1:lines", "customer": "Acme BV", "metric": "lines", "usage": 61000,
         "limit": 50000, "current_package": "large", "package": "", "users": 90, "lines": 61000},
    ),
}  # fmt: skip


def mail_values(name: str, language: str) -> dict[str, Any]:
    values = dict(MAILS[name][1])
    if name == "ticket_confirmation":
        values["summary"] = confirmation_summary(language, "incident", "A")
        values["response_due"] = local_time(DUE, language)
    if name in ("incident_notice", "incident_recovered"):
        from collector.monitoring.condition_words import customer_words, customer_words_fixed

        values["what"] = customer_words("integration:webshop", language)
        values["fixed"] = customer_words_fixed("integration:webshop", language)
    return values


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(MAILS))
def test_mail_texts(name: str, language: str) -> None:
    message = render(MAILS[name][0], language, mail_values(name, language))
    html_text = visible_text(message.html)
    for part in (message.subject, message.text, html_text):
        assert problems(part) == [], part
    check_golden(
        f"mail-{name}-{language}",
        f"Subject: {message.subject}\n\n{message.text}\n\n--- html ---\n{html_text}",
    )


# -- pages ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Rig, dict[str, str]]]:
    """One helpdesk with a little of everything, on the fixed clock (Friday 27 Nov 2026 12:00 local)."""
    with running_rig(f"sqlite:///{tmp_path_factory.mktemp('golden') / 'helpdesk.db'}") as rig:
        received = submit(rig.url, good_fields())
        urgent = web_ticket(rig, subject="Orders blijven hangen")
        question = web_ticket(rig, kind="question", severity="", reach="", subject="Hoe exporteer ik?")
        customer_id, instance_id = customer_ids(rig, "acme")
        counts = {"counted_at": "2026-11-27T11:00:00+00:00", "internal_users": 26, "custom_lines": 100}
        rig.collector.ingest_now(report(counts=counts), customer_id, instance_id)
        now = rig.clock.now()
        with rig.collector.engine.begin() as conn:
            conn.execute(
                insert(core.conditions).values(
                    instance_id=instance_id, check_key="odoo.latency", kind="check", state="failing",
                    consecutive_failures=3, since=now - timedelta(minutes=45), last_checked_at=now,
                )
            )  # fmt: skip
            add_window(
                conn, customer_id, None, now + timedelta(days=1), now + timedelta(days=1, hours=3),
                "Upgrade naar Odoo 18", now,
            )  # fmt: skip
        session = rig.staff("eva")
        act(rig, session, urgent, "assign", username="eva")
        act(rig, session, urgent, "respond", body="We kijken ernaar.")
        act(rig, session, question, "wait", body="Welk formaat wilt u?")
        rig.clock.advance(timedelta(minutes=20))
        yield rig, {"receipt": received.url, "urgent": urgent, "question": question}


PAGES = {
    "queue": "/staff",
    "queue-mine": "/staff?assignee=me",
    "ticket-answered": "/staff/tickets/{urgent}",
    "ticket-waiting": "/staff/tickets/{question}",
    "customer": "/staff/customers/acme",
    "customers": "/staff/customers",
    "maintenance": "/staff/maintenance",
    "phone": "/staff/phone",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_staff_page_texts(world: tuple[Rig, dict[str, str]], name: str, language: str) -> None:
    rig, refs = world
    session = rig.staff("eva")
    path = PAGES[name].format(**refs)
    answer = session.get(f"{rig.url}{path}", params={"lang": language})
    assert answer.status_code == 200
    text = visible_text(answer.text)
    assert problems(text, keys=False) == [], text
    check_golden(f"page-{name}-{language}", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_customer_page_texts(world: tuple[Rig, dict[str, str]], language: str) -> None:
    rig, refs = world
    form = requests.get(f"{rig.url}/melding", params={"lang": language})
    login = requests.get(f"{rig.url}/staff/login", params={"lang": language})
    received = requests.get(refs["receipt"].replace("lang=nl", f"lang={language}"))
    for name, answer in (("form", form), ("login", login), ("received", received)):
        assert answer.status_code == 200, name
        text = visible_text(answer.text)
        assert problems(text, keys=name != "login") == [], text
        check_golden(f"page-{name}-{language}", text)
