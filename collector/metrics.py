"""/metrics: ingest counters kept in memory, and gauges read from the database at scrape time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, Integer, cast, func, select

from alerts.clock import Clock
from collector import tables as t
from collector.tickets import OPEN_STATES


class IngestMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.reports = Counter(
            "prioritysupport_ingest_reports", "Reports answered, by outcome.", ("outcome",), registry=registry
        )
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


class DatabaseGauges(Collector):
    """Tickets, breaches, agent silence and limits, computed when Prometheus scrapes."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def describe(self) -> list[Any]:
        return []  # no values at registration time: do not query the database then

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self.clock.now()
        open_tickets = GaugeMetricFamily(
            "prioritysupport_tickets_open",
            "Open tickets by customer and priority.",
            labels=["customer", "priority"],
        )
        breaches = GaugeMetricFamily(
            "prioritysupport_sla_breaches",
            "Tickets with a breached target, by customer and target.",
            labels=["customer", "target"],
        )
        last_seen = GaugeMetricFamily(
            "prioritysupport_agent_last_seen_age_seconds",
            "Seconds since the last report of each instance.",
            labels=["customer", "instance"],
        )
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
        customer_key = t.customers.c.key
        with self.engine.connect() as conn:
            for key, priority, count in conn.execute(
                select(customer_key, t.tickets.c.priority, func.count())
                .join(t.customers, t.customers.c.id == t.tickets.c.customer_id)
                .where(t.tickets.c.state.in_(OPEN_STATES))
                .group_by(customer_key, t.tickets.c.priority)
            ):
                open_tickets.add_metric([key, priority], count)
            for key, response, resolution in conn.execute(
                select(
                    customer_key,
                    func.sum(cast(t.tickets.c.response_breached, Integer)),
                    func.sum(cast(t.tickets.c.resolution_breached, Integer)),
                )
                .join(t.customers, t.customers.c.id == t.tickets.c.customer_id)
                .group_by(customer_key)
            ):
                breaches.add_metric([key, "response"], response or 0)
                breaches.add_metric([key, "resolution"], resolution or 0)
            for key, name, seen in conn.execute(
                select(customer_key, t.instances.c.name, t.instances.c.last_report_at).join(
                    t.customers, t.customers.c.id == t.instances.c.customer_id
                )
            ):
                if seen is not None:
                    last_seen.add_metric([key, name], max((now - seen).total_seconds(), 0.0))
            for key, metric, used, allowed in conn.execute(
                select(
                    customer_key,
                    t.limit_states.c.metric,
                    t.limit_states.c.usage,
                    t.limit_states.c.limit_value,
                ).join(t.customers, t.customers.c.id == t.limit_states.c.customer_id)
            ):
                usage.add_metric([key, metric], used)
                if allowed is not None:
                    limit.add_metric([key, metric], allowed)
        yield from (open_tickets, breaches, last_seen, usage, limit)
