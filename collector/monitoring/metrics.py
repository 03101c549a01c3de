"""/metrics: ingest counters kept in memory, and gauges read from the database at scrape time."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine, case, func, select, text

from alerts.outbox import channel_of
from collector.routing.rules import ACCOUNT_MANAGER, CUSTOMER_CONTACTS, PAGED, REPORTER, Rule
from collector.storage import tables as t
from collector.tickets.core import OPEN_STATES
from prioritysupport.clock import Clock

# HTTP answers of the report intake, present at 0 from the start so that rate() sees the first 401 (a revoked
# token), 422 (an agent the collector does not understand) or 503 (the database) of a fresh process.
INGEST_OUTCOMES = ("200", "400", "401", "403", "413", "422", "503")


class IngestMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.reports = Counter(
            "prioritysupport_ingest_reports", "Reports answered, by outcome.", ("outcome",), registry=registry
        )
        for outcome in INGEST_OUTCOMES:
            self.reports.labels(outcome=outcome)
        self.latency = Histogram(
            "prioritysupport_ingest_seconds",
            "Time from request to acknowledgement of a report.",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=registry,
        )
        self.batch_seconds = Histogram(
            "prioritysupport_ingest_batch_seconds",
            "Duration of one group-commit transaction.",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=registry,
        )
        self.batch_size = Histogram(
            "prioritysupport_ingest_batch_reports",
            "Reports stored per group-commit transaction.",
            buckets=(1, 2, 5, 10, 20, 50, 100, 200, 256),
            registry=registry,
        )

    def observe_batch(self, size: int, seconds: float) -> None:
        self.batch_size.observe(size)
        self.batch_seconds.observe(seconds)


PRIORITIES = ("A", "B", "C", "D")
TARGETS = ("response", "resolution")
_MAIL_PLACEHOLDERS = (CUSTOMER_CONTACTS, REPORTER, ACCOUNT_MANAGER)


def delivery_label_sets(rules: Sequence[Rule]) -> set[tuple[str, str]]:
    """The (channel, kind) pairs the routing rules can produce, so delivery counters start at 0."""
    page_tags = {r for rule in rules if rule.kind == "page" for r in rule.recipients}
    page_tags |= {r for rule in rules for chain in rule.escalation.values() for _m, rs in chain for r in rs}
    pairs = {("ops", "ops")}
    for rule in rules:
        for recipient in rule.recipients:
            if recipient in _MAIL_PLACEHOLDERS:
                pairs.add(("mail", rule.kind))
            elif recipient == PAGED:
                pairs |= {(channel_of(tag), rule.kind) for tag in page_tags}
            else:
                pairs.add((channel_of(recipient), rule.kind))
        for chain in rule.escalation.values():
            pairs |= {(channel_of(r), "escalation") for _minutes, recipients in chain for r in recipients}
    # The rota turns oncall-* tags into one engineer each (person:ID).
    pairs |= {
        ("person", kind) for _channel, kind in list(pairs) if kind in ("page", "escalation", "recovery")
    }
    return pairs


class AlertmanagerMetrics:
    """The webhook's own health: alerts it could not place, and the Watchdog's last arrival."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.unknown_customer = Counter(
            "prioritysupport_alertmanager_unknown_customer_alerts",
            "Alerts refused because their customer label names no known customer (answered 422).",
            registry=registry,
        )
        self.watchdog_received = Gauge(
            "prioritysupport_alertmanager_watchdog_received_timestamp_seconds",
            "When Alertmanager's Watchdog alert last reached this collector (0: not yet).",
            registry=registry,
        )


