"""Staff pages over real HTTP: sign-in and lock-out, the queue, ticket work with mails and clocks, phone
intake, the customer page, maintenance by role."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

import requests
from sqlalchemy import select

from collector.storage import tables as core
from tests.helpdesk.conftest import NUMBER, PASSWORD, Rig
from tests.helpdesk.forms import good_fields, submit


def web_ticket(rig: Rig, **fields: str) -> str:
    answer = submit(rig.url, good_fields(**fields))
    found = NUMBER.search(answer.text)
    assert found, answer.text[:300]
    return found.group(0)


def act(rig: Rig, session: requests.Session, number: str, action: str, **fields: str) -> requests.Response:
    csrf = rig.csrf(session, f"/staff/tickets/{number}")
    return session.post(
        f"{rig.url}/staff/tickets/{number}/action", data={"action": action, "csrf": csrf, **fields}
    )


def ticket(rig: Rig, number: str) -> object:
    with rig.collector.engine.connect() as conn:
        return rig.collector.tickets.get(conn, number)


def test_sign_in_wrong_password_and_lockout(rig: Rig) -> None:
    anonymous = requests.get(f"{rig.url}/staff", allow_redirects=False)
    assert anonymous.status_code == 303 and "/staff/login" in anonymous.headers["location"]
    for _ in range(5):
        wrong = requests.post(
            f"{rig.url}/staff/login", data={"username": "eva", "password": "nope-nope-nope"}
        )
        assert wrong.status_code == 401 and "wrong user name or password" in wrong.text
    locked = requests.post(f"{rig.url}/staff/login", data={"username": "eva", "password": PASSWORD})
    assert locked.status_code == 401 and "locked" in locked.text
    rig.clock.advance(timedelta(minutes=16))
    session = rig.staff("eva")
    cookie = next(c for c in session.cookies if c.name == "ps_staff")
    assert cookie.has_nonstandard_attr("HttpOnly") or "httponly" in str(cookie.__dict__).lower()
    assert session.get(f"{rig.url}/staff").status_code == 200


def test_sign_in_attempts_are_rate_limited_per_address(rig: Rig) -> None:
    rig.collector.extras["helpdesk_runtime"].login_limiter.limit = 3
    codes = [
        requests.post(f"{rig.url}/staff/login", data={"username": f"u{i}", "password": "x"}).status_code
        for i in range(4)
    ]
    assert codes == [401, 401, 401, 429]


def test_sign_out_needs_csrf_and_ends_the_session(rig: Rig) -> None:
    session = rig.staff()
    assert session.post(f"{rig.url}/staff/logout", data={"csrf": "forged"}).status_code == 403
    session.post(f"{rig.url}/staff/logout", data={"csrf": rig.csrf(session)})
    assert "/staff/login" in session.get(f"{rig.url}/staff").url


def test_queue_sorted_by_deadline_with_marks_and_filters(rig: Rig) -> None:
    question = web_ticket(rig, kind="question", severity="", reach="")
    urgent = web_ticket(rig)
    session = rig.staff()
    page = session.get(f"{rig.url}/staff").text
    assert page.index(urgent) < page.index(question)  # priority A answers first
    assert '<a href="/staff/customers/acme?lang=nl">Acme BV</a>' in page  # the customer's name, linked
    rig.clock.advance(timedelta(hours=3))  # A premium: response due within the hour -> breached
    page = session.get(f"{rig.url}/staff").text
    assert "SLA geschonden" in page
    only_d = session.get(f"{rig.url}/staff", params={"priority": "D"}).text
    assert question in only_d and urgent not in only_d
    assert urgent not in session.get(f"{rig.url}/staff", params={"customer": "globex"}).text
    act(rig, session, urgent, "assign", username="max")
    assert urgent in session.get(f"{rig.url}/staff", params={"assignee": "max"}).text
    assert urgent not in session.get(f"{rig.url}/staff", params={"assignee": "-"}).text


def test_reply_mails_reporter_and_stops_response_clock_wait_pauses_and_customer_mail_resumes(
    rig: Rig,
) -> None:
    number = web_ticket(rig, severity="blocked", reach="me")
    rig.deliver(1)
    session = rig.staff()
    assert act(rig, session, number, "respond", body="We kijken ernaar.").status_code == 200
    assert ticket(rig, number).first_response_at == rig.clock.now()  # type: ignore[attr-defined]
    reply = rig.deliver(2)[-1]
    assert (
        number in reply.subject
        and "We kijken ernaar." in reply.text
        and "jan@acme.example" in reply.recipients
    )
    due_before = ticket(rig, number).resolution_due  # type: ignore[attr-defined]
    act(rig, session, number, "wait", body="Welke versie gebruikt u?")
    waiting = ticket(rig, number)
    assert waiting.state == "waiting_for_customer" and waiting.resolution_due is None  # type: ignore[attr-defined]
    rig.clock.advance(timedelta(hours=2))
    from collector.helpdesk.mail.intake import handle_message

    raw = (
        f"From: jan@acme.example\r\nTo: support@erpm.example\r\nSubject: Re: [{number}]\r\n\r\nVersie 17.\r\n"
    )
    outcome = handle_message(rig.collector, raw.encode(), "jan@acme.example")
    assert outcome.action == "reply"
    resumed = ticket(rig, number)
    assert resumed.state == "in_progress"  # type: ignore[attr-defined]
    assert resumed.resolution_due > due_before  # type: ignore[attr-defined]  # the paused time is added
    page = session.get(f"{rig.url}/staff/tickets/{number}").text
    assert "reactie klant" in page and "Versie 17." in page and "bezorging" in page


def test_assess_note_resolve_close_reopen_agreed_and_ack(rig: Rig) -> None:
    number = web_ticket(rig, kind="change", severity="", reach="")
    session = rig.staff()
    refused = act(
        rig, session, number, "assess", category="incident", impact="low", scope="one-user", priority="A"
    )
    assert "needs a reason" in unquote(refused.url)
    act(
        rig,
        session,
        number,
        "assess",
        category="incident",
        impact="low",
        scope="one-user",
        priority="B",
        reason="CEO",
    )
    row = ticket(rig, number)
    assert (row.priority, row.proposed_priority, row.priority_reason) == ("B", "D", "CEO")  # type: ignore[attr-defined]
    act(rig, session, number, "note", body="intern")
    act(rig, session, number, "agreed", at="2026-12-04T17:00")
    assert ticket(rig, number).agreed_resolution_at is not None  # type: ignore[attr-defined]
    act(rig, session, number, "ack")
    act(rig, session, number, "resolve", body="Opgelost door herstart.", share="1")
    assert ticket(rig, number).state == "resolved"  # type: ignore[attr-defined]
    assert any("Opgelost door herstart." in m.text for m in rig.deliver(2))
    act(rig, session, number, "close")
    act(rig, session, number, "reopen", body="Komt terug")
    assert ticket(rig, number).state == "in_progress"  # type: ignore[attr-defined]
    page = session.get(f"{rig.url}/staff/tickets/{number}").text
    for kind in ("beoordeeld", "notitie", "afgesproken datum", "bevestigd", "oplossing"):
        assert f"<strong>{kind}</strong>" in page


def test_phone_intake_creates_ticket_and_confirmation(rig: Rig) -> None:
    session = rig.staff()
    with rig.collector.engine.connect() as conn:
        hank = conn.execute(
            select(core.contacts.c.id).where(core.contacts.c.email == "hank@globex.example")
        ).scalar()
    csrf = rig.csrf(session, "/staff/phone")
    answer = session.post(
        f"{rig.url}/staff/phone",
        data={"csrf": csrf, "contact": str(hank), "subject": "Printer", "description": "Called at 12:00",
              "category": "incident", "impact": "medium", "scope": "one-user"},
    )  # fmt: skip
    number = NUMBER.search(answer.url)
    assert answer.status_code == 200 and number
    assert ticket(rig, number.group(0)).source == "phone"  # type: ignore[attr-defined]
    mail = rig.deliver(1)[0]
    assert (
        number.group(0) in mail.subject
        and "hank@globex.example" in mail.recipients
        and "received" in mail.subject
    )
    bad = session.post(
        f"{rig.url}/staff/phone", data={"csrf": csrf, "contact": "x", "subject": "s", "category": "question"}
    )
    assert bad.status_code == 422 and "contact" in bad.text


def test_customer_page_and_maintenance_by_role(rig: Rig) -> None:
    web_ticket(rig)
    engineer, manager = rig.staff("eva"), rig.staff("max")
    page = engineer.get(f"{rig.url}/staff/customers/acme").text
    assert "Acme BV" in page and "prod" in page and "Niemand kan inloggen" in page and "small" in page
    assert engineer.get(f"{rig.url}/staff/customers/nope").status_code == 404
    window = {"customer": "acme", "start": "2026-11-28T22:00", "end": "2026-11-29T02:00", "reason": "upgrade"}
    refused = engineer.post(f"{rig.url}/staff/maintenance", data={**window, "csrf": rig.csrf(engineer)})
    assert refused.status_code == 403
    done = manager.post(f"{rig.url}/staff/maintenance", data={**window, "csrf": rig.csrf(manager)})
    assert done.status_code == 200 and "upgrade" in done.text
    english = manager.get(f"{rig.url}/staff").text
    assert '<html lang="en">' in english and "Queue" in english


def test_reports_behind_sign_in(rig: Rig) -> None:
    web_ticket(rig)
    session = rig.staff()
    form = session.get(f"{rig.url}/staff/reports")
    assert form.status_code == 200 and 'name="period" value="2026-10"' in form.text
    report = session.get(f"{rig.url}/staff/reports", params={"customer": "acme", "period": "2026-11"})
    assert report.status_code == 200 and "Acme BV" in report.text
    csv = session.get(f"{rig.url}/staff/reports", params={"period": "2026-11", "format": "csv"})
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    assert session.get(f"{rig.url}/staff/reports", params={"period": "november"}).status_code == 400
    assert requests.get(f"{rig.url}/staff/reports?period=2026-11", allow_redirects=False).status_code == 303
