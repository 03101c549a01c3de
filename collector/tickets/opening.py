"""Opening a ticket: the one path every intake takes (web form, mail, phone, client and management API,
monitoring, Alertmanager, version notices).

It decides each of these once: whether the customer is premium (the contract in force), which instance the
ticket is about (by id, or by the customer's name for it), the priority (the triage matrix) and the
deadlines (the injected policy). Then it writes the ticket with its first timeline event and tells the
router, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from collector.contracts.book import contract_in_force
from collector.contracts.lookup import instance_named
from collector.policy.policy import Policy
from collector.policy.sla import Deadlines, compute_deadlines, prebreach_at
from collector.policy.triage import (
    Category,
    Impact,
    Priority,
    Scope,
    parse_category,
    parse_impact,
    parse_scope,
    priority_for,
)
from collector.storage import tables as t
from collector.tickets.numbers import next_number
from prioritysupport.clock import Clock

SOURCES = ("monitoring", "alertmanager", "web", "mail", "phone", "api", "limits", "versions")
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
MAX_SUBJECT = 300


class OpeningError(ValueError):
    """The request cannot become a ticket; the message says why and what to do."""


class UnknownInstance(OpeningError):
    """The request names an instance the customer does not have."""

    def __init__(self, name: str) -> None:
        super().__init__(f"instance {name!r} is not one of the customer's instances; check its name")
        self.name = name


@dataclass(frozen=True)
class TicketRequest:
    """What an intake knows about a new ticket; the opening service decides the rest."""

    customer_id: int
    subject: str
    category: str
    source: str
    impact: str | None = None
    scope: str | None = None
    description: str = ""
    reporter: str | None = None
    language: str = "nl"
    instance_id: int | None = None
    # The customer's name for the instance, when the intake has no id (web form, API, alert labels).
    instance_name: str | None = None
    # False: a name that matches none of the customer's instances opens the ticket without one (alerts).
    instance_required: bool = True
    external_key: str | None = None
    actor: str = "system"
    # When the problem was observed, if earlier than now (a report delivered after an outage).
    registered_at: datetime | None = None
    # Extra template values for the notifications the new ticket causes (helpdesk: contact name, summary).
    notify_values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TicketTerms:
    """What the opening decided: the same for every intake."""

    registered_at: datetime
    premium: bool
    instance_id: int | None
    category: Category
    impact: Impact | None
    scope: Scope | None
    priority: Priority
    deadlines: Deadlines
    prebreach_at: datetime


@dataclass(frozen=True)
class TicketOpened:
    """Told to the router after a ticket is created (same transaction)."""

    ticket_id: int
    number: str
    customer_id: int
    category: str
    priority: str
    premium: bool
    source: str
    subject: str
    language: str
    reporter: str | None
    values: dict[str, Any] = field(default_factory=dict)


OnOpened = Callable[[Connection, TicketOpened], None]
# Notification values that depend on the decided terms (the confirmation names priority and deadline).
NoticeValues = Callable[[TicketTerms], Mapping[str, Any]]
# (conn, ticket id, kind, body, actor, data): the ticket service's timeline writer.
RecordEvent = Callable[..., None]


class TicketOpening:
    def __init__(
        self, clock: Clock, policy: Policy, record_event: RecordEvent, *, on_opened: OnOpened | None = None
    ) -> None:
        self.clock = clock
        self.policy = policy
        self._record_event = record_event
        self._on_opened = on_opened

    def terms(self, conn: Connection, request: TicketRequest) -> TicketTerms:
        """Premium, instance, priority and deadlines of the ticket this request would open."""
        now = self.clock.now()
        registered = min(request.registered_at, now) if request.registered_at else now
        if request.source not in SOURCES:
            raise OpeningError(f"source must be one of {', '.join(SOURCES)}, got {request.source!r}")
        category = parse_category(request.category)
        impact = parse_impact(request.impact) if request.impact else None
        scope = parse_scope(request.scope) if request.scope else None
        priority = priority_for(category, impact, scope)
        contract = contract_in_force(conn, request.customer_id, now.date())
        premium = bool(contract and contract.premium)
        sla = self.policy.sla
        return TicketTerms(
            registered_at=registered,
            premium=premium,
            instance_id=self._instance(conn, request),
            category=category,
            impact=impact,
            scope=scope,
            priority=priority,
            deadlines=compute_deadlines(priority, category, premium, registered, policy=sla),
            prebreach_at=prebreach_at(priority, category, premium, registered, policy=sla),
        )

    def open(
        self, conn: Connection, request: TicketRequest, *, notices: NoticeValues | None = None
    ) -> TicketOpened:
        """Create the ticket in the caller's transaction; the router hears of it in the same transaction."""
        terms = self.terms(conn, request)
        opened = self._insert(conn, request, terms, {**(notices(terms) if notices else {})})
        if self._on_opened is not None:
            self._on_opened(conn, opened)
        return opened

    def _instance(self, conn: Connection, request: TicketRequest) -> int | None:
        if request.instance_id is not None or not request.instance_name:
            return request.instance_id
        found = instance_named(conn, request.customer_id, request.instance_name)
        if found is None and request.instance_required:
            raise UnknownInstance(request.instance_name)
        return found

    def _insert(
        self, conn: Connection, request: TicketRequest, terms: TicketTerms, extra: Mapping[str, Any]
    ) -> TicketOpened:
        now = terms.registered_at
        subject = request.subject.strip()[:MAX_SUBJECT] or "(no subject)"
        number = next_number(conn, now.astimezone(LOCAL_ZONE).year)
        deadlines, priority, category = terms.deadlines, terms.priority.value, terms.category.value
        ticket_id = conn.execute(
            t.tickets.insert()
            .values(
                number=number,
                customer_id=request.customer_id,
                instance_id=terms.instance_id,
                source=request.source,
                external_key=request.external_key,
                subject=subject,
                description=request.description,
                reporter=request.reporter,
                language=request.language,
                category=category,
                impact=terms.impact.value if terms.impact else None,
                scope=terms.scope.value if terms.scope else None,
                proposed_priority=priority,
                priority=priority,
                state="new",
                premium=terms.premium,
                registered_at=now,
                response_due=deadlines.response_due,
                resolution_due=deadlines.resolution_due,
                prebreach_at=terms.prebreach_at,
                updated_at=now,
            )
            .returning(t.tickets.c.id)
        ).scalar_one()
        self._record_event(
            conn,
            ticket_id,
            "created",
            f"{category} registered via {request.source}, priority {priority}",
            actor=request.actor,
            data={"priority": priority, "response_due": deadlines.response_due.isoformat()},
        )
        return TicketOpened(
            ticket_id=int(ticket_id),
            number=number,
            customer_id=request.customer_id,
            category=category,
            priority=priority,
            premium=terms.premium,
            source=request.source,
            subject=subject,
            language=request.language,
            reporter=request.reporter,
            values={
                "response_due": deadlines.response_due.isoformat(),
                **request.notify_values,
                **extra,
                "deadline": deadlines.response_due.isoformat(),  # the instant; notices format it per reader
            },
        )
