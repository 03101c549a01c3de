"""Golden texts of the on-call notifications, Dutch and English: what the person on call, the team and the
customer read, word for word. Regenerate after a deliberate change with
`.venv/bin/python -m tests.alerts.test_golden_texts` and read every changed file before committing it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alerts.page_text import LOCK_SCREEN
from alerts.templates import render

GOLDEN = Path(__file__).with_name("golden")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")

BASE = {
    "subject_ref": "PS-2026-00012",
    "ticket": "PS-2026-00012",
    "customer": "Groot Handelshuis N.V.",
    "subject": "Nobody can log in to Odoo",
    "summary": "Nobody can log in to Odoo",
    "priority": "A",
    "deadline": "2026-11-27T21:15:00+00:00",  # Friday 22:15 in Amsterdam
    "deadline_kind": "response",
    "details": "failing: odoo.login_page (HTTP 502); odoo.health (connection refused)",
    "ticket_url": "https://support.partner.example/staff/tickets/PS-2026-00012",
    "contact": "Mevr. Jansen",
}

CASES: dict[str, tuple[str, dict[str, object]]] = {
    "page": ("page", {"occasion": "ticket_opened", "ack_url": "https://support.partner.example/ack/TOKEN"}),
    "page_relapse": (
        "page",
        {
            "occasion": "condition_relapsed",
            "relapse_of": "PS-2026-00012",
            "ack_url": "https://x.example/ack/T",
        },
    ),
    "escalation": ("escalation", {"step": 1, "waited": "15 min", "ack_url": "https://x.example/ack/T"}),
    "recovery": ("recovery", {"summary": "Nobody can log in to Odoo: recovered", "deadline": ""}),
    "team_new": ("team_notice", {"occasion": "ticket_opened"}),
    "team_relapse": ("team_notice", {"occasion": "condition_relapsed", "relapse_of": "PS-2026-00012"}),
    "team_recovered": (
        "team_notice",
        {
            "occasion": "condition_recovered",
            "summary": "Nobody can log in to Odoo: recovered",
            "deadline": "",
        },
    ),
    "team_prebreach": ("team_notice", {"occasion": "sla_prebreach", "assignee": "anna"}),
    "incident_notice_relapse": ("incident_notice", {"relapse_of": "PS-2026-00012"}),
    "incident_recovered": ("incident_recovered", {"summary": "Nobody can log in to Odoo: recovered"}),
}


def rendered(case: str, language: str) -> str:
    kind, extra = CASES[case]
    message = render(kind, language, {"kind": kind, **BASE, **extra})
    return f"Subject: {message.subject}\n\n{message.text}\n"


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_text_matches_its_golden_file(case: str, language: str) -> None:
    golden = GOLDEN / f"{case}.{language}.txt"
    assert rendered(case, language) == golden.read_text(encoding="utf-8"), f"regenerate and read {golden}"


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("case", [c for c, (kind, _) in CASES.items() if not kind.startswith("incident")])
def test_the_lock_screen_line_says_who_what_how_urgent_and_where(case: str, language: str) -> None:
    kind, extra = CASES[case]
    message = render(kind, language, {"kind": kind, **BASE, **extra})
    first = message.text.splitlines()[0]
    assert first == message.subject and len(first) <= LOCK_SCREEN
    assert "[A]" in first and "Groot" in first and "Nobody" in first and "PS-2026-00012" in first
    if BASE["deadline"] and extra.get("deadline", BASE["deadline"]):
        assert ("vr 27 nov 22:15" if language == "nl" else "Fri 27 Nov 22:15") in first
    assert BASE["ticket_url"] in message.text  # a link to the ticket
    assert not ISO_TIME.search(message.text + message.html)  # people read local times, never ISO


def test_a_long_customer_and_subject_are_shortened_never_the_deadline_or_number() -> None:
    values = {
        **BASE,
        "kind": "page",
        "customer": "Groothandel in Bouwmaterialen en Sanitair Van der Wielen-Hoogendoorn B.V.",
        "subject": "Since the upgrade nobody in the warehouse can validate a delivery order at all " * 2,
    }
    first = render("page", "nl", values).subject
    assert len(first) <= LOCK_SCREEN and first.endswith("reactie vóór vr 27 nov 22:15 · PS-2026-00012")
    assert first.startswith("[A] Groothandel") and "…" in first


def _write_all() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for case in CASES:
        for language in ("nl", "en"):
            (GOLDEN / f"{case}.{language}.txt").write_text(rendered(case, language), encoding="utf-8")


if __name__ == "__main__":
    _write_all()
