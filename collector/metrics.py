"""/metrics: ingest counters kept in memory, and gauges read from the database at scrape time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

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


PRIORITIES = ("A", "B", "C", "D")
TARGETS = ("response", "resolution")


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
    """Tickets, breaches, agent silence and limits, computed when Prometheus scrapes."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def describe(self) -> list[Any]:
        return []  # no values at registration time: do not query the database then

    def collect(self) -> Iterator[Metric]:
        now = self.clock.now()
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
        # From the append-only breach events, so every replica and every restart tells the same count.
        breaches = CounterMetricFamily(
            "prioritysupport_sla_breaches",
            "SLA targets breached, by customer, target (response, resolution) and priority.",
            labels=["customer", "target", "priority"],
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
            # Every customer gets every series (zero until something happens): rules and panels see them.
            keys = list(conn.execute(select(customer_key)).scalars())
            risky = {(key, priority): 0 for key in keys for priority in PRIORITIES}
            breached = {(key, target, p): 0 for key in keys for target in TARGETS for p in PRIORITIES}
            for key, priority, count in conn.execute(
                select(customer_key, t.tickets.c.priority, func.count())
                .join(t.customers, t.customers.c.id == t.tickets.c.customer_id)
                .where(
                    t.tickets.c.state.in_(OPEN_STATES)
                    & t.tickets.c.first_response_at.is_(None)
                    & (t.tickets.c.prebreach_at <= now)
                )
                .group_by(customer_key, t.tickets.c.priority)
            ):
                risky[(key, priority)] = count
            for key, priority, body, count in conn.execute(
                select(customer_key, t.tickets.c.priority, t.ticket_events.c.body, func.count())
                .select_from(t.ticket_events)
                .join(t.tickets, t.tickets.c.id == t.ticket_events.c.ticket_id)
                .join(t.customers, t.customers.c.id == t.tickets.c.customer_id)
                .where(t.ticket_events.c.kind == "breach")
                .group_by(customer_key, t.tickets.c.priority, t.ticket_events.c.body)
            ):
                target = str(body).split(" ", 1)[0]  # "response target breached"
                breached[(key, target, priority)] = count
            for labels, value in risky.items():
                at_risk.add_metric(list(labels), value)
            for counted, value in breached.items():
                breaches.add_metric(list(counted), value)
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
        yield from (open_tickets, at_risk, breaches, last_seen, usage, limit)
