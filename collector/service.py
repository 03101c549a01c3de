"""Wiring: one engine, one clock, the outbox, the ticket core, the router and the monitor of a process."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from prometheus_client import CollectorRegistry
from sqlalchemy import Connection, Engine, select

from alerts.metrics import DeliveryMetrics
from alerts.outbox import Outbox
from alerts.signing import AckSigner
from collector.clock_setup import clock_from_settings
from collector.config import CollectorConfig, policy_from_settings
from collector.contracts.book import contract_in_force
from collector.contracts.limit_watch import LimitWatch
from collector.ingest.agent_auth import AgentDirectory
from collector.ingest.pipeline import IncomingReport, ReportStore, store_batch
from collector.monitoring.alertmanager import AlertIntake
from collector.monitoring.classification import Classification
from collector.monitoring.metrics import (
    AlertmanagerMetrics,
    DatabaseGauges,
    IngestMetrics,
    TicketMetrics,
    delivery_label_sets,
)
from collector.monitoring.monitor import Monitor, Probe, http_probe
from collector.monitoring.odoo_versions import VersionWatch
from collector.monitoring.watchdog import Watchdog
from collector.policy.policy import Policy
from collector.routing.rules import DEFAULT_RULES, Router, RoutingEvent
from collector.storage import tables as t
from collector.storage.after_commit import after_commit, transaction
from collector.storage.database import make_engine
from collector.storage.group_commit import GroupCommitWriter
from collector.storage.retention import PrunePace, RetentionTask, run_on_signal
from collector.storage.sweep_lock import sweep_turn
from collector.tickets.acknowledgement import note_acknowledgement
from collector.tickets.core import TicketService
from collector.tickets.opening import TicketOpened
from prioritysupport.build_info import register_process_metrics
from prioritysupport.clock import Clock

SWEEP_COUNTS = (
    "breaches",
    "held_tickets_opened",
    "silent_agents",
    "migration_requests",
    "prebreach_warnings",
)

log = logging.getLogger("prioritysupport.collector")


@dataclass
class Collector:
    config: CollectorConfig
    engine: Engine
    clock: Clock
    policy: Policy  # built once from [policy] catalogue; everything that decides by the policy gets this one
    outbox: Outbox
    tickets: TicketService
    router: Router
    monitor: Monitor
    directory: AgentDirectory
    writer: GroupCommitWriter[IncomingReport]
    store: ReportStore
    limits: LimitWatch
    registry: CollectorRegistry
    ingest_metrics: IngestMetrics
    extras: dict[str, Any] = field(default_factory=dict)
    alertmanager_metrics: AlertmanagerMetrics | None = None
    watchdog: Watchdog | None = None

    def ingest_now(self, document: dict[str, Any], customer_id: int, instance_id: int) -> bool:
        """Store one (already validated) report synchronously, outside HTTP: for tools and tests."""
        from collector.ingest.pipeline import compact_body

        incoming = IncomingReport(
            report_id=document["report_id"],
            customer_id=customer_id,
            instance_id=instance_id,
            received_at=self.clock.now(),
            document=document,
            body=compact_body(document),
        )
        with transaction(self.engine) as conn:
            return self.store(conn, incoming)

    def alert_intake(self) -> AlertIntake:
        """The parts the Alertmanager intake works with (read now: tests may swap the watchdog)."""
        return AlertIntake(
            engine=self.engine,
            clock=self.clock,
            tickets=self.tickets,
            monitor=self.monitor,
            watchdog=self.watchdog,
            metrics=self.alertmanager_metrics,
        )

    def tick(self) -> dict[str, int]:
        """The periodic work: breach flags, held tickets, silent agents. Safe to call any time."""
        # Each write transaction takes the ingest writer's turn: the two alternate at once instead of
        # one polling SQLite's busy timeout while the other writes.
        with self.writer.turn(), transaction(self.engine) as conn:
            if not sweep_turn(conn):
                return dict.fromkeys(SWEEP_COUNTS, 0)  # another replica is sweeping right now
            breaches = self.tickets.refresh_breaches(conn)
            held = self.monitor.open_held_tickets(conn)
            migrations = len(VersionWatch(self.clock, self.tickets).check(conn))
            prebreach = self._warn_prebreach(conn)
        if self.watchdog is not None:
            with self.writer.turn(), transaction(self.engine) as conn:
                self.watchdog.check(conn, self.outbox.enqueue)
        with self.engine.connect() as conn:
            silent = self.monitor.silent_instances(conn)
        for instance in silent:
            # The probe is network I/O: never inside a transaction (SQLite would hold its write lock).
            answered = self.monitor.probe(instance.url, self.config.monitoring.probe_timeout_seconds)
            with self.writer.turn(), transaction(self.engine) as conn:
                self.monitor.handle_silent(conn, instance, answered)
        return {
            "breaches": breaches,
            "held_tickets_opened": held,
            "silent_agents": len(silent),
            "migration_requests": migrations,
            "prebreach_warnings": prebreach,
        }

    def _warn_prebreach(self, conn: Connection) -> int:
        """75% of the response target gone: the assignee hears first; the team only if the assignee has not
        answered the reporter halfway to the deadline (unassigned tickets: the team at once)."""
        from collector.tickets.acknowledgement import assignee_address

        due = self.tickets.due_prebreach(conn)
        now = self.clock.now()
        for ticket in due:
            self.tickets.mark_prebreach_warned(conn, ticket.id)
            assignee, address = assignee_address(conn, ticket.id)
            team_from = now + (ticket.response_due - now) / 2 if ticket.response_due else now
            self.router.route(
                conn,
                RoutingEvent(
                    name="sla_prebreach",
                    subject_ref=ticket.number,
                    customer_id=ticket.customer_id,
                    ticket_id=ticket.id,
                    fields={
                        "priority": ticket.priority,
                        "premium": ticket.premium,
                        "assigned": assignee is not None,
                        "assignee_address": address,
                        "team_from": team_from,
                    },
                    values={
                        "ticket": ticket.number,
                        "subject": ticket.subject,
                        "summary": ticket.subject,
                        "priority": ticket.priority,
                        "assignee": assignee or "",
                        "deadline": ticket.response_due.isoformat() if ticket.response_due else "",
                        "deadline_kind": "response",
                        "response_due": ticket.response_due.isoformat() if ticket.response_due else "",
                    },
                    language="nl",
                    dedup_key=f"prebreach:{ticket.number}",
                ),
            )
        return len(due)


def opened_event(conn: Connection, opened: TicketOpened, clock: Clock) -> RoutingEvent:
    contract = contract_in_force(conn, opened.customer_id, clock.now().date())
    customer = conn.execute(select(t.customers).where(t.customers.c.id == opened.customer_id)).one()
    return RoutingEvent(
        name="ticket_opened",
        subject_ref=opened.number,
        customer_id=opened.customer_id,
        ticket_id=opened.ticket_id,
        fields={
            "category": opened.category,
            "priority": opened.priority,
            "premium": opened.premium,
            "source": opened.source,
            "notify_customer": bool(contract.notify_customer_incidents) if contract else True,
            "has_reporter": bool(opened.reporter),
            "reporter": opened.reporter,
        },
        values={
            "ticket": opened.number,
            "summary": opened.subject,
            "priority": opened.priority,
            "customer": customer.name,
            "deadline_kind": "response",
            **opened.values,
            "subject": opened.subject,  # what broke, whatever summary the intake wrote
        },
        language=opened.language,
        dedup_key=f"ticket:{opened.number}",
    )


def build_collector(
    config: CollectorConfig,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    probe: Probe = http_probe,
    policy: Policy | None = None,
) -> Collector:
    clock = clock or clock_from_settings(config.clock)
    policy = policy or policy_from_settings(config.policy)
    engine = engine or make_engine(config.database_url)
    registry = CollectorRegistry()
    settings = config.notifications
    signer = AckSigner(settings.ack_secret, clock) if settings.ack_secret else None
    rules = config.routing_rules or DEFAULT_RULES
    delivery = DeliveryMetrics(registry, known=delivery_label_sets(rules))
    outbox = Outbox(engine, clock, metrics=delivery, ack_signer=signer, public_url=settings.public_url)
    router = Router(
        clock,
        outbox.enqueue,
        policy=policy,
        rules=rules,
        paged_lookup=outbox.paged_recipients,
        notified_lookup=outbox.notified_recipients,
    )

    def on_opened(conn: Connection, opened: TicketOpened) -> None:
        router.route(conn, opened_event(conn, opened, clock))

    def on_staff_action(conn: Connection, number: str, actor: str) -> None:
        # Staff acting on a ticket acknowledges its page; alerts/ opens its own transaction for that.
        after_commit(conn, lambda: outbox.acknowledge(number, actor, via="ticket"))

    ticket_metrics = TicketMetrics(registry)

    def on_chain_end(conn: Connection, number: str, reason: str) -> None:
        outbox.end_chain(conn, number, reason)

    def on_first_response(conn: Connection, ticket: Any, business: timedelta) -> None:
        # The reporter has an answer: the team's held nearly-due notice is no longer needed.
        outbox.cancel_pending(conn, f"prebreach:{ticket.number}:sla-prebreach-team-later", "answered")
        key = conn.execute(
            select(t.customers.c.key).where(t.customers.c.id == ticket.customer_id)
        ).scalar_one()
        histogram = ticket_metrics.response_business_seconds.labels(key, ticket.priority)
        after_commit(conn, lambda: histogram.observe(business.total_seconds()))  # only what was committed

    tickets = TicketService(
        clock,
        policy,
        on_opened=on_opened,
        on_staff_action=on_staff_action,
        on_first_response=on_first_response,
        on_chain_end=on_chain_end,
    )
    outbox.ack_listeners.append(lambda conn, outcome: note_acknowledgement(tickets, conn, outcome))
    monitor = Monitor(
        clock,
        config.monitoring,
        tickets,
        router,
        probe=probe,
        end_chain=on_chain_end,
        check_overrides={k: Classification(*v) for k, v in config.monitoring.check_overrides.items()},
        integration_overrides={
            k: Classification(*v) for k, v in config.monitoring.integration_overrides.items()
        },
    )
    limits = LimitWatch(clock, router, policy)
    store = ReportStore(monitor, counts_handler=limits, integrations_handler=limits.integrations_seen)
    writer: GroupCommitWriter[IncomingReport] = GroupCommitWriter(
        engine,
        store,
        name="ingest-writer",
        on_rollback=limits.forget,
        handle_batch=lambda conn, batch: store_batch(store, conn, batch),
        linger=config.server.ingest_linger_ms / 1000,
        on_loop=engine.dialect.name == "sqlite",
    )
    registry.register(DatabaseGauges(engine, clock, config.monitoring.backup_glob))
    register_process_metrics(registry, "collector")
    ingest_metrics = IngestMetrics(registry)
    writer.observe = ingest_metrics.observe_batch
    return Collector(
        config=config,
        engine=engine,
        clock=clock,
        policy=policy,
        outbox=outbox,
        tickets=tickets,
        router=router,
        monitor=monitor,
        directory=AgentDirectory(engine, clock),
        writer=writer,
        store=store,
        limits=limits,
        registry=registry,
        ingest_metrics=ingest_metrics,
        alertmanager_metrics=AlertmanagerMetrics(registry),
        watchdog=Watchdog(clock, config.monitoring.watchdog_minutes),
    )


class PeriodicTasks:
    """Runs Collector.tick every `interval` real seconds in a daemon thread."""

    def __init__(self, collector: Collector, interval: float) -> None:
        self.collector = collector
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="collector-periodic", daemon=True)
        self.retention = retention_task(collector)

    def start(self) -> None:
        self._thread.start()
        if self.retention is not None:
            self.retention.start()
            run_on_signal(self.retention)

    def stop(self) -> None:
        self._stop.set()
        if self.retention is not None:
            self.retention.stop()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.collector.tick()
            except Exception as exc:  # keep the loop alive through a database hiccup
                log.error("periodic task failed: %s", exc)


def retention_task(collector: Collector) -> RetentionTask | None:
    """Raw reports pruned in the service, in small batches, every retention.prune_every_minutes."""
    settings = collector.config.retention
    if settings.prune_every_minutes <= 0:
        return None
    pace = PrunePace(settings.prune_batch_rows, settings.prune_pause_ms / 1000)
    every = timedelta(minutes=settings.prune_every_minutes)
    return RetentionTask(
        collector.engine, collector.clock, settings.raw_report_age(), every, pace, turn=collector.writer.turn
    )
