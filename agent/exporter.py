"""The optional /metrics endpoint: the latest figures as Prometheus gauges (prometheus-client)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from agent.checks.serving import odoo_serves
from agent.report import Report
from agent.spool import SUFFIX
from prioritysupport.build_info import register_process_metrics

PREFIX = "prioritysupport"
# The Odoo instance's label. Not `instance`: Prometheus sets that to the scrape target itself.
INSTANCE = "odoo_instance"


class SpoolAge(Collector):
    """Age of the oldest report waiting in the spool, read from the folder at scrape time (0: empty).

    The age says how long the collector has been unreachable, whatever the report interval."""

    def __init__(self, folder: Path, clock: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.clock = clock

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        oldest = None
        with contextlib.suppress(OSError):  # no spool folder yet: nothing waits
            for path in self.folder.glob(f"*{SUFFIX}"):
                with contextlib.suppress(OSError):  # sent and removed meanwhile
                    mtime = path.stat().st_mtime
                    oldest = mtime if oldest is None else min(oldest, mtime)
        age = max(self.clock() - oldest, 0.0) if oldest is not None else 0.0
        yield GaugeMetricFamily(
            f"{PREFIX}_agent_spool_oldest_age_seconds",
            "Age of the oldest report waiting in the spool (0 when it is empty).",
            value=age,
        )


class Metrics:
    """Gauges updated from each report; a registry of its own keeps the exporter's output ours."""

    def __init__(self, spool_folder: Path | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._dropped_seen = 0
        r = self.registry
        register_process_metrics(r, "agent")
        if spool_folder is not None:
            r.register(SpoolAge(spool_folder))

        def gauge(name: str, help_text: str, labels: tuple[str, ...] = (INSTANCE,)) -> Gauge:
            return Gauge(f"{PREFIX}_{name}", help_text, labels, registry=r)

        self.odoo_up = gauge(
            "odoo_up", "1 when Odoo serves (login page, version; database and read not failing)."
        )
        self.login_ok = gauge(
            "odoo_login_ok", "1 when Odoo accepts the monitoring login; absent when not known."
        )
        self.odoo_latency = gauge(
            "odoo_latency_seconds", "Duration of the latest cheap read (kept while no read happens)."
        )
        self.check_up = gauge(
            "check_up",
            "1 when the check is ok, 0 when failing (unknown checks are absent).",
            (INSTANCE, "check", "kind"),
        )
        self.internal_users = gauge("internal_users", "Active internal users (share = False).")
        self.share_users = gauge("share_users", "Active share (portal) users.")
        self.active_users = gauge("active_users_15d", "Users who logged in within 15 days.")
        self.custom_lines = gauge("custom_code_lines", "Custom lines of code as odoo-bin cloc counts them.")
        self.integration_up = gauge(
            "integration_up", "1 when the integration check is ok.", (INSTANCE, "integration", "check")
        )
        self.cpu = gauge("host_cpu_usage_ratio", "Host CPU use (0-1) since the previous sample.", ())
        self.load1 = gauge("host_load1", "Host load average over one minute.", ())
        self.memory = gauge("host_memory_usage_ratio", "Host memory in use (0-1).", ())
        self.swap = gauge("host_swap_usage_ratio", "Host swap in use (0-1).", ())
        self.disk = gauge("host_disk_usage_ratio", "Disk space in use (0-1) per mount.", ("mount",))
        self.workers = gauge("odoo_workers", "Odoo processes on this host.", ())
        self.workers_rss = gauge(
            "odoo_workers_resident_memory_bytes", "Resident memory of the Odoo processes.", ()
        )
        self.postgres = gauge("host_postgres_up", "1 when PostgreSQL runs on this host.", ())
        self.spool_reports = gauge("agent_spool_reports", "Reports waiting in the spool.", ())
        self.dropped = Counter(
            f"{PREFIX}_agent_spool_dropped_reports",
            "Reports dropped because a spool bound was hit.",
            registry=r,
        )
        self.last_push = gauge(
            "agent_last_push_timestamp_seconds", "When the collector last accepted a report.", ()
        )
        self.counts_peak = gauge(
            "agent_counts_child_peak_resident_memory_bytes",
            "Peak resident memory of the counting child process.",
            (),
        )

    def observe(self, report: Report) -> None:
        instance = report.instance.name
        statuses = {check.key: check for check in report.checks}
        for check in report.checks:
            labels: dict[str, Any] = {INSTANCE: instance, "check": check.key, "kind": check.kind}
            if check.status == "unknown":
                with contextlib.suppress(KeyError):
                    self.check_up.remove(instance, check.key, check.kind)
            else:
                self.check_up.labels(**labels).set(1 if check.status == "ok" else 0)
            if check.integration and check.status != "unknown":
                self.integration_up.labels(instance, check.integration, check.kind).set(
                    1 if check.status == "ok" else 0
                )
        # Serving is apart from logging in: a refused monitoring login says nothing about Odoo being up.
        up = odoo_serves(statuses)
        self.odoo_up.labels(instance).set(1 if up else 0)
        login = statuses.get("odoo.authentication")
        if login is None or login.status == "unknown":
            with contextlib.suppress(KeyError):
                self.login_ok.remove(instance)
        else:
            self.login_ok.labels(instance).set(1 if login.status == "ok" else 0)
        latency = statuses.get("odoo.latency")
        if latency is not None and latency.value is not None:
            self.odoo_latency.labels(instance).set(latency.value / 1000.0)
        counts = report.counts
        if counts is not None:
            for metric, value in (
                (self.internal_users, counts.internal_users),
                (self.share_users, counts.share_users),
                (self.active_users, counts.active_users_15d),
                (self.custom_lines, counts.custom_lines),
            ):
                if value is not None:
                    metric.labels(instance).set(value)
        host = report.host
        if host is not None:
            self.cpu.set(host.cpu_percent / 100.0)
            self.load1.set(host.load1)
            self.memory.set(host.memory_percent / 100.0)
            self.swap.set(host.swap_percent / 100.0)
            for disk in host.disks:
                self.disk.labels(disk.mount).set(disk.percent / 100.0)
            self.workers.set(host.odoo_workers)
            self.workers_rss.set(host.odoo_workers_rss_bytes)
            if host.postgres_running is not None:
                self.postgres.set(1 if host.postgres_running else 0)

    def observe_agent(
        self, spooled: int, dropped_total: int, last_push: float | None, counts_peak: int | None
    ) -> None:
        self.spool_reports.set(spooled)
        if dropped_total > self._dropped_seen:
            self.dropped.inc(dropped_total - self._dropped_seen)
            self._dropped_seen = dropped_total
        if last_push is not None:
            self.last_push.set(last_push)
        if counts_peak is not None:
            self.counts_peak.set(counts_peak)

    def serve(self, host: str, port: int) -> Any:
        """Start the /metrics server in a daemon thread; returns the server (shutdown() stops it)."""
        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        return server

    def exposition(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)
