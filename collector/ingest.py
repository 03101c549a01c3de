"""Storing one validated report: idempotent by report id, then instance state and conditions.

Runs inside the group-commit writer's transaction (one savepoint per report).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection

from collector import hot_sql
from collector.monitoring import Monitor, observations_from_report


@dataclass(frozen=True)
class IncomingReport:
    report_id: str
    customer_id: int
    instance_id: int
    received_at: datetime
    document: dict[str, Any]
    body: str


class CountsHandler(Protocol):
    def __call__(
        self, conn: Connection, customer_id: int, instance_id: int, counts: dict[str, Any]
    ) -> None: ...


class IntegrationsHandler(Protocol):
    def __call__(self, conn: Connection, customer_id: int, names: list[str]) -> Any: ...


class ReportStore:
    def __init__(
        self,
        monitor: Monitor | None = None,
        counts_handler: CountsHandler | None = None,
        integrations_handler: IntegrationsHandler | None = None,
    ) -> None:
        self.monitor = monitor
        self.counts_handler = counts_handler
        self.integrations_handler = integrations_handler

    def __call__(self, conn: Connection, report: IncomingReport) -> bool:
        """True when stored, False when this report id was stored before (a replay changes nothing)."""
        document = report.document
        if not hot_sql.insert_report(
            conn,
            report.report_id,
            report.customer_id,
            report.instance_id,
            report.received_at,
            document["sequence"],
            report.body,
        ):
            return False
        was_silent = hot_sql.touch_instance(
            conn, report.instance_id, report.received_at, document["instance"].get("odoo_version")
        )
        if self.monitor is not None:
            if was_silent:
                self.monitor.agent_back(conn, report.instance_id)
            self.monitor.observe(
                conn, report.instance_id, observations_from_report(report.document["checks"])
            )
        if self.integrations_handler is not None:
            names = [c["integration"] for c in report.document["checks"] if c.get("integration")]
            if names:
                self.integrations_handler(conn, report.customer_id, names)
        counts = report.document.get("counts")
        if counts and self.counts_handler is not None:
            self.counts_handler(conn, report.customer_id, report.instance_id, counts)
        return True


def compact_body(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
