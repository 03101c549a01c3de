"""Alertmanager alerts about an instance's availability join that instance's availability condition.

An alert labelled `condition = "availability"` (or `odoo.availability`, Dutch `beschikbaarheid`) that names a
known instance of its customer does not get a ticket of its own: it is a member of the availability group
(condition_groups.py), so an outage seen by the agent, the silent-agent probe and Alertmanager keeps
one ticket and one page. Other alerts keep one ticket per fingerprint (collector/monitoring/alertmanager.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from collector.contracts.lookup import instance_label, instance_named
from collector.monitoring.classification import Classification
from collector.monitoring.condition_groups import AVAILABILITY
from collector.monitoring.monitor import Monitor

CONDITION_LABEL = "condition"
# instance_down is the label of the shipped Prometheus rule (deploy/prometheus/rules/alerts.yml).
AVAILABILITY_LABELS = frozenset({"availability", "odoo.availability", "beschikbaarheid", "instance_down"})


def availability_instance(conn: Connection, customer_id: int, labels: Mapping[str, str]) -> int | None:
    """The instance an availability alert is about, or None when the alert is not one or names no instance."""
    if labels.get(CONDITION_LABEL, "").strip().lower() not in AVAILABILITY_LABELS:
        return None
    name = instance_label(labels)
    return instance_named(conn, customer_id, name) if name else None


def join_availability(
    conn: Connection,
    monitor: Monitor,
    customer_id: int,
    *,
    fingerprint: str,
    status: str,
    labels: Mapping[str, str],
    summary: str,
    classification: tuple[str, str],
) -> dict[str, Any] | None:
    """Handle an availability alert through the instance's availability condition; None when it is not one."""
    instance_id = availability_instance(conn, customer_id, labels)
    if instance_id is None:
        return None
    before = monitor.condition_ticket(conn, instance_id, AVAILABILITY.key)
    name = labels.get("alertname", "alert")
    firing = status == "firing"
    after = monitor.alert(
        conn,
        instance_id,
        fingerprint,
        firing=firing,
        detail=f"Alertmanager {name}: {summary}" if summary else f"Alertmanager {name}",
        classification=Classification(*classification),
    )
    if firing:
        result = "already open" if before is not None else ("opened" if after is not None else "held")
    else:
        result = "resolved noted"
    answer: dict[str, Any] = {"fingerprint": fingerprint, "result": result, "condition": AVAILABILITY.key}
    if after is not None:
        answer["ticket"] = after
    return answer
