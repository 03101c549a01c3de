"""Storing one validated report: idempotent by report id, then instance state and conditions.

Runs inside the group-commit writer's transaction (one savepoint per report).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from collector import tables as t
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


# Built once: on the hot path SQLAlchemy then only looks up its compiled form.
_INSERT_REPORT = {
    name: dialect_insert(t.reports)
    .on_conflict_do_nothing(index_elements=["report_id"])
    .returning(t.reports.c.id)
    for name, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
_TOUCH_INSTANCE = (
    update(t.instances)
    .where(t.instances.c.id == bindparam("b_id"))
    .values(last_report_at=bindparam("b_at"), odoo_version=bindparam("b_version"))
    .returning(t.instances.c.agent_silent)
)


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
        stored = conn.execute(
            _INSERT_REPORT[conn.dialect.name],
            {
                "report_id": report.report_id,
                "customer_id": report.customer_id,
                "instance_id": report.instance_id,
                "received_at": report.received_at,
                "sequence": report.document["sequence"],
                "body": report.body,
            },
        ).scalar()
        if stored is None:
            return False
        instance = report.document["instance"]
        was_silent = conn.execute(
            _TOUCH_INSTANCE,
            {
                "b_id": report.instance_id,
                "b_at": report.received_at,
                "b_version": instance.get("odoo_version"),
            },
        ).scalar()
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
