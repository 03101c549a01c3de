"""Alertmanager intake: webhook payload version 4 -> incident tickets, one open ticket per fingerprint.

Labels: `customer` (required, the customer key), `odoo_instance` (an instance name of that customer,
optional; `instance_name` and `instance` are read too), and either `impact` + `scope` or a `severity` mapped
below.

An alert whose `customer` names no known customer is counted
(prioritysupport_alertmanager_unknown_customer_alerts_total) and answered 422 after the others are stored:
Alertmanager counts a failed notification (alertmanager_notifications_failed_total) and, as for every 4xx,
does not retry a request that would fail the same way. The Watchdog alert (monitoring/watchdog.py) only
notes its arrival.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Connection, Engine, select

from collector.contracts.lookup import instance_label
from collector.monitoring.availability_alerts import join_availability
from collector.monitoring.metrics import AlertmanagerMetrics
from collector.monitoring.monitor import Monitor
from collector.monitoring.watchdog import ALERTNAME as WATCHDOG
from collector.monitoring.watchdog import Watchdog
from collector.policy.triage import parse_impact, parse_scope
from collector.storage import tables as t
from collector.storage.after_commit import transaction
from collector.storage.text_checks import refuse_unstorable
from collector.tickets.core import OPEN_STATES, TicketService
from collector.tickets.opening import TicketRequest
from prioritysupport.clock import Clock

log = logging.getLogger("prioritysupport.collector")

SEVERITY = {
    "critical": ("high", "organisation"),
    "page": ("high", "organisation"),
    "error": ("medium", "organisation"),
    "warning": ("medium", "multiple-users"),
    "info": ("low", "one-user"),
}


class AmAlert(BaseModel):
    model_config = ConfigDict(extra="allow")
    status: str = Field(pattern="^(firing|resolved)$")
    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    fingerprint: str = Field(min_length=1, max_length=200)
    startsAt: str | None = None
    endsAt: str | None = None
    generatorURL: str | None = None


class AmWebhook(BaseModel):
    model_config = ConfigDict(extra="allow")
    _storable = model_validator(mode="before")(refuse_unstorable)  # lone surrogates: 422, not 500
    version: str = Field(pattern="^4$")
    status: str
    alerts: list[AmAlert] = Field(max_length=1000)


@dataclass(frozen=True)
class AlertIntake:
    """What the intake works with: the HTTP route (collector/http/routes) only hands it the payload."""

    engine: Engine
    clock: Clock
    tickets: TicketService
    monitor: Monitor
    watchdog: Watchdog | None = None
    metrics: AlertmanagerMetrics | None = None

    def receive(self, payload: AmWebhook) -> list[dict[str, Any]]:
        """One result per alert, all stored in one transaction; unknown customers are counted."""
        results = []
        with transaction(self.engine) as conn:
            for alert in payload.alerts:
                if alert.labels.get("alertname") == WATCHDOG:
                    results.append(_watchdog(self, alert))
                else:
                    results.append(handle_alert(conn, self, alert))
        unknown = unknown_customers(results)
        if unknown and self.metrics is not None:
            self.metrics.unknown_customer.inc(len(unknown))
        return results


def unknown_customers(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in results if r["result"] == "unknown customer"]


def _watchdog(intake: AlertIntake, alert: AmAlert) -> dict[str, Any]:
    if alert.status == "firing" and intake.watchdog is not None:
        intake.watchdog.received()
        if intake.metrics is not None:
            intake.metrics.watchdog_received.set(intake.clock.now().timestamp())
    return {"fingerprint": alert.fingerprint, "result": "watchdog noted"}


def _classify(labels: dict[str, str]) -> tuple[str, str]:
    if labels.get("impact") and labels.get("scope"):
        try:  # Dutch aliases are fine; anything else falls back to the severity mapping
            return parse_impact(labels["impact"]).value, parse_scope(labels["scope"]).value
        except ValueError:
            log.warning("alert labels impact/scope not understood; using severity instead")
    return SEVERITY.get(labels.get("severity", "").lower(), ("medium", "multiple-users"))


def handle_alert(conn: Connection, intake: AlertIntake, alert: AmAlert) -> dict[str, Any]:
    key = f"alertmanager:{alert.fingerprint}"
    customer = conn.execute(
        select(t.customers).where(t.customers.c.key == alert.labels.get("customer", ""))
    ).first()
    if customer is None:
        named = alert.labels.get("customer", "")
        log.warning(
            "alert %s (%s) refused: label customer=%r names no known customer",
            alert.fingerprint,
            alert.labels.get("alertname", "?"),
            named,
        )
        return {
            "fingerprint": alert.fingerprint,
            "result": "unknown customer",
            "customer": named or "(missing)",
        }
    open_ticket = conn.execute(
        select(t.tickets).where((t.tickets.c.external_key == key) & t.tickets.c.state.in_(OPEN_STATES))
    ).first()
    name = alert.labels.get("alertname", "alert")
    summary = alert.annotations.get("summary") or alert.annotations.get("description") or ""
    joined = join_availability(
        conn,
        intake.monitor,
        customer.id,
        fingerprint=alert.fingerprint,
        status=alert.status,
        labels=alert.labels,
        summary=summary,
        classification=_classify(alert.labels),
    )
    if joined is not None:
        return joined  # one outage, one ticket: the instance's availability condition carries it
    if alert.status == "resolved":
        if open_ticket is None:
            return {"fingerprint": alert.fingerprint, "result": "nothing open"}
        intake.tickets.event(
            conn, open_ticket.id, "recovered", f"Alertmanager: {name} resolved", actor="alertmanager"
        )
        intake.monitor.announce_recovery(conn, open_ticket, customer.id, f"{open_ticket.subject}: resolved")
        return {"fingerprint": alert.fingerprint, "result": "resolved noted", "ticket": open_ticket.number}
    if open_ticket is not None:
        return {"fingerprint": alert.fingerprint, "result": "already open", "ticket": open_ticket.number}
    impact, scope = _classify(alert.labels)
    opened = intake.tickets.open(
        conn,
        TicketRequest(
            customer_id=customer.id,
            instance_name=instance_label(alert.labels),
            instance_required=False,  # an alert about an unknown instance still opens the customer's ticket
            subject=f"{name}: {summary}"[:300] if summary else name,
            description="\n".join(f"{k}={v}" for k, v in sorted(alert.labels.items())),
            category="incident",
            impact=impact,
            scope=scope,
            source="alertmanager",
            external_key=key,
            language=customer.language,
            actor="alertmanager",
        ),
    )
    return {"fingerprint": alert.fingerprint, "result": "opened", "ticket": opened.number}
