"""Mail intake through a real SMTP listener (aiosmtpd) fed by smtplib."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from collector.helpdesk.mail.intake import MailIntake
from tests.helpdesk.conftest import NUMBER, Rig, ticket_count
from tests.support.components import free_port


@pytest.fixture
def intake(rig: Rig) -> Iterator[MailIntake]:
    server = MailIntake(rig.collector, "127.0.0.1", free_port()).start()
    yield server
    server.stop()


def send(server: MailIntake, sender: str, subject: str, body: str = "Hallo", **headers: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "support@erpm.example", subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as smtp:
        smtp.send_message(message, from_addr=headers.get("envelope", sender))


def test_mail_opens_ticket_and_confirms_then_reply_joins_it(rig: Rig, intake: MailIntake) -> None:
    send(intake, "Jan de Vries <jan@acme.example>", "Export werkt niet", "Zie bijlage niet.")
    assert intake.outcomes[-1].action == "ticket"
    number = intake.outcomes[-1].number
    assert number and NUMBER.fullmatch(number)
    confirmation = rig.deliver(1)[0]
    assert number in confirmation.subject and "jan@acme.example" in confirmation.recipients
    send(intake, "jan@acme.example", f"RE: Uw melding is ontvangen: [{number}]", "Nog een detail")
    assert intake.outcomes[-1].action == "reply" and intake.outcomes[-1].number == number
    assert ticket_count(rig.collector) == 1


def test_reply_to_another_customers_number_opens_own_ticket(rig: Rig, intake: MailIntake) -> None:
    send(intake, "jan@acme.example", "first")
    acme_number = intake.outcomes[-1].number
    send(intake, "hank@globex.example", f"Re: [{acme_number}]", "sneaky")
    assert intake.outcomes[-1].action == "ticket" and intake.outcomes[-1].number != acme_number


def test_unknown_sender_is_refused_in_the_smtp_dialogue(rig: Rig, intake: MailIntake) -> None:
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(intake, "stranger@example.org", "hello")
    assert refused.value.smtp_code == 550
    assert ticket_count(rig.collector) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"X_Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
    ],
)
def test_auto_replies_never_open_tickets(rig: Rig, intake: MailIntake, headers: dict[str, str]) -> None:
    send(intake, "jan@acme.example", "Out of office", **headers)
    assert intake.outcomes[-1].action == "dropped"
    assert ticket_count(rig.collector) == 0


def test_bounces_never_open_tickets_or_send_mail(rig: Rig, intake: MailIntake) -> None:
    report = EmailMessage()
    report["From"], report["To"], report["Subject"] = (
        "MAILER-DAEMON@acme.example",
        "support@erpm.example",
        "Undelivered",
    )
    report.set_content("delivery failed")
    report.make_mixed()
    report.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    with smtplib.SMTP("127.0.0.1", intake.port, timeout=10) as smtp:
        smtp.send_message(report, from_addr="")
        smtp.send_message(report, from_addr="jan@acme.example")
    send(intake, "mailer-daemon@acme.example", "Delivery Status Notification")
    assert [o.action for o in intake.outcomes] == ["dropped", "dropped", "dropped"]
    assert ticket_count(rig.collector) == 0
    rig.worker.run_once()
    assert rig.mails.snapshot() == []


def test_the_same_mail_again_joins_the_first_ticket_without_a_second_confirmation(
    rig: Rig, intake: MailIntake
) -> None:
    send(intake, "jan@acme.example", "Automatisch antwoord: storing", "Ik ben afwezig")
    send(intake, "jan@acme.example", "Automatisch antwoord:  storing", "Ik ben afwezig")
    assert [o.action for o in intake.outcomes] == ["ticket", "reply"]
    assert ticket_count(rig.collector) == 1
    assert len(rig.deliver(1)) == 1
