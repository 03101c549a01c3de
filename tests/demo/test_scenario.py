"""The weekend scenario end to end: what reached the mail catcher and the webhook receiver, and when
(simulated Amsterdam time). Every notification went through HTTP, the database, the outbox and Apprise."""

from __future__ import annotations

from datetime import timedelta

from demo.customers import ACCOUNT_MANAGER, MEDIUM, SMALL
from demo.feed import Arrival
from demo.scenario import amsterdam
from tests.demo.conftest import Played


def _to(played: Played, number: str, path: str) -> list[Arrival]:
    return [
        a
        for a in played.stack.feed.snapshot()
        if a.channel == "webhook" and a.is_to(path) and number in a.subject + a.text
    ]


def test_every_step_left_its_evidence(played: Played) -> None:
    assert played.result.complete, played.narration.getvalue()


def test_limit_warning_and_advice_arrive_friday_afternoon(played: Played) -> None:
    seen = played.result.seen
    assert amsterdam(27, 16) <= seen["limit-warning"] < amsterdam(27, 17)
    assert amsterdam(27, 16) <= seen["package-advice"] < amsterdam(27, 17)
    mails = played.stack.feed.snapshot()
    assert any(m.is_to(SMALL.contact_email) and m.channel == "mail" for m in mails)
    assert any(m.is_to(ACCOUNT_MANAGER) and m.channel == "mail" for m in mails)


def test_web_form_confirmation_mail_carries_the_number(played: Played) -> None:
    number = played.result.tickets["form"]
    confirmations = [
        a for a in played.stack.feed.snapshot() if a.is_to(MEDIUM.contact_email) and number in a.subject
    ]
    assert confirmations, played.narration.getvalue()
    assert amsterdam(27, 16, 30) <= confirmations[0].at < amsterdam(27, 16, 45)


def test_small_integration_is_a_c_ticket_the_team_hears_of_on_monday(played: Played) -> None:
    from demo.client import CollectorClient

    number = played.result.tickets["small-incident"]
    ticket = CollectorClient(played.stack.url, played.stack.staff_token).ticket(number)
    assert ticket["priority"] == "C"
    assert amsterdam(27, 17, 5) <= played.result.seen["small-incident"] < amsterdam(27, 17, 30)
    notices = _to(played, number, "/tag/support-team")
    assert notices, played.narration.getvalue()
    assert all(n.at >= amsterdam(30, 9) for n in notices)


def test_medium_pages_at_once_and_escalates_to_the_secondary(played: Played) -> None:
    number = played.result.tickets["medium-incident"]
    opened = played.result.seen["medium-incident"]
    assert amsterdam(27, 22) <= opened < amsterdam(27, 22, 20)
    pages = _to(played, number, "/person/")
    page = pages[0]
    assert page.at - opened < timedelta(minutes=5)
    # The escalation goes to the second on-call: another person than the one paged first.
    escalation = next(p for p in pages if p.to != page.to)
    assert timedelta(minutes=15) <= escalation.at - page.at < timedelta(minutes=25)


def test_large_page_is_held_until_saturday_six(played: Played) -> None:
    number = played.result.tickets["large-incident"]
    assert amsterdam(27, 23, 30) <= played.result.seen["large-incident"] < amsterdam(27, 23, 50)
    first = _to(played, number, "/person/")[0]
    assert amsterdam(28, 6) <= first.at < amsterdam(28, 6, 15)
    assert "large-ack" in played.result.seen
    # Acknowledged at 06:05: no escalation to anyone else afterwards, and no page went out twice.
    assert {a.to for a in _to(played, number, "/person/")} == {first.to}
    assert not _to(played, number, "/tag/oncall-")


def test_both_a_tickets_are_acknowledged_and_answered_within_their_deadlines(played: Played) -> None:
    from demo.client import CollectorClient

    api = CollectorClient(played.stack.url, played.stack.staff_token)
    for name in ("medium", "large"):
        ticket = api.ticket(played.result.tickets[f"{name}-incident"])
        assert ticket["first_response_at"] and not ticket["response_breached"], ticket
        assert played.result.seen[f"{name}-ack"] < played.result.seen[f"{name}-answered"]
        bodies = [e["body"] for e in ticket["timeline"] if e["kind"] == "acknowledged"]
        assert bodies and bodies[0].startswith("page acknowledged by "), ticket["timeline"]
    # The second on-call acknowledged Medium's escalation: the support manager was never told.
    medium = played.result.tickets["medium-incident"]
    assert not _to(played, medium, "support-manager")


def test_each_notification_is_told_after_the_event_that_caused_it(played: Played) -> None:
    lines = played.narration.getvalue().splitlines()
    number = played.result.tickets["medium-incident"]
    opened = next(i for i, line in enumerate(lines) if f"ticket {number} opened" in line)
    first_page = next(i for i, line in enumerate(lines) if "-> webhook" in line and number in line)
    assert opened < first_page
