"""Storing one validated report: idempotent by report id, then instance state and conditions.

Runs inside the group-commit writer's transaction (one savepoint per report).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection

from collector.ingest.observed import Observed, observation_time
from collector.monitoring.monitor import Monitor, observations_from_report
from collector.storage import hot_sql, raw_bodies
from collector.storage.usage import record_usage

log = logging.getLogger("prioritysupport.collector.ingest")


@dataclass(frozen=True)
class IncomingReport:
    report_id: str
    customer_id: int
    instance_id: int
    received_at: datetime
    document: dict[str, Any]
    body: str

    def observed(self, previous: datetime | None) -> Observed:
        seen = observation_time(datetime.fromisoformat(self.document["sent_at"]), self.received_at, previous)
        if seen.bounded and _SKEW_WARNINGS.due(self.instance_id):
            log.warning(
                "report %s: sent_at %s moved to %s (agent clock skew %.0f s; further reports of this "
                "instance with a skewed clock are not logged for an hour)",
                self.report_id,
                self.document["sent_at"],
                seen.at.isoformat(),
                seen.skew_seconds,
            )
        return seen


class _Throttle:
    """At most one warning per key per `every` seconds: an agent whose clock is off is off on every
    report, and a line a minute per agent would bury everything else in the log."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._last: dict[object, float] = {}

    def due(self, key: object) -> bool:
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.every:
            return False
        self._last[key] = now
        return True


_SKEW_WARNINGS = _Throttle(3600.0)


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
        if _replays(conn, [report]):
            return False
        previous = hot_sql.last_observed(conn, [report.instance_id]).get(report.instance_id)
        observed = report.observed(previous).at
        if not hot_sql.insert_report(
            conn,
            report.report_id,
            report.customer_id,
            report.instance_id,
            report.received_at,
            document["sequence"],
            raw_bodies.pack(report.body),
            document.get("agent_id"),
            observed,
        ):
            return False
        was_silent = hot_sql.touch_instance(
            conn, report.instance_id, report.received_at, document["instance"].get("odoo_version"), observed
        )
        self.after_insert(conn, report, was_silent, None, observed)
        return True

    def after_insert(
        self,
        conn: Connection,
        report: IncomingReport,
        was_silent: bool,
        known: dict[int, list[hot_sql.ConditionHead]] | None,
        observed: datetime | None = None,
    ) -> None:
        """Conditions, integrations and limits of a stored report; `known` holds conditions read ahead;
        `observed` dates the checks (when the agent saw them)."""
        checks = report.document["checks"]
        if self.monitor is not None:
            if was_silent:
                self.monitor.agent_back(conn, report.instance_id)
                if known is not None:
                    known.pop(report.instance_id, None)
            preloaded = known.get(report.instance_id) if known is not None else None
            # The usual report: nothing failing on an instance with no conditions on record. Observing
            # it would write nothing (monitor.observe's hot path), so its checks are not even unpacked.
            if preloaded or preloaded is None or "failing" in [c["status"] for c in checks]:
                changed = self.monitor.observe(
                    conn, report.instance_id, observations_from_report(checks), preloaded, observed
                )
                if changed and known is not None:
                    known.pop(report.instance_id, None)  # the next report of this instance reads them again
        if self.integrations_handler is not None:
            names = [c["integration"] for c in checks if c.get("integration")]
            if names:
                self.integrations_handler(conn, report.customer_id, names)
        counts = report.document.get("counts")
        if counts:
            record_usage(conn, report.customer_id, report.instance_id, report.received_at, counts)
        if counts and self.counts_handler is not None:
            self.counts_handler(conn, report.customer_id, report.instance_id, counts)


def _replays(conn: Connection, reports: list[IncomingReport]) -> set[str]:
    """Report ids at or below their agent's pruned sequence: sent before, their raw rows since deleted."""
    keys = {(r.customer_id, r.document["agent_id"]) for r in reports if r.document.get("agent_id")}
    if not keys:
        return set()
    floors = hot_sql.pruned_through(conn, sorted(keys))
    return {
        r.report_id
        for r in reports
        if (floor := floors.get((r.customer_id, r.document.get("agent_id") or ""))) is not None
        and r.document["sequence"] <= floor
    }


def store_batch(store: ReportStore, conn: Connection, reports: list[IncomingReport]) -> list[bool]:
    """ReportStore for a whole batch: one INSERT for all reports, one round of instance updates, one
    SELECT of conditions; then the per-report work (conditions, limits) in arrival order."""
    first_at: dict[str, int] = {}
    for index, report in enumerate(reports):
        first_at.setdefault(report.report_id, index)  # the same id twice in one batch: later ones are replays
    fresh = [reports[index] for index in first_at.values()]
    if replays := _replays(conn, fresh):
        fresh = [r for r in fresh if r.report_id not in replays]
    latest = hot_sql.last_observed(conn, sorted({r.instance_id for r in fresh}))
    observed: dict[str, datetime] = {}
    for r in fresh:  # in arrival order: each report is bounded by the one before it
        observed[r.report_id] = at = r.observed(latest.get(r.instance_id)).at
        latest[r.instance_id] = at
    inserted = hot_sql.insert_reports(
        conn,
        [
            (
                r.report_id,
                r.customer_id,
                r.instance_id,
                r.received_at,
                r.document["sequence"],
                raw_bodies.pack(r.body),
                r.document.get("agent_id"),
                observed[r.report_id],
            )
            for r in fresh
        ],
    )
    stored = [r for r in fresh if r.report_id in inserted]
    silent = hot_sql.touch_instances(
        conn,
        [
            (r.instance_id, r.received_at, r.document["instance"].get("odoo_version"), observed[r.report_id])
            for r in stored
        ],
    )
    known: dict[int, list[hot_sql.ConditionHead]] = {}
    if store.monitor is not None:
        known = hot_sql.conditions_for(conn, sorted({r.instance_id for r in stored}))
    for report in stored:
        store.after_insert(conn, report, report.instance_id in silent, known, observed[report.report_id])
        silent.discard(report.instance_id)
    return [r.report_id in inserted and first_at[r.report_id] == index for index, r in enumerate(reports)]


def compact_body(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
