"""From checks to incident tickets: conditions per (instance, check), damping, flips, one ticket each.

Checks that describe one outage are grouped (condition_groups.py): the group condition opens the
ticket; its members keep their rows and flips but open nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, func, select, update

from collector.config import MonitoringSettings
from collector.contracts.book import contract_in_force
from collector.monitoring.classification import Classification, classify, matrix_priority, worst
from collector.monitoring.condition_groups import (
    ALERTMANAGER_AVAILABILITY_PREFIX,
    AVAILABILITY,
    GROUPS,
    PROBE_KEY,
    ConditionGroup,
    MemberStatus,
    failing_member_rows,
    group_of,
    quieted_by,
    verdict,
)
from collector.monitoring.condition_titles import condition_title
from collector.monitoring.condition_words import customer_words, customer_words_fixed
from collector.monitoring.conditions import ConditionState, Transition, step
from collector.monitoring.maintenance import in_maintenance
from collector.routing.rules import Router, RoutingEvent
from collector.storage import hot_sql
from collector.storage import tables as t
from collector.tickets.core import OPEN_STATES, TicketService
from collector.tickets.opening import TicketRequest
from prioritysupport.clock import Clock

log = logging.getLogger("prioritysupport.collector")

__all__ = ["PROBE_KEY", "Monitor", "Observation", "http_probe", "observations_from_report"]

Probe = Callable[[str, float], bool]  # (url, timeout seconds) -> the instance answered
EndChain = Callable[[Connection, str, str], object]  # (conn, ticket number, reason)


def http_probe(url: str, timeout: float) -> bool:
    """The instance answers HTTP at all (any status below 500) from outside."""
    import requests

    try:
        response = requests.get(url, timeout=timeout, allow_redirects=True)
    except requests.RequestException:
        return False
    return response.status_code < 500


@dataclass(frozen=True)
class Observation:
    key: str
    kind: str
    status: str
    detail: str | None = None
    value: float | None = None
    impact: str | None = None
    scope: str | None = None
    integration: str | None = None


def observations_from_report(checks: Iterable[Mapping[str, Any]]) -> list[Observation]:
    return [
        Observation(
            key=c["key"],
            kind=c["kind"],
            status=c["status"],
            detail=c.get("detail"),
            value=c.get("value"),
            impact=c.get("impact"),
            scope=c.get("scope"),
            integration=c.get("integration"),
        )
        for c in checks
    ]


class Monitor:
    def __init__(
        self,
        clock: Clock,
        settings: MonitoringSettings,
        tickets: TicketService,
        router: Router,
        *,
        check_overrides: Mapping[str, Classification] | None = None,
        integration_overrides: Mapping[str, Classification] | None = None,
        probe: Probe = http_probe,
        end_chain: EndChain | None = None,
    ) -> None:
        self.clock = clock
        self.settings = settings
        self.tickets = tickets
        self.router = router
        self.check_overrides = dict(check_overrides or {})
        self.integration_overrides = dict(integration_overrides or {})
        self.probe = probe
        # Stops a ticket's page chain (escalations) when it recovers, as an acknowledgement does.
        self.end_chain = end_chain

    # -- observations ------------------------------------------------------------------------------------

    def observe(
        self,
        conn: Connection,
        instance_id: int,
        observations: list[Observation],
        known: list[hot_sql.ConditionHead] | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Apply one report's checks. Cheap when all is well: one SELECT (or none, given `known`, the
        instance's conditions read beforehand) and no writes. Returns whether any condition was written.
        `at` is when the agent observed them (collector/ingest/observed.py); default now."""
        now = at or self.clock.now()
        rows = known if known is not None else hot_sql.conditions_of(conn, instance_id)
        existing = {row.check_key: row for row in rows}
        wrote = False
        # Groups first, so a check quieted by its group sees this report's group state.
        for group in GROUPS:
            wrote = self._observe_group(conn, instance_id, group, observations, existing, now) or wrote
        for obs in observations:
            row = existing.get(obs.key)
            if row is None and obs.status != "failing":
                continue  # healthy and never failed: nothing to remember
            is_member = group_of(obs.key) is not None
            self._apply(conn, instance_id, row, obs, now, opens_tickets=not is_member)
            wrote = True
        return wrote

    def _observe_group(
        self,
        conn: Connection,
        instance_id: int,
        group: ConditionGroup,
        observations: list[Observation],
        existing: Mapping[str, hot_sql.ConditionHead],
        now: datetime,
    ) -> bool:
        members = [obs for obs in observations if group.has_member(obs.key)]
        row = existing.get(group.key)
        failing = [obs for obs in members if obs.status == "failing"]
        if not members or (row is None and not failing):
            return False  # the hot path: healthy and never failed, nothing to remember
        states = {key: head.state for key, head in existing.items()}
        result = verdict(
            group,
            [MemberStatus(obs.key, obs.status, obs.detail) for obs in members],
            failing_member_rows(group, states, (obs.key for obs in members)),
        )
        if result.status == "unknown":
            return False  # unknown changes nothing
        needed = min((self._failures_needed(obs) for obs in failing), default=1)
        combined = Observation(group.key, group.kind, result.status, detail=result.detail)
        self._apply(
            conn,
            instance_id,
            row,
            combined,
            now,
            needed=needed,
            classification=worst(self._classify(obs) for obs in failing),
        )
        return True

    def _failures_needed(self, obs: Observation) -> int:
        # The probe and Alertmanager have damped already (silent intervals, the alert's `for`).
        if obs.key == PROBE_KEY or obs.key.startswith(ALERTMANAGER_AVAILABILITY_PREFIX):
            return 1
        return self.settings.failures_needed(obs.kind)

    def _classify(self, obs: Observation) -> Classification:
        return classify(
            obs.kind,
            value=obs.value,
            integration=obs.integration,
            agent_impact=obs.impact,
            agent_scope=obs.scope,
            check_override=self.check_overrides.get(obs.key),
            integration_overrides=self.integration_overrides,
        )

    def _apply(
        self,
        conn: Connection,
        instance_id: int,
        row: hot_sql.ConditionHead | None,
        obs: Observation,
        now: datetime,
        *,
        needed: int | None = None,
        classification: Classification | None = None,
        opens_tickets: bool = True,
    ) -> None:
        state = ConditionState(row.state) if row else ConditionState.OK
        count = row.consecutive_failures if row else 0
        result = step(state, count, obs.status, needed if needed is not None else self._failures_needed(obs))
        if row is None:
            condition_id = conn.execute(
                t.conditions.insert()
                .values(
                    instance_id=instance_id,
                    check_key=obs.key,
                    kind=obs.kind,
                    state=result.state.value,
                    consecutive_failures=result.consecutive_failures,
                    since=now,
                    last_checked_at=now,
                    detail=obs.detail,
                    integration=obs.integration,
                )
                .returning(t.conditions.c.id)
            ).scalar_one()
        else:
            condition_id = row.id
            if (
                result.state is state
                and result.consecutive_failures == count
                and state is not ConditionState.FAILING
            ):
                return
            values: dict[str, Any] = {
                "consecutive_failures": result.consecutive_failures,
                "last_checked_at": now,
                "detail": obs.detail,
            }
            if result.state is not state:
                values.update(state=result.state.value, since=now)
            conn.execute(update(t.conditions).where(t.conditions.c.id == condition_id).values(**values))
        if result.state is not state:
            conn.execute(
                t.flips.insert().values(
                    condition_id=condition_id,
                    at=now,
                    old_state=state.value,
                    new_state=result.state.value,
                    detail=obs.detail,
                )
            )
        if result.state is ConditionState.FAILING:
            classification = classification or self._classify(obs)
            conn.execute(
                update(t.conditions)
                .where(t.conditions.c.id == condition_id)
                .values(impact=classification.impact, scope=classification.scope)
            )
            if opens_tickets:
                self.ensure_ticket(
                    conn, condition_id, reopened=result.transition is Transition.OPENED, at=now
                )
        elif result.transition is Transition.RECOVERED and opens_tickets:
            self._recovered(conn, condition_id, obs.detail)

    # -- tickets -----------------------------------------------------------------------------------------

    def ensure_ticket(
        self, conn: Connection, condition_id: int, *, reopened: bool = False, at: datetime | None = None
    ) -> str | None:
        """Open the condition's ticket unless one is open, or maintenance or a silence holds it back."""
        now = self.clock.now()
        observed = at if at is not None and at < now else None
        cond = conn.execute(
            select(t.conditions, t.instances.c.customer_id, t.instances.c.name.label("instance_name"))
            .join(t.instances, t.instances.c.id == t.conditions.c.instance_id)
            .where(t.conditions.c.id == condition_id)
        ).one()
        if group_of(cond.check_key) is not None:
            return None  # a member of a group: the group's condition carries the ticket
        if cond.ticket_id is not None:
            ticket = conn.execute(select(t.tickets).where(t.tickets.c.id == cond.ticket_id)).first()
            if ticket is not None and ticket.state in OPEN_STATES:
                if reopened:
                    self._relapse(conn, ticket, cond, held=self._held(conn, cond, now))
                self._note_more_urgent(conn, ticket, cond)
                return str(ticket.number)
        quieting = quieted_by(cond.check_key)
        if quieting is not None and self._group_failing(conn, cond.instance_id, quieting):
            # e.g. "slow" or an integration while the instance is down: the outage's ticket covers it
            self._note_on_outage(conn, cond, quieting)
            return None
        if cond.silenced_until is not None and cond.silenced_until > now:
            return None
        if in_maintenance(conn, cond.customer_id, cond.instance_id, now):
            return None
        customer = conn.execute(select(t.customers).where(t.customers.c.id == cond.customer_id)).one()
        opened = self.tickets.open(
            conn,
            TicketRequest(
                customer_id=cond.customer_id,
                instance_id=cond.instance_id,
                subject=f"{cond.instance_name}: {condition_title(cond.check_key)}",
                description=cond.detail or "",
                category="incident",
                impact=cond.impact,
                scope=cond.scope,
                source="monitoring",
                external_key=f"condition:{cond.id}",
                language=customer.language,
                actor="monitoring",
                registered_at=observed,
                # The page carries what the agent saw; the customer's mail says what broke in their words.
                notify_values={
                    "details": cond.detail or "",
                    "instance": cond.instance_name,
                    "what": customer_words(cond.check_key, customer.language),
                },
            ),
        )
        conn.execute(
            update(t.conditions).where(t.conditions.c.id == condition_id).values(ticket_id=opened.ticket_id)
        )
        return opened.number

    def _held(self, conn: Connection, cond: Row[Any], now: datetime) -> bool:
        """A silence or a maintenance window holds back pages for this condition."""
        if cond.silenced_until is not None and cond.silenced_until > now:
            return True
        return in_maintenance(conn, cond.customer_id, cond.instance_id, now)

    def _relapse(self, conn: Connection, ticket: Row[Any], cond: Row[Any], *, held: bool) -> None:
        """Down again while the previous outage's ticket is open: a new episode on the same ticket. It pages
        and notifies by the same rules as a new incident (calendars, escalation), unless held back."""
        self.tickets.event(
            conn,
            ticket.id,
            "relapse",
            f"relapse: {condition_title(cond.check_key)} failing again: {cond.detail or ''}",
            actor="monitoring",
        )
        if held:
            return
        episode = _episode(conn, ticket.id)
        contract = contract_in_force(conn, ticket.customer_id, self.clock.now().date())
        deadline, which = _deadline(ticket)
        self.router.route(
            conn,
            RoutingEvent(
                name="condition_relapsed",
                subject_ref=ticket.number,
                customer_id=ticket.customer_id,
                ticket_id=ticket.id,
                fields={
                    "category": ticket.category,
                    "priority": ticket.priority,
                    "premium": bool(ticket.premium),
                    "source": ticket.source,
                    "notify_customer": bool(contract.notify_customer_incidents) if contract else True,
                },
                values={
                    "ticket": ticket.number,
                    "subject": ticket.subject,
                    "summary": ticket.subject,
                    "priority": ticket.priority,
                    "details": cond.detail or "",
                    "relapse_of": ticket.number,
                    "instance": getattr(cond, "instance_name", ""),
                    "what": customer_words(cond.check_key, ticket.language),
                    "deadline": deadline,
                    "deadline_kind": which,
                    "response_due": ticket.response_due.isoformat() if ticket.response_due else "",
                },
                language=ticket.language,
                dedup_key=f"relapse:{ticket.number}:{episode}",
            ),
        )

    def _note_on_outage(self, conn: Connection, cond: Row[Any], group: ConditionGroup) -> None:
        """Once per ticket: the quieted check is named on the outage's ticket, so nothing is lost."""
        number = self.condition_ticket(conn, cond.instance_id, group.key)
        if number is None:
            return
        ticket_id = conn.execute(select(t.tickets.c.id).where(t.tickets.c.number == number)).scalar_one()
        prefix = f"{condition_title(cond.check_key)} fails too"
        noted = conn.execute(
            select(t.ticket_events.c.id).where(
                (t.ticket_events.c.ticket_id == ticket_id)
                & (t.ticket_events.c.kind == "condition")
                & t.ticket_events.c.body.startswith(prefix, autoescape=True)
            )
        ).first()
        if noted is None:
            body = f"{prefix} ({cond.detail or 'no detail'}): explained by this outage, no ticket of its own"
            self.tickets.event(conn, ticket_id, "condition", body, actor="monitoring")

    def _note_more_urgent(self, conn: Connection, ticket: Row[Any], cond: Row[Any]) -> None:
        """An open ticket whose condition got worse (an outage spreading to a worse member, a disk going from
        90% to 97%) gets one note proposing the more urgent priority: staff reassess, monitoring never
        silently changes an assessed ticket."""
        if not (cond.impact and cond.scope and ticket.priority):
            return
        proposed = matrix_priority(Classification(cond.impact, cond.scope))
        if proposed >= ticket.priority:
            return
        prefix = f"{cond.check_key} now has matrix priority {proposed}"
        noted = conn.execute(
            select(t.ticket_events.c.id).where(
                (t.ticket_events.c.ticket_id == ticket.id)
                & (t.ticket_events.c.kind == "condition")
                & t.ticket_events.c.body.startswith(prefix, autoescape=True)
            )
        ).first()
        if noted is None:
            body = f"{prefix} ({cond.detail or ''}); the ticket has {ticket.priority}: reassess"
            self.tickets.event(conn, ticket.id, "condition", body, actor="monitoring")

    def _group_failing(self, conn: Connection, instance_id: int, group: ConditionGroup) -> bool:
        """The group fails, or has started to (a failing report still being damped)."""
        row = conn.execute(
            select(t.conditions.c.state, t.conditions.c.consecutive_failures).where(
                (t.conditions.c.instance_id == instance_id) & (t.conditions.c.check_key == group.key)
            )
        ).first()
        return row is not None and (row.state == ConditionState.FAILING.value or row.consecutive_failures > 0)

    def _recovered(self, conn: Connection, condition_id: int, detail: str | None) -> None:
        cond = conn.execute(
            select(t.conditions, t.instances.c.customer_id)
            .join(t.instances, t.instances.c.id == t.conditions.c.instance_id)
            .where(t.conditions.c.id == condition_id)
        ).one()
        if cond.ticket_id is None:
            return
        ticket = conn.execute(select(t.tickets).where(t.tickets.c.id == cond.ticket_id)).one()
        if ticket.state not in OPEN_STATES:
            return
        self.tickets.event(conn, ticket.id, "recovered", f"{cond.check_key} recovered", actor="monitoring")
        self.announce_recovery(conn, ticket, cond.customer_id, f"{ticket.subject}: recovered", detail or "")

    def announce_recovery(
        self, conn: Connection, ticket: Any, customer_id: int, summary: str, details: str = ""
    ) -> None:
        """End the ticket's page chain and route one recovery notice per episode: to whoever was paged,
        to whoever got the incident notice, and per the routing rules. Callers note the recovery first."""
        if self.end_chain is not None:
            self.end_chain(conn, ticket.number, "recovered")
        episode = _episode(conn, ticket.id)
        if _recoveries_in_episode(conn, ticket.id) > 1:
            return  # this episode's recovery was announced already
        self.router.route(
            conn,
            RoutingEvent(
                name="condition_recovered",
                subject_ref=ticket.number,
                customer_id=customer_id,
                ticket_id=ticket.id,
                fields={
                    "paged": self.router.was_paged(conn, ticket.number),
                    "notified": self.router.was_notified(conn, ticket.number),
                    "priority": ticket.priority,
                },
                values={
                    "ticket": ticket.number,
                    "subject": ticket.subject,
                    "summary": summary,
                    "priority": ticket.priority,
                    "details": details,
                    **_customer_words_for(conn, ticket),
                },
                language=ticket.language,
                dedup_key=f"recovery:{ticket.number}:{episode}",
            ),
        )

    # -- periodic ---------------------------------------------------------------------------------------

    def open_held_tickets(self, conn: Connection) -> int:
        """Conditions still failing after a maintenance window or silence ended open their ticket now."""
        opened = 0
        failing = conn.execute(
            select(t.conditions.c.id, t.conditions.c.ticket_id).where(
                t.conditions.c.state == ConditionState.FAILING.value
            )
        ).all()
        for condition_id, ticket_id in failing:
            if ticket_id is not None:
                state = conn.execute(select(t.tickets.c.state).where(t.tickets.c.id == ticket_id)).scalar()
                if state in OPEN_STATES:
                    continue
            if self.ensure_ticket(conn, condition_id) is not None:
                opened += 1
        return opened

    def silent_instances(self, conn: Connection) -> list[Row[Any]]:
        cutoff = self.clock.now() - timedelta(
            seconds=self.settings.agent_interval_seconds * self.settings.silent_intervals
        )
        return list(
            conn.execute(
                select(t.instances).where(
                    t.instances.c.last_report_at.is_not(None)
                    & (t.instances.c.last_report_at < cutoff)
                    & t.instances.c.agent_silent.is_(False)
                )
            )
        )

    def handle_silent(self, conn: Connection, instance: Row[Any], answered: bool) -> None:
        """Called with the result of the outside probe (done outside any transaction)."""
        # Only if still silent as found: another replica's sweep may have handled this silence, or the
        # agent may have reported during the probe. The row lock makes the second comer see the first.
        marked = conn.execute(
            update(t.instances)
            .where(
                (t.instances.c.id == instance.id)
                & t.instances.c.agent_silent.is_(False)
                & (t.instances.c.last_report_at == instance.last_report_at)
            )
            .values(agent_silent=True)
        ).rowcount
        if not marked:
            return
        if answered:
            customer_key = conn.execute(
                select(t.customers.c.key).where(t.customers.c.id == instance.customer_id)
            ).scalar_one()
            self.router.route(
                conn,
                RoutingEvent(
                    name="agent_silent",
                    subject_ref=f"instance:{customer_key}/{instance.name}",
                    customer_id=instance.customer_id,
                    values={
                        "instance": instance.name,
                        "url": instance.url,
                        "summary": f"the agent of {instance.name} is silent; the instance answers",
                    },
                    dedup_key=f"agent-silent:{instance.id}",
                ),
            )
            return
        self.observe(
            conn,
            instance.id,
            [
                Observation(
                    PROBE_KEY,
                    "unreachable",
                    "failing",
                    detail=f"agent silent and {instance.url} does not answer",
                )
            ],
        )

    def alert(
        self,
        conn: Connection,
        instance_id: int,
        fingerprint: str,
        *,
        firing: bool,
        detail: str,
        classification: Classification,
    ) -> str | None:
        """An Alertmanager alert about an instance's availability joins its availability condition, so one
        outage keeps one ticket whichever source saw it first. Returns that condition's ticket number."""
        key = f"{ALERTMANAGER_AVAILABILITY_PREFIX}{fingerprint}"[:200]
        self.observe(
            conn,
            instance_id,
            [
                Observation(
                    key,
                    "alertmanager",
                    "failing" if firing else "ok",
                    detail=detail,
                    impact=classification.impact,
                    scope=classification.scope,
                )
            ],
        )
        return self.condition_ticket(conn, instance_id, AVAILABILITY.key)

    def condition_ticket(self, conn: Connection, instance_id: int, check_key: str) -> str | None:
        """The number of the open ticket a condition carries, if any."""
        number = conn.execute(
            select(t.tickets.c.number)
            .join(t.conditions, t.conditions.c.ticket_id == t.tickets.c.id)
            .where(
                (t.conditions.c.instance_id == instance_id)
                & (t.conditions.c.check_key == check_key)
                & t.tickets.c.state.in_(OPEN_STATES)
            )
        ).scalar()
        return str(number) if number is not None else None

    def agent_back(self, conn: Connection, instance_id: int) -> None:
        """A report arrived from an instance marked silent: its outside-probe condition recovers."""
        conn.execute(update(t.instances).where(t.instances.c.id == instance_id).values(agent_silent=False))
        self.observe(
            conn, instance_id, [Observation(PROBE_KEY, "unreachable", "ok", detail="agent reports again")]
        )


