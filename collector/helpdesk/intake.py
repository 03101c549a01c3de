"""Opening tickets from the helpdesk channels (web, mail, phone, API): one path, so every channel
gets the same number, deadlines and confirmation mail (the router's ticket-confirmation rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, func, select

from collector.helpdesk import attachments as files
from collector.helpdesk.i18n import confirmation_summary, local_time
from collector.policy.triage import parse_category, parse_impact, parse_scope, priority_for
from collector.service import Collector
from collector.storage import tables as core
from collector.tickets.opening import TicketOpened, TicketRequest, TicketTerms, UnknownInstance

MAX_SUBJECT = 300
MAX_DESCRIPTION = 20_000


class IntakeError(ValueError):
    """The request cannot become a ticket; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Contact:
    customer_id: int
    customer_key: str
    name: str
    email: str
    language: str


@dataclass(frozen=True)
class Request:
    subject: str
    description: str
    category: str
    impact: str | None
    scope: str | None
    source: str
    actor: str
    attachments: tuple[files.CheckedFile, ...] = ()
    instance: str | None = None
    # False: the contact may not have sent it (unverified mail); no reporter, so nobody outside is mailed.
    reporter_verified: bool = True


def find_contact(conn: Connection, email: str, customer_id: int | None = None) -> Contact | None:
    """The contact with this address (case-insensitive); the first registered one when it is ambiguous."""
    query = (
        select(core.contacts, core.customers.c.key)
        .join(core.customers, core.customers.c.id == core.contacts.c.customer_id)
        .where(func.lower(core.contacts.c.email) == email.strip().lower())
    )
    if customer_id is not None:
        query = query.where(core.contacts.c.customer_id == customer_id)
    row = conn.execute(query.order_by(core.contacts.c.id)).first()
    if row is None:
        return None
    return Contact(row.customer_id, row.key, row.name, row.email, row.language or "nl")


def check_text(subject: str, description: str) -> tuple[str, str]:
    subject = " ".join(subject.split())
    if not subject:
        raise IntakeError("subject", "the subject is empty; say in a few words what it is about")
    if len(subject) > MAX_SUBJECT:
        raise IntakeError("subject", f"the subject is longer than {MAX_SUBJECT} characters; shorten it")
    if len(description) > MAX_DESCRIPTION:
        raise IntakeError("description", f"the description is longer than {MAX_DESCRIPTION} characters")
    if "\x00" in subject or "\x00" in description:
        raise IntakeError("description", "the text contains a NUL character; remove it")
    return subject, description.strip()


def classify(category: str, impact: str | None, scope: str | None) -> tuple[str, str | None, str | None]:
    """Validate with the policy's parsers (Dutch aliases accepted); incidents need impact and scope."""
    try:
        parsed = parse_category(category)
        parsed_impact = parse_impact(impact) if impact else None
        parsed_scope = parse_scope(scope) if scope else None
        priority_for(parsed, parsed_impact, parsed_scope)
    except ValueError as exc:
        field = "category" if "categor" in str(exc) else "impact" if "impact" in str(exc) else "scope"
        raise IntakeError(field, str(exc)) from None
    return (
        parsed.value,
        parsed_impact.value if parsed_impact else None,
        parsed_scope.value if parsed_scope else None,
    )


def open_ticket(collector: Collector, conn: Connection, contact: Contact, request: Request) -> TicketOpened:
    """Create the ticket in the caller's transaction; the confirmation is queued in the same transaction."""
    subject, description = check_text(request.subject, request.description)
    category, impact, scope = classify(request.category, request.impact, request.scope)
    language = contact.language if contact.language in ("nl", "en") else "nl"

    def confirmation(terms: TicketTerms) -> dict[str, Any]:
        return {
            "contact": contact.name,
            "category": category,
            "summary": confirmation_summary(language, category, terms.priority.value),
            "response_due": local_time(terms.deadlines.response_due, language),
        }

    try:
        opened = collector.tickets.open(
            conn,
            TicketRequest(
                customer_id=contact.customer_id,
                subject=subject,
                category=category,
                source=request.source,
                impact=impact,
                scope=scope,
                description=description,
                reporter=contact.email if request.reporter_verified else None,
                language=language,
                instance_name=request.instance or None,
                actor=request.actor,
            ),
            notices=confirmation,
        )
    except UnknownInstance as exc:
        raise IntakeError("instance", f"instance {exc.name!r} is not one of yours") from None
    if request.attachments:
        files.store(conn, opened.ticket_id, list(request.attachments), collector.clock.now())
    return opened


def customer_reply(
    collector: Collector, conn: Connection, ticket: Row[Any], author: str, body: str, via: str
) -> None:
    """A message from the customer on an existing ticket: on the timeline; a waiting ticket runs again.

    A reply on a resolved ticket does not reopen it: staff read it and decide.
    """
    collector.tickets.event(
        conn, ticket.id, "customer_reply", body[:MAX_DESCRIPTION], actor=author, data={"via": via}
    )
    if ticket.state == "waiting_for_customer":
        collector.tickets.resume(conn, ticket.number, actor=author, body="customer replied")
