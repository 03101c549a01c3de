"""The limit warning says whether usage approaches the limit or exceeds it, in Dutch and English."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from alerts.tables import outbox
from alerts.templates import render
from collector.service import Collector
from tests.collector.monitoring.test_limits_versions import send_counts

BASE = {"subject_ref": "limits:1:users", "usage": 23, "limit": 25, "metric": "users", "contact": "Jan"}
WORDING = {
    ("nl", "near"): "nadert de limiet",
    ("nl", "over"): "overschrijdt de limiet",
    ("en", "near"): "approaching",
    ("en", "over"): "exceeds",
}


@pytest.mark.parametrize(
    ("language", "state", "event"),
    [
        ("nl", "near", "warn_near"),
        ("nl", "over", "warn_over"),
        ("nl", "over", "remind_over"),
        ("en", "near", "warn_near"),
        ("en", "over", "warn_over"),
        ("en", "over", "remind_over"),
    ],
)
def test_near_and_over_have_their_own_words(language: str, state: str, event: str) -> None:
    message = render("limit_warning", language, {**BASE, "state": state, "event": event})
    other = WORDING[(language, "over" if state == "near" else "near")]
    for part in (message.subject, message.text, message.html):
        assert WORDING[(language, state)] in part
        assert other not in part


@pytest.mark.parametrize("language", ["nl", "en"])
def test_back_under_says_so(language: str) -> None:
    message = render("limit_warning", language, {**BASE, "state": "ok", "event": "back_under"})
    expected = "weer binnen de limiet" if language == "nl" else "within the limit"
    assert expected in message.text and "nadert" not in message.text and "approaching" not in message.text


def sent_warnings(collector: Collector) -> list[dict[str, Any]]:
    with collector.engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c["values"]).where(outbox.c.kind == "limit_warning").order_by(outbox.c.id)
        )
        return [dict(values) for values in rows.scalars()]


def test_the_collector_passes_the_state_and_the_customer_reads_the_right_words(collector: Collector) -> None:
    send_counts(collector, 23)  # small package: 25 users; near
    send_counts(collector, 23)
    send_counts(collector, 26)  # over
    send_counts(collector, 26)
    near, over = sent_warnings(collector)
    assert (near["state"], near["event"], over["state"], over["event"]) == (
        "near",
        "warn_near",
        "over",
        "warn_over",
    )
    assert "Uw abonnement nadert de limiet" in render("limit_warning", "nl", near).subject
    assert "Uw abonnement overschrijdt de limiet" in render("limit_warning", "nl", over).subject
    assert "26 interne gebruikers" in render("limit_warning", "nl", over).text