class TicketMetrics:
    """Observed as tickets change (per process): the business time to the first response."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.response_business_seconds = Histogram(
            "prioritysupport_ticket_response_business_seconds",
            "Business time (the SLA's calendar) from registration to the first response.",
            ("customer", "priority"),
            # 15 min, 30 min, 1 h, 2 h, 4 h, 1, 2 and 4 working days of 8 h
            buckets=(900, 1800, 3600, 7200, 14400, 28800, 57600, 115200),
            registry=registry,
        )


class DatabaseGauges(Collector):
    """Tickets, breaches, agent silence and limits, computed when Prometheus scrapes.

    Counting is the database's work (GROUP BY): a scrape costs a handful of small result sets however
    many tickets and breach events there are.
    """

    def __init__(self, engine: Engine, clock: Clock, backup_glob: str | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.backup_glob = backup_glob

    def describe(self) -> list[Any]:
        return []  # no values at registration time: do not query the database then

    def collect(self) -> Iterator[Metric]:
        now = self.clock.now()
        with self.engine.connect() as conn:
            customers = conn.execute(select(t.customers.c.id, t.customers.c.key, t.customers.c.name)).all()
            keys = {row.id: row.key for row in customers}
            yield from ticket_families(conn, keys, now)
            yield breach_family(conn, list(keys.values()))
            yield last_seen_family(conn, now)
            yield from limit_families(conn)
            customer_info = GaugeMetricFamily(
                "prioritysupport_customer_info",
                "Always 1 per customer in contracts.toml (the dashboards' customer list).",
                labels=["customer", "name"],
            )
            for row in customers:
                customer_info.add_metric([row.key, row.name], 1)
            yield customer_info
            size = database_size(conn)
        if size is not None:
            yield GaugeMetricFamily(
                "prioritysupport_database_size_bytes", "Size of the collector's database.", value=size
            )
        if self.backup_glob:
            newest = newest_mtime(glob.glob(self.backup_glob))
            yield GaugeMetricFamily(
                "prioritysupport_backup_last_timestamp_seconds",
                "Modification time of the newest file matching monitoring.backup_glob (0: none).",
                value=newest or 0.0,
            )


def ticket_families(conn: Connection, keys: dict[int, str], now: datetime) -> Iterator[Metric]:
    """Open tickets and those at risk, per customer and priority, from one grouped query."""
    open_tickets = GaugeMetricFamily(
        "prioritysupport_tickets_open",
        "Open tickets by customer and priority.",
        labels=["customer", "priority"],
    )
    at_risk = GaugeMetricFamily(
        "prioritysupport_tickets_at_risk",
        "Open tickets past the pre-breach point (75% of the response target) without a first response.",
        labels=["customer", "priority"],
    )
    # Every customer gets every series (zero until something happens): rules and panels see them.
    opened = {(key, priority): 0 for key in keys.values() for priority in PRIORITIES}
    risky = dict(opened)
    risk = t.tickets.c.first_response_at.is_(None) & (t.tickets.c.prebreach_at <= now)
    for customer_id, priority, count, risky_count in conn.execute(
        select(
            t.tickets.c.customer_id,
            t.tickets.c.priority,
            func.count(),
            func.coalesce(func.sum(case((risk, 1), else_=0)), 0),
        )
        .where(t.tickets.c.state.in_(OPEN_STATES))
        .group_by(t.tickets.c.customer_id, t.tickets.c.priority)
    ):
        opened[(keys[customer_id], priority)] = count
        risky[(keys[customer_id], priority)] = int(risky_count)
    for labels, value in opened.items():
        open_tickets.add_metric(list(labels), value)
    for labels, value in risky.items():
        at_risk.add_metric(list(labels), value)
    yield from (open_tickets, at_risk)


def breach_family(conn: Connection, keys: list[str]) -> Metric:
    # From the append-only breach events, so every replica and every restart tells the same count.
    # The priority is the one the ticket had when it breached: a later reassessment moves no count.
    breaches = CounterMetricFamily(
        "prioritysupport_sla_breaches",
        "SLA targets breached, by customer, target (response, resolution) and priority at the breach.",
        labels=["customer", "target", "priority"],
    )
    breached = {(key, target, p): 0 for key in keys for target in TARGETS for p in PRIORITIES}
    for key, target, priority, count in breach_counts(conn):
        breached[(key, target, priority)] = breached.get((key, target, priority), 0) + count
    for counted, value in breached.items():
        breaches.add_metric(list(counted), value)
    return breaches


def last_seen_family(conn: Connection, now: datetime) -> Metric:
    last_seen = GaugeMetricFamily(
        "prioritysupport_agent_last_seen_age_seconds",
        "Seconds since the last report of each Odoo instance (none yet: since its agent's enrolment).",
        labels=["customer", "odoo_instance"],
    )
    enrolled = dict(
        conn.execute(
            select(t.agent_tokens.c.customer_id, func.min(t.agent_tokens.c.created_at))
            .where(t.agent_tokens.c.revoked_at.is_(None))
            .group_by(t.agent_tokens.c.customer_id)
        ).all()
    )
    for key, customer_id, name, seen in conn.execute(
        select(t.customers.c.key, t.customers.c.id, t.instances.c.name, t.instances.c.last_report_at).join(
            t.customers, t.customers.c.id == t.instances.c.customer_id
        )
    ):
        # An agent that never reported is as silent as one that stopped: count from enrolment.
        since = seen if seen is not None else enrolled.get(customer_id)
        if since is not None:
            last_seen.add_metric([key, name], max((now - since).total_seconds(), 0.0))
    return last_seen


def limit_families(conn: Connection) -> Iterator[Metric]:
    usage = GaugeMetricFamily(
        "prioritysupport_limit_usage",
        "Users and custom lines counted, per customer.",
        labels=["customer", "metric"],
    )
    limit = GaugeMetricFamily(
        "prioritysupport_limit_value",
        "The contract limit in force, per customer.",
        labels=["customer", "metric"],
    )
    for key, metric, used, allowed in conn.execute(
        select(
            t.customers.c.key,
            t.limit_states.c.metric,
            t.limit_states.c.usage,
            t.limit_states.c.limit_value,
        ).join(t.customers, t.customers.c.id == t.limit_states.c.customer_id)
    ):
        usage.add_metric([key, metric], used)
        if allowed is not None:
            limit.add_metric([key, metric], allowed)
    yield from (usage, limit)


def breach_counts(conn: Connection) -> Iterator[tuple[str, str, str, int]]:
    """(customer, target, priority, breaches); priority as recorded at the breach when it was.

    Grouped in the database by the event text ("response target breached"), whose first word is the
    target, so only one row per customer, text and priority comes back.
    """
    recorded = func.nullif(t.ticket_events.c.data["priority"].as_string(), "")
    priority = func.coalesce(recorded, t.tickets.c.priority)
    for key, body, at_breach, count in conn.execute(
        select(t.customers.c.key, t.ticket_events.c.body, priority, func.count())
        .select_from(t.ticket_events)
        .join(t.tickets, t.tickets.c.id == t.ticket_events.c.ticket_id)
        .join(t.customers, t.customers.c.id == t.tickets.c.customer_id)
        .where(t.ticket_events.c.kind == "breach")
        .group_by(t.customers.c.key, t.ticket_events.c.body, priority)
    ):
        yield key, str(body).split(" ", 1)[0], str(at_breach), int(count)


def database_size(conn: Connection) -> float | None:
    if conn.dialect.name == "sqlite":
        pages = conn.execute(text("PRAGMA page_count")).scalar()
        page_size = conn.execute(text("PRAGMA page_size")).scalar()
        return float(pages * page_size) if pages is not None and page_size is not None else None
    if conn.dialect.name == "postgresql":
        return float(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    return None


def newest_mtime(paths: Iterable[str]) -> float | None:
    times = []
    for path in paths:
        try:
            times.append(os.stat(path).st_mtime)
        except OSError:  # removed between the glob and the stat
            continue
    return max(times, default=None)
