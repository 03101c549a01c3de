"""The public web form over real HTTP: language, questions, CSRF, attachments, rate limit, confirmation."""

from __future__ import annotations

import re

import requests
from sqlalchemy import select

from collector.storage import tables as core
from collector.storage.helpdesk_tables import attachments
from tests.helpdesk.conftest import NUMBER, Rig, ticket_count
from tests.helpdesk.forms import good_fields, open_form, submit


def test_form_is_dutch_by_default_and_english_on_request(rig: Rig) -> None:
    dutch = requests.get(f"{rig.url}/melding").text
    english = requests.get(f"{rig.url}/melding?lang=en").text
    assert '<html lang="nl">' in dutch and "Melding maken" in dutch and 'for="email"' in dutch
    assert '<html lang="en">' in english and "Report an issue" in english
    assert "<main" in dutch and "prioriteit" not in dutch.lower()  # the priority is never promised
    headers = requests.get(f"{rig.url}/melding").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"


def test_submission_creates_ticket_confirmation_page_and_mail(rig: Rig) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    answer = submit(rig.url, good_fields(), files=[("attachments", ("scherm.png", png, "image/png"))])
    assert answer.status_code == 200 and "Melding ontvangen" in answer.text
    number = NUMBER.search(answer.text)
    assert number
    with rig.collector.engine.connect() as conn:
        ticket = conn.execute(select(core.tickets).where(core.tickets.c.number == number.group(0))).one()
        stored = conn.execute(select(attachments.c.filename, attachments.c.size)).all()
    # Plain answers became category, impact and scope; the matrix proposes A.
    assert (ticket.category, ticket.impact, ticket.scope, ticket.priority) == (
        "incident",
        "high",
        "organisation",
        "A",
    )
    assert ticket.source == "web" and ticket.reporter == "jan@acme.example"
    assert stored == [("scherm.png", len(png))]
    mail = rig.deliver(1)[0]
    assert number.group(0) in mail.subject and "jan@acme.example" in mail.recipients


def test_question_needs_no_severity(rig: Rig) -> None:
    answer = submit(rig.url, good_fields(kind="question", severity="", reach=""), lang="en")
    assert answer.status_code == 200 and "Report received" in answer.text


def test_csrf_missing_or_forged_is_refused(rig: Rig) -> None:
    assert submit(rig.url, good_fields(), token="forged").status_code == 403
    bare = requests.post(f"{rig.url}/melding", data=good_fields())
    assert bare.status_code == 403
    assert ticket_count(rig.collector) == 0


def test_bad_input_gets_sentences_and_stores_nothing(rig: Rig) -> None:
    rig.collector.extras["helpdesk_runtime"].form_limiter.limit = 100  # many tries from one address here
    unknown = submit(rig.url, good_fields(email="stranger@example.org"))
    assert unknown.status_code == 422 and "kennen dit e-mailadres niet" in unknown.text
    missing = submit(rig.url, good_fields(severity="", subject=""))
    assert missing.status_code == 422 and 'role="alert"' in missing.text
    assert "Onderwerp: vul dit veld in." in missing.text and "hoeveel last u ervan heeft" in missing.text
    assert 'id="subject" name="subject" aria-invalid="true"' in missing.text  # the field is marked
    english = submit(rig.url, good_fields(kind=""), lang="en")
    assert english.status_code == 422 and "Choose what you would like to report." in english.text
    fake_pdf = submit(
        rig.url, good_fields(), files=[("attachments", ("factuur.pdf", b"MZ\x90\x00", "application/pdf"))]
    )
    assert fake_pdf.status_code == 422 and "factuur.pdf" in fake_pdf.text
    exe = submit(
        rig.url, good_fields(), files=[("attachments", ("tool.exe", b"MZ", "application/octet-stream"))]
    )
    assert exe.status_code == 422
    too_big = b"%PDF-" + b"0" * (5 * 1024 * 1024)
    big = submit(rig.url, good_fields(), files=[("attachments", ("groot.pdf", too_big, "application/pdf"))])
    assert big.status_code == 422 and "groot.pdf" in big.text
    assert ticket_count(rig.collector) == 0


def test_rate_limit_counts_accepted_reports_and_keeps_what_was_typed(rig: Rig) -> None:
    session, token = open_form(rig.url)
    statuses = []
    for _ in range(6):  # typos are not counted against the five reports per window
        answer = session.post(
            f"{rig.url}/melding", data={**good_fields(email="nobody@x.example"), "csrf": token}
        )
        statuses.append(answer.status_code)
        token = re.search(r'name="csrf" value="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    assert statuses == [422] * 6
    accepted = [submit(rig.url, good_fields(subject=f"Storing {n}")).status_code for n in range(5)]
    assert accepted == [200] * 5  # followed to the confirmation page
    refused = submit(rig.url, good_fields(subject="Nog een storing", description="Alles ligt stil."))
    assert refused.status_code == 429
    assert "te veel meldingen" in refused.text
    assert "Nog een storing" in refused.text and "Alles ligt stil." in refused.text
    assert ticket_count(rig.collector) == 5


def test_confirmation_page_needs_the_signed_receipt(rig: Rig) -> None:
    answer = requests.get(f"{rig.url}/melding/ontvangen?r=PS-2026-00001", allow_redirects=False)
    assert answer.status_code == 303
