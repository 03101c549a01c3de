"""Mail intake: an SMTP listener (aiosmtpd) that turns a contact's mail into a ticket or a reply.

The listener answers in the SMTP dialogue: an unknown sender is refused there (550), so the sending
server, not us, tells the sender; we never send mail back to a machine. Automatic mail (auto-replies,
bounces, lists) is accepted and dropped, which is what stops loops.
"""

from __future__ import annotations

import email
import email.policy
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Connection, Row, select

from collector.helpdesk import attachments as files
from collector.helpdesk import intake
from collector.helpdesk.mail.classify import (
    attachments_of,
    automatic_reason,
    plain_text,
    sender_address,
    sender_verified,
    structure_problem,
    ticket_number,
)
from collector.service import Collector
from collector.storage import tables as core
from collector.storage.after_commit import transaction

log = logging.getLogger("prioritysupport.helpdesk.mail")
MAX_MESSAGE_BYTES = 20 * 1024 * 1024
REPEAT_WINDOW = timedelta(minutes=30)
UNVERIFIED_PREFIX = "[unverified sender] "


@dataclass(frozen=True)
class Outcome:
    smtp_reply: str
    action: str  # ticket, reply, review (sender not verified), dropped, refused
    number: str | None = None


def handle_message(
    collector: Collector, raw: bytes, envelope_sender: str, *, max_attachment_bytes: int = 5 * 1024 * 1024
) -> Outcome:
    """Everything the listener does with one accepted message, without the network (tests call it too)."""
    problem = structure_problem(raw)
    if problem is None:
        try:
            return _handle(collector, raw, envelope_sender, max_attachment_bytes)
        except RecursionError:  # nested beyond what the parser can walk: the same mail fails every time
            problem = "MIME structure nested too deeply"
    log.warning("mail refused for good: %s", problem)
    return Outcome(f"554 5.6.0 message refused: {problem}; send a simpler message", "refused")


def _handle(collector: Collector, raw: bytes, envelope_sender: str, max_attachment_bytes: int) -> Outcome:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    reason = automatic_reason(message, envelope_sender)
    if reason is not None:
        log.info("automatic mail dropped (%s)", reason)
        return Outcome("250 OK: automatic message, not processed", "dropped")
    sender = sender_address(message, envelope_sender)
    subject = str(message.get("Subject", "")).strip()
    body = plain_text(message)
    number = ticket_number(subject)
    verified, why = sender_verified(message, envelope_sender)
    with transaction(collector.engine) as conn:
        contact = intake.find_contact(conn, sender)
        if contact is None:
            return Outcome(
                "550 5.7.1 sender is not a registered contact; use your registered address", "refused"
            )
        if not verified:
            return _unverified(collector, conn, contact, subject, body, envelope_sender, why)
        if number is not None:
            ticket = conn.execute(
                select(core.tickets).where(
                    (core.tickets.c.number == number) & (core.tickets.c.customer_id == contact.customer_id)
                )
            ).first()
            if ticket is not None and ticket.state != "closed":
                intake.customer_reply(collector, conn, ticket, contact.email, body, via="mail")
                return Outcome(f"250 OK: added to {number}", "reply", number)
        repeat = recent_same_mail(conn, contact.email, subject, collector.clock.now())
        if repeat is not None:  # a resend or a header-less auto-reply: one ticket, no second confirmation
            intake.customer_reply(collector, conn, repeat, contact.email, body, via="mail")
            return Outcome(f"250 OK: added to {repeat.number}", "reply", repeat.number)
        checked, note = files.for_mail(attachments_of(message), max_attachment_bytes)
        body = body[: intake.MAX_DESCRIPTION - len(note)] + note  # the note names every file left out
        try:
            opened = intake.open_ticket(
                collector,
                conn,
                contact,
                intake.Request(
                    subject=subject[: intake.MAX_SUBJECT] or "(no subject)",
                    description=body,
                    category="question",  # staff assess the category (policy step 2)
                    impact=None,
                    scope=None,
                    source="mail",
                    actor=f"mail:{contact.email}",
                    attachments=tuple(checked),
                ),
            )
        except intake.IntakeError as exc:
            return Outcome(f"550 5.6.0 {exc}", "refused")
    return Outcome(f"250 OK: registered as {opened.number}", "ticket", opened.number)


def _unverified(
    collector: Collector,
    conn: Connection,
    contact: intake.Contact,
    subject: str,
    body: str,
    envelope_sender: str,
    why: str,
) -> Outcome:
    """From: names a contact but nothing shows they sent it: a new ticket for staff to review, joined to
    nothing, and no mail to anyone outside (the named contact may be the victim of a forgery)."""
    log.warning("mail from %s not verified (%s): new ticket for staff review", contact.email, why)
    note = (
        f"[staff review: the sender could not be verified ({why}). From: {contact.email}, "
        f"envelope sender: {envelope_sender or '<>'}. Not joined to any ticket; nobody was mailed.]"
    )
    opened = intake.open_ticket(
        collector,
        conn,
        contact,
        intake.Request(
            subject=(UNVERIFIED_PREFIX + subject)[: intake.MAX_SUBJECT],
            description=f"{note}\n\n{body}",
            category="question",
            impact=None,
            scope=None,
            source="mail",
            actor=f"mail-unverified:{contact.email}",
            reporter_verified=False,
        ),
    )
    return Outcome(f"250 OK: registered as {opened.number} for review", "review", opened.number)


def recent_same_mail(conn: Connection, sender: str, subject: str, now: datetime) -> Row[Any] | None:
    """An open ticket this sender opened by mail with the same subject in the last REPEAT_WINDOW."""
    return conn.execute(
        select(core.tickets)
        .where(
            (core.tickets.c.source == "mail")
            & (core.tickets.c.reporter == sender)
            & (core.tickets.c.subject == (" ".join(subject.split())[: intake.MAX_SUBJECT] or "(no subject)"))
            & (core.tickets.c.registered_at >= now - REPEAT_WINDOW)
            & core.tickets.c.state.notin_(("resolved", "closed"))
        )
        .order_by(core.tickets.c.id.desc())
    ).first()


class MailIntake:
    """The SMTP listener. Binds to the configured host and port; `stop()` closes it."""

    def __init__(
        self, collector: Collector, host: str, port: int, max_attachment_bytes: int = 5 * 1024 * 1024
    ) -> None:
        self.collector = collector
        self.host = host
        self.port = port
        self.max_attachment_bytes = max_attachment_bytes
        self.outcomes: list[Outcome] = []
        self._controller: Any = None

    def start(self) -> MailIntake:
        import asyncio

        from aiosmtpd.controller import Controller

        intake_server = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                raw = envelope.original_content or envelope.content
                sender = envelope.mail_from or ""
                try:
                    # The database work blocks: run it off the event loop.
                    outcome = await asyncio.to_thread(
                        handle_message,
                        intake_server.collector,
                        raw,
                        sender,
                        max_attachment_bytes=intake_server.max_attachment_bytes,
                    )
                except Exception as exc:  # keep the mail with the sender's server: it retries on 4xx
                    log.error("mail intake failed: %s", exc)
                    return "451 4.3.0 temporary failure, try again later"
                intake_server.outcomes.append(outcome)
                return outcome.smtp_reply

        self._controller = Controller(
            Handler(), hostname=self.host, port=self.port, data_size_limit=MAX_MESSAGE_BYTES
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