def _episode(conn: Connection, ticket_id: int) -> int:
    """1 for a ticket's first outage, 2 after its first relapse, ..."""
    relapses = conn.execute(
        select(func.count())
        .select_from(t.ticket_events)
        .where((t.ticket_events.c.ticket_id == ticket_id) & (t.ticket_events.c.kind == "relapse"))
    ).scalar_one()
    return int(relapses) + 1


def _recoveries_in_episode(conn: Connection, ticket_id: int) -> int:
    """Recovery notes since the latest relapse (or the start)."""
    since = conn.execute(
        select(func.max(t.ticket_events.c.id)).where(
            (t.ticket_events.c.ticket_id == ticket_id) & (t.ticket_events.c.kind == "relapse")
        )
    ).scalar()
    return int(
        conn.execute(
            select(func.count())
            .select_from(t.ticket_events)
            .where(
                (t.ticket_events.c.ticket_id == ticket_id)
                & (t.ticket_events.c.kind == "recovered")
                & (t.ticket_events.c.id > (since or 0))
            )
        ).scalar_one()
    )


def _deadline(ticket: Row[Any]) -> tuple[str, str]:
    """The deadline that counts now, as ISO text for the notification values, and which one it is."""
    if ticket.first_response_at is None and ticket.response_due is not None:
        return ticket.response_due.isoformat(), "response"
    due = ticket.agreed_resolution_at or ticket.resolution_due
    return (due.isoformat() if due else ""), "resolution"


def _customer_words_for(conn: Connection, ticket: Any) -> dict[str, str]:
    """What broke, for the customer's recovery mail: the instance and the check in their words (no key)."""
    if not (ticket.external_key or "").startswith("condition:"):
        return {}
    row = conn.execute(
        select(t.conditions.c.check_key, t.instances.c.name)
        .join(t.instances, t.instances.c.id == t.conditions.c.instance_id)
        .where(t.conditions.c.id == int(ticket.external_key.removeprefix("condition:")))
    ).first()
    if row is None:
        return {}
    return {
        "instance": row.name,
        "what": customer_words(row.check_key, ticket.language),
        "fixed": customer_words_fixed(row.check_key, ticket.language),
    }
