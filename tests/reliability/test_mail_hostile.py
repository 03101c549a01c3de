"""Hostile mail at the SMTP intake: forged senders never join a ticket nor cause mail to outsiders,
and a message that can never be processed is refused for good (5xx), not deferred (4xx)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from collector.helpdesk.mail.intake import MailIntake
from collector.storage import tables as core
from tests.helpdesk.conftest import Rig, rig, ticket_count  # noqa: F401
from tests.reliability.figures import record
from tests.support.components import free_port

MTA = "mx.erpm.example"


@pytest.fixture
def intake(rig: Rig) -> Iterator[MailIntake]:  # noqa: F811
    server = MailIntake(rig.collector, "127.0.0.1", free_port()).start()
    yield server
    server.stop()


def _send(server: MailIntake, subject: str, envelope: str, *auth_results: str) -> None:
    message = EmailMessage()
    for value in auth_results:  # the first is the topmost, as the MTA prepends its own
        message["Authentication-Results"] = value
    message["From"], message["To"], message["Subject"] = "jan@acme.example", "support@erpm.example", subject
    message.set_content("text of the mail")
    with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as smtp:
        smtp.send_message(message, from_addr=envelope)


def _replies(rig: Rig, number: str) -> int:  # noqa: F811
    with rig.collector.engine.connect() as conn:
        ticket = conn.execute(select(core.tickets.c.id).where(core.tickets.c.number == number)).scalar_one()
        rows = conn.execute(
            select(core.ticket_events.c.id).where(
                (core.ticket_events.c.ticket_id == ticket) & (core.ticket_events.c.kind == "customer_reply")
            )
        )
        return len(rows.all())


def _mails_to_jan(rig: Rig) -> int:  # noqa: F811
    for _ in range(5):
        rig.worker.run_once()
    return len(rig.mails_to("jan@acme.example"))


FORGED = [
    ("no Authentication-Results, envelope is not From", "attacker@evil.example", ()),
    (
        "the MTA says SPF and DMARC fail",
        "jan@acme.example",
        (f"{MTA}; spf=fail smtp.mailfrom=acme.example; dkim=none; dmarc=fail header.from=acme.example",),
    ),
    (
        "DKIM passes for another domain",
        "attacker@evil.example",
        (f"{MTA}; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=evil.example",),
    ),
    (
        "a pass written by the sender below the MTA's verdict",
        "attacker@evil.example",
        (f"{MTA}; spf=fail smtp.mailfrom=evil.example", f"{MTA}; dmarc=pass header.from=acme.example"),
    ),
]


def test_forged_replies_open_a_review_ticket_and_mail_nobody(rig: Rig, intake: MailIntake) -> None:  # noqa: F811
    _send(intake, "Export werkt niet", "jan@acme.example")
    number = intake.outcomes[-1].number
    assert intake.outcomes[-1].action == "ticket" and number
    assert _mails_to_jan(rig) == 1  # the genuine mail is confirmed
    outcomes = []
    for _name, envelope, auth in FORGED:
        _send(intake, f"RE: [{number}] please refund to IBAN NL00EVIL0123456789", envelope, *auth)
        outcomes.append(intake.outcomes[-1])
    assert [o.action for o in outcomes] == ["review"] * len(FORGED)
    assert all(o.number and o.number != number for o in outcomes)
    assert _replies(rig, number) == 0
    assert _mails_to_jan(rig) == 1  # nothing more to the contact named in From:
    with rig.collector.engine.connect() as conn:
        subjects = conn.execute(select(core.tickets.c.subject, core.tickets.c.reporter)).all()
    flagged = [row for row in subjects if row.subject.startswith("[unverified sender]")]
    assert len(flagged) == len(FORGED) and all(row.reporter is None for row in flagged)
    # Verified by the MTA (DKIM aligned), from a bounce address: the reply joins the ticket.
    _send(
        intake,
        f"RE: [{number}] nog een detail",
        "bounce-7@mailer.acme.example",
        f"{MTA}; dkim=pass header.d=acme.example",
    )
    assert intake.outcomes[-1].action == "reply" and _replies(rig, number) == 1
    record("smtp_forged_senders", attempts=len(FORGED), joined_a_ticket=0, mailed_outside=0)


def _nested(depth: int) -> bytes:
    inner = "Content-Type: text/plain\r\n\r\nhello\r\n"
    for level in range(depth):
        boundary = f"b{level}"
        inner = (
            f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
            f"--{boundary}\r\n{inner}\r\n--{boundary}--\r\n"
        )
    head = "From: jan@acme.example\r\nTo: support@erpm.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    return (head + inner).encode()


def test_deeply_nested_mime_is_refused_for_good(rig: Rig, intake: MailIntake) -> None:  # noqa: F811
    codes = []
    for depth in (3000, 150, 199):
        with smtplib.SMTP("127.0.0.1", intake.port, timeout=60) as smtp:
            try:
                smtp.sendmail("jan@acme.example", ["support@erpm.example"], _nested(depth))
                codes.append(250)
            except smtplib.SMTPDataError as refused:
                codes.append(refused.smtp_code)
    assert codes[0] in (550, 554)  # never 451: the sender's server would retry for days
    assert codes[1:] == [250, 250]  # deep but within the bound: processed
    assert ticket_count(rig.collector) == 1  # the 150 and 199 deep ones are one ticket (same subject)
    record("smtp_nested_mime", depth=3000, smtp_code=codes[0])
