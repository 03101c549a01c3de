"""Customer mail is marked as automatic (RFC 3834), so no intake or auto-responder answers it, and the
confirmation and reply subjects carry the ticket number in brackets, which the mail intake recognises."""

from __future__ import annotations

from sqlalchemy import Engine

from alerts.model import NotificationRequest
from prioritysupport.clock import FixedClock
from tests.alerts.helpers import book, enqueue, setup
from tests.alerts.receivers import MailCatcher, WebhookReceiver


def test_mail_is_auto_submitted_and_subjects_carry_the_number(
    sqlite_only: Engine, clock: FixedClock, receiver: WebhookReceiver, mail: MailCatcher
) -> None:
    box, worker = setup(sqlite_only, clock, book(receiver, mail))
    for kind, language in (("ticket_confirmation", "nl"), ("staff_reply", "en")):
        enqueue(
            box,
            NotificationRequest(
                kind=kind,
                recipients=("mailto:jan@acme.test",),
                subject_ref="PS-2026-00042",
                language=language,
                values={"contact": "Jan", "reply": "We are on it."},
            ),
        )
    assert worker.run_once() == 2
    assert mail.wait_for(2)
    assert sorted(str(m["Subject"]) for m in mail.messages) == [
        "Reply to your request [PS-2026-00042]",
        "Uw melding is ontvangen: [PS-2026-00042]",
    ]
    assert [m["Auto-Submitted"] for m in mail.messages] == ["auto-generated", "auto-generated"]
