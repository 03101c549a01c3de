"""Routing (policy section 9) as data: rules matched in order, like Alertmanager routes.

A rule matches an event by its fields; it says who gets what kind of notification, in which calendar
(held until it opens), and which escalation chain runs. `continue_matching` lets later rules match too.
Each rule that fires is written on the ticket's timeline, so the ticket shows which rule sent what.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from alerts.model import EscalationStep, NotificationRequest
from collector.policy.policy import Policy
from collector.storage import tables as t
from prioritysupport.clock import Clock

# Recipient placeholders the router fills in per customer.
CUSTOMER_CONTACTS = "@customer-contacts"
REPORTER = "@reporter"
ACCOUNT_MANAGER = "@account-manager"
PAGED = "@paged"  # whoever a page of this ticket reached
NOTIFIED = "@incident-notified"  # whoever was sent the incident notice of this ticket (customers)
ASSIGNEE = "@assignee"  # the staff member the ticket is assigned to (event field `assignee_address`)

Chain = tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True)
class RoutingEvent:
    """Something that may notify someone. `fields` are what rules match on."""

    name: str  # ticket_opened, condition_recovered, agent_silent, limit_warning, ...
    subject_ref: str
    customer_id: int
    ticket_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    language: str = "nl"
    dedup_key: str | None = None


@dataclass(frozen=True)
class Rule:
    name: str
    match: dict[str, Any]  # field -> value, or a tuple of accepted values
    kind: str
    recipients: tuple[str, ...]
    calendar: str = "any"  # any | support | premium
    escalation: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = field(
        default_factory=dict
    )  # by priority
    continue_matching: bool = False
    # An event field holding an instant: the notification waits until then (e.g. the team hears of a
    # nearly-due ticket only if its assignee has not answered by then).
    hold_until: str | None = None

    def matches(self, event: RoutingEvent) -> bool:
        for key, wanted in self.match.items():
            actual = event.name if key == "event" else event.fields.get(key)
            accepted = wanted if isinstance(wanted, tuple) else (wanted,)
            if actual not in accepted:
                return False
        return True


# A new incident and a relapse of an open one page, notify the customer and the team by the same rules.
INCIDENT_EVENTS = ("ticket_opened", "condition_relapsed")

_PAGE_CHAIN: dict[str, Chain] = {
    "A": ((15, ("oncall-secondary",)), (15, ("support-manager",))),
    "B": ((30, ("oncall-secondary",)), (15, ("support-manager",))),
}

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "ticket-confirmation",
        {"event": "ticket_opened", "source": ("web", "mail", "phone", "api"), "has_reporter": True},
        "ticket_confirmation",
        (REPORTER,),
        continue_matching=True,
    ),
    Rule(
        "customer-incident-notice",
        {"event": INCIDENT_EVENTS, "source": ("monitoring", "alertmanager"), "notify_customer": True},
        "incident_notice",
        (CUSTOMER_CONTACTS,),
        continue_matching=True,
    ),
    Rule(
        "team-relapse-notice",  # the team hears of every relapse, paged or not
        {"event": "condition_relapsed", "category": "incident"},
        "team_notice",
        ("support-team",),
        calendar="support",
        continue_matching=True,
    ),
    Rule(
        "premium-emergency-page",
        {"event": INCIDENT_EVENTS, "category": "incident", "priority": ("A", "B"), "premium": True},
        "page",
        ("oncall-primary",),
        calendar="premium",
        escalation=_PAGE_CHAIN,
    ),
    Rule(
        "team-incident-notice",
        {"event": "ticket_opened", "category": "incident"},
        "team_notice",
        ("support-team",),
        calendar="support",
    ),
    Rule(
        "team-ticket-notice", {"event": "ticket_opened"}, "team_notice", ("support-team",), calendar="support"
    ),
    Rule(
        "recovery-to-notified",
        {"event": "condition_recovered", "notified": True},
        "incident_recovered",
        (NOTIFIED,),
        continue_matching=True,
    ),
    Rule(
        "recovery-to-paged",
        {"event": "condition_recovered", "paged": True},
        "recovery",
        (PAGED,),
        continue_matching=True,
    ),
    Rule(
        "recovery-to-team",
        {"event": "condition_recovered"},
        "team_notice",
        ("support-team",),
        calendar="support",
    ),
    Rule("agent-silent", {"event": "agent_silent"}, "team_notice", ("support-team",), calendar="support"),
    Rule(
        "limit-warning",
        {"event": "limit_warning"},
        "limit_warning",
        (CUSTOMER_CONTACTS,),
        calendar="support",
        continue_matching=True,
    ),
    Rule(
        "over-limit-advice",
        {"event": "limit_warning", "state": "over"},
        "package_advice",
        (ACCOUNT_MANAGER,),
        calendar="support",
    ),
    Rule(
        "account-manager",
        {"event": "account_notice"},
        "account_notice",
        (ACCOUNT_MANAGER,),
        calendar="support",
    ),
    Rule(
        "sla-prebreach-assignee",
        {"event": "sla_prebreach", "assigned": True},
        "team_notice",
        (ASSIGNEE,),
        continue_matching=True,
    ),
    Rule(
        "sla-prebreach-team-later",
        {"event": "sla_prebreach", "assigned": True},
        "team_notice",
        ("support-team",),
        hold_until="team_from",
    ),
    Rule("sla-prebreach", {"event": "sla_prebreach"}, "team_notice", ("support-team",)),
    Rule("ops", {"event": "ops"}, "ops", ("ops",)),
)


@dataclass(frozen=True)
class Routed:
    rule: str
    request: NotificationRequest
    outbox_id: int


Enqueue = Callable[[Connection, NotificationRequest], int]
PagedLookup = Callable[[Connection, str], tuple[str, ...]]
NotifiedLookup = Callable[[Connection, str, str], tuple[str, ...]]  # (conn, subject, kind) -> recipients


class Router:
    def __init__(
        self,
        clock: Clock,
        enqueue: Enqueue,
        *,
        policy: Policy,
        rules: Sequence[Rule] = DEFAULT_RULES,
        paged_lookup: PagedLookup | None = None,
        notified_lookup: NotifiedLookup | None = None,
    ) -> None:
        self.clock = clock
        self.rules = tuple(rules)
        self._enqueue = enqueue
        self._paged_lookup = paged_lookup
        self._notified_lookup = notified_lookup
        # Held notices wait for the configured catalogue's calendars, the ones the deadlines run in.
        self._calendars = {"support": policy.sla.support, "premium": policy.sla.premium}

    def not_before(self, calendar: str, now: datetime) -> datetime | None:
        """None (at once) when the calendar is open, else its next opening."""
        if calendar == "any":
            return None
        cal = self._calendars[calendar]
        return None if cal.is_open(now) else cal.next_open(now)

    def was_paged(self, conn: Connection, subject_ref: str) -> bool:
        """Whether anyone was paged for this subject (recovery notices then go to them)."""
        return bool(self._paged_lookup and self._paged_lookup(conn, subject_ref))

    def was_notified(self, conn: Connection, subject_ref: str, kind: str = "incident_notice") -> bool:
        """Whether a notification of this kind was sent for the subject (the customer's incident notice)."""
        return bool(self._notified_lookup and self._notified_lookup(conn, subject_ref, kind))

    def _hold(self, rule: Rule, event: RoutingEvent, now: datetime) -> datetime | None:
        held = self.not_before(rule.calendar, now)
        wanted = event.fields.get(rule.hold_until) if rule.hold_until else None
        if isinstance(wanted, datetime) and wanted > now:
            held = max(held, wanted) if held else wanted
        return held

    def route(self, conn: Connection, event: RoutingEvent) -> list[Routed]:
        now = self.clock.now()
        routed: list[Routed] = []
        values = dict(event.values)
        if "customer" not in values:  # every template greets or names the customer
            values["customer"] = conn.execute(
                select(t.customers.c.name).where(t.customers.c.id == event.customer_id)
            ).scalar()
        values.setdefault("summary", event.subject_ref)
        values["occasion"] = event.name  # the team notice is worded by what happened
        for rule in self.rules:
            if not rule.matches(event):
                continue
            recipients = self._recipients(conn, rule, event)
            if recipients:
                request = NotificationRequest(
                    kind=rule.kind,
                    recipients=recipients,
                    subject_ref=event.subject_ref,
                    not_before=self._hold(rule, event, now),
                    dedup_key=f"{event.dedup_key}:{rule.name}" if event.dedup_key else None,
                    values={**values, "rule": rule.name},
                    language=event.language,
                    escalation=tuple(
                        EscalationStep(timedelta(minutes=minutes), who)
                        for minutes, who in rule.escalation.get(str(event.fields.get("priority")), ())
                    ),
                )
                outbox_id = self._enqueue(conn, request)
                routed.append(Routed(rule.name, request, outbox_id))
                if event.ticket_id is not None:
                    _record(conn, event.ticket_id, now, rule.name, request, outbox_id)
            if not rule.continue_matching:
                break
        return routed

    def _recipients(self, conn: Connection, rule: Rule, event: RoutingEvent) -> tuple[str, ...]:
        out: list[str] = []
        for recipient in rule.recipients:
            if recipient == CUSTOMER_CONTACTS:
                emails = conn.execute(
                    select(t.contacts.c.email).where(t.contacts.c.customer_id == event.customer_id)
                ).scalars()
                out.extend(f"mailto:{email}" for email in emails)
            elif recipient == ACCOUNT_MANAGER:
                manager = conn.execute(
                    select(t.customers.c.account_manager).where(t.customers.c.id == event.customer_id)
                ).scalar()
                if manager:
                    out.append(f"mailto:{manager}")
            elif recipient == REPORTER:
                reporter = event.fields.get("reporter")
                if reporter:
                    out.append(f"mailto:{reporter}")
            elif recipient == PAGED:
                if self._paged_lookup is not None:
                    out.extend(self._paged_lookup(conn, event.subject_ref))
            elif recipient == NOTIFIED:
                if self._notified_lookup is not None:
                    out.extend(self._notified_lookup(conn, event.subject_ref, "incident_notice"))
            elif recipient == ASSIGNEE:
                address = event.fields.get("assignee_address")
                if address:
                    out.append(str(address))
            else:
                out.append(recipient)
        return tuple(dict.fromkeys(out))


def _record(
    conn: Connection, ticket_id: int, now: datetime, rule: str, request: NotificationRequest, outbox_id: int
) -> None:
    held = request.not_before.isoformat() if request.not_before else None
    conn.execute(
        t.ticket_events.insert().values(
            ticket_id=ticket_id,
            at=now,
            kind="notification",
            actor="router",
            body=f"rule {rule}: {request.kind} to {', '.join(request.recipients)}"
            + (f", held until {held}" if held else ""),
            data={
                "rule": rule,
                "kind": request.kind,
                "recipients": list(request.recipients),
                "not_before": held,
                "outbox_id": outbox_id,
            },
        )
    )
