"""Pure pieces: passwords, mail classification, the queue's SLA view, questions and attachments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from types import SimpleNamespace

import pytest

from collector.helpdesk.attachments import AttachmentError, check_file
from collector.helpdesk.mail.classify import automatic_reason, ticket_number
from collector.helpdesk.public.questions import AnswerError, classify
from collector.helpdesk.staff.passwords import WeakPassword, hash_password, verify_password
from collector.helpdesk.staff.queue import human, sla_view

NOW = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)


def test_passwords_are_salted_scrypt_and_checked() -> None:
    first, second = hash_password("long enough secret"), hash_password("long enough secret")
    assert first != second and first.startswith("scrypt$")
    assert verify_password("long enough secret", first) and not verify_password("wrong secret!", first)
    assert not verify_password("x", "garbage")
    with pytest.raises(WeakPassword):
        hash_password("short")


def test_ticket_number_in_subject() -> None:
    assert ticket_number("Re: Uw melding is ontvangen: [PS-2026-00042]") == "PS-2026-00042"
    assert ticket_number("re: reply to your request ps-2026-00042") == "PS-2026-00042"
    assert ticket_number("PS-26-1") is None


def mail(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "jan@acme.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("x")
    return message


def test_automatic_mail_is_recognised() -> None:
    assert automatic_reason(mail(), "jan@acme.example") is None
    assert automatic_reason(mail(Auto_Submitted="no"), "jan@acme.example") is None
    assert automatic_reason(mail(Auto_Submitted="auto-generated"), "jan@acme.example")
    assert automatic_reason(mail(List_Id="<x.example>"), "jan@acme.example")
    assert automatic_reason(mail(), "")  # null sender: a bounce
    assert automatic_reason(mail(From="MAILER-DAEMON@acme.example"), "x@acme.example")


def test_sla_view_marks() -> None:
    row = SimpleNamespace(
        state="new", first_response_at=None, response_due=NOW + timedelta(minutes=10), resolution_due=None,
        agreed_resolution_at=None, response_breached=False, resolution_breached=False, prebreach_at=NOW,
    )  # fmt: skip
    view = sla_view(row, NOW)
    assert view.which == "response" and view.prebreach and not view.breached
    late = sla_view(row, NOW + timedelta(minutes=11))
    assert late.breached and human(late.remaining) == "1m"
    row.state = "waiting_for_customer"
    row.first_response_at = NOW
    assert sla_view(row, NOW).remaining is None  # paused: no countdown


def test_questions_map_to_the_matrix_inputs() -> None:
    assert classify("broken", "blocked", "everyone").scope == "organisation"
    assert classify("change", None, None).category == "change"
    with pytest.raises(AnswerError) as missing:
        classify("broken", "blocked", None)
    assert missing.value.field == "reach"


def test_attachment_types_are_checked_by_content() -> None:
    assert check_file("a.PDF", b"%PDF-1.7", 100).content_type == "application/pdf"
    assert check_file("../../etc/log.txt", b"hello", 100).filename == "log.txt"
    for name, data in (("a.png", b"not png"), ("a.txt", b"\xff\xfe"), ("a.exe", b"MZ"), ("a.txt", b"")):
        with pytest.raises(AttachmentError):
            check_file(name, data, 100)
    with pytest.raises(AttachmentError):
        check_file("a.txt", b"x" * 101, 100)
