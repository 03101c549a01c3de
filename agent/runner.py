"""The agent's cycle: run each due check group, assemble a report per instance, push it."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import requests

from agent.checks.availability import check_availability
from agent.checks.host import collect_host
from agent.checks.integrations import IntegrationContext, check_integration
from agent.checks.transitions import transitions
from agent.config import AgentConfig, Instance
from agent.counts_child import CountsFailed, run_counts
from agent.exporter import Metrics
from agent.odoo import Credentials, OdooClient, OdooClientError, connect
from agent.odoo.transport import HttpTransport, TransportSettings
from agent.push import FlushResult, Pusher
from agent.report import CheckResult, Counts, HostFigures, InstanceInfo, Report, utc_iso
from agent.sequence import SequenceStore
from agent.spool import Spool

log = logging.getLogger("prioritysupport.agent")

AVAILABILITY = "availability"
COUNTS = "counts"
HOST = "host"


class InstanceMonitor:
    """The latest state of one Odoo instance: its client, version, check results and counts."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.transport = HttpTransport(
            TransportSettings(timeout=instance.timeout, retries=instance.retries, verify=instance.verify)
        )
        self.session = requests.Session()
        self.client: OdooClient | None = None
        self.version: dict[str, object] | None = None
        self.odoo_reachable = False
        self.latest: dict[str, CheckResult] = {}
        self.counts: Counts | None = None
        self.counts_peak_rss: int | None = None
        self.counts_failures = 0  # consecutive failed counts: the retry backs off with each

    @property
    def major(self) -> int | None:
        info = (self.version or {}).get("server_version_info")
        if isinstance(info, list) and info and isinstance(info[0], int):
            return info[0]
        return None

    def _connect(self) -> tuple[OdooClient | None, OdooClientError | None]:
        if self.client is not None:
            return self.client, None
        instance = self.instance
        credentials = Credentials(
            instance.database, instance.login, instance.secret, instance.secret_is_api_key
        )
        try:
            self.client = connect(instance.url, credentials, self.transport, instance.protocol)  # type: ignore[arg-type]
        except OdooClientError as error:
            return None, error
        return self.client, None

    def run_availability(self) -> None:
        client, error = self._connect()
        outcome = check_availability(self.instance, self.transport, client, error)
        if outcome.version is not None:
            self.version = outcome.version
        else:
            self.client = None  # probe again next time: the server may come back as another version
        self.odoo_reachable = outcome.authenticated
        self._record(outcome.checks)

    def run_integration(self, index: int) -> None:
        integration = self.instance.integrations[index]
        client = self.client if self.odoo_reachable else None
        context = IntegrationContext(client, self.major, self.session, self.instance.verify)
        self._record([check_integration(integration, context)])

    def _record(self, checks: list[CheckResult]) -> None:
        log_transitions(self.instance.name, self.latest, checks)
        for check in checks:
            self.latest[check.key] = check

    def run_counts(self, config: AgentConfig) -> bool:
        """Count users and lines; False when Odoo could not be counted (retried with a backoff)."""
        if not self.odoo_reachable:
            # The availability check just failed to log in: a child process would fail the same way.
            self.counts_failures += 1
            log.info("counts for %s postponed: Odoo does not accept the login", self.instance.name)
            return False
        serie = str(self.version.get("server_version")) if self.version else None
        try:
            run = run_counts(self.instance, serie, config.state_dir / "cloc-cache", config.counts_in_child)
        except (CountsFailed, OdooClientError, OSError) as error:
            self.counts_failures += 1
            log.warning("counts for %s failed: %s", self.instance.name, error)
            return False
        self.counts_failures = 0
        self.counts = run.counts
        if run.peak_rss_bytes is not None:
            self.counts_peak_rss = run.peak_rss_bytes
        return True

    def info(self) -> InstanceInfo:
        version = self.version or {}
        return InstanceInfo(
            name=self.instance.name,
            url=self.instance.url,
            database=self.instance.database,
            odoo_version=str(version["server_version"]) if "server_version" in version else None,
            odoo_serie=str(version["server_serie"]) if "server_serie" in version else None,
            protocol=self.client.protocol if self.client is not None else None,
        )


class Agent:
    def __init__(
        self,
        config: AgentConfig,
        push: bool = True,
        on_report: Callable[[Report], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        metrics: Metrics | None = None,
    ) -> None:
        self.config = config
        self.metrics = metrics
        self.push = push
        self.on_report = on_report
        self.monotonic = monotonic
        self.monitors = [InstanceMonitor(instance) for instance in config.instances]
        self.sequence = SequenceStore(config.state_dir / "sequence")
        self.spool = Spool(
            config.state_dir / "spool", config.spool_max_bytes, config.spool_max_age_hours * 3600
        )
        collector = config.collector
        verify: bool | str = collector.ca_bundle or True
        self.pusher = Pusher(self.spool, collector.url, collector.token, verify, collector.timeout)
        self.due: dict[tuple[int, str], float] = {}
        self.host: HostFigures | None = None
        self.host_checks: list[CheckResult] = []
        self.last_flush: FlushResult | None = None

    def _intervals(self) -> dict[tuple[int, str], float]:
        intervals = {(-1, HOST): self.config.intervals.host}
        for number, monitor in enumerate(self.monitors):
            intervals[(number, AVAILABILITY)] = self.config.intervals.availability
            intervals[(number, COUNTS)] = self.config.intervals.counts
            for index, integration in enumerate(monitor.instance.integrations):
                intervals[(number, f"integration:{index}")] = integration.interval
        return intervals

    def next_due(self) -> float:
        intervals = self._intervals()
        return min(self.due.get(job, 0.0) for job in intervals)

    def run_due(self, force: bool = False) -> list[Report]:
        """Run every job that is due (all of them with force) and return the reports built."""
        now = self.monotonic()
        ran: set[int] = set()
        host_ran = False
        for (number, job), interval in sorted(
            self._intervals().items(), key=lambda item: _job_order(item[0][1])
        ):
            if not force and self.due.get((number, job), 0.0) > now:
                continue
            self.due[(number, job)] = now + interval
            if job == HOST:
                self._run_host()
                host_ran = True
                continue
            monitor = self.monitors[number]
            if job == AVAILABILITY:
                was_reachable = monitor.odoo_reachable
                monitor.run_availability()
                if monitor.odoo_reachable and not was_reachable and monitor.counts_failures:
                    # Odoo is back after counts failed: count now (once), not at the end of the backoff.
                    self.due[(number, COUNTS)] = now
            elif job == COUNTS:
                if not monitor.run_counts(self.config):
                    self.due[(number, job)] = now + counts_retry_delay(
                        monitor.counts_failures, self.config.intervals.availability, interval
                    )
            else:
                monitor.run_integration(int(job.split(":", 1)[1]))
            ran.add(number)
        if host_ran:
            ran.update(range(len(self.monitors)))
        reports = [self._report(self.monitors[number], include_counts=True) for number in sorted(ran)]
        for report in reports:
            self._deliver(report)
        return reports

    def _run_host(self) -> None:
        config = self.config
        try:
            host, checks = collect_host(
                config.disk_warn_percent, config.disk_critical_percent, config.local_postgres
            )
        except (OSError, RuntimeError) as error:
            log.warning("host figures failed: %s", error)
            return
        log_transitions("host", {check.key: check for check in self.host_checks}, checks)
        self.host, self.host_checks = host, checks

    def _report(self, monitor: InstanceMonitor, include_counts: bool) -> Report:
        spooled = self.spool.pending()
        sequence = self.sequence.next(at_least=spooled[-1].sequence if spooled else 0)
        counts = monitor.counts if include_counts else None
        monitor.counts = None  # counts travel once, in the report after they were taken
        return Report(
            report_id=str(uuid.uuid4()),
            agent_id=self.config.agent_id,
            sequence=sequence,
            sent_at=utc_iso(datetime.now(UTC)),
            instance=monitor.info(),
            checks=[*monitor.latest.values(), *self.host_checks],
            counts=counts,
            host=self.host,
        )

    def _deliver(self, report: Report) -> None:
        if self.on_report is not None:
            self.on_report(report)
        if self.metrics is not None:
            self.metrics.observe(report)
        if self.push:
            self.last_flush = self.pusher.submit(
                report.sequence, report.report_id, report.dumps().encode("utf-8")
            )

    @property
    def counts_peak_rss(self) -> int | None:
        peaks = [monitor.counts_peak_rss for monitor in self.monitors if monitor.counts_peak_rss is not None]
        return max(peaks) if peaks else None

    def run_forever(self, stop: threading.Event, replay_every: float = 15.0) -> None:
        """Loop until stop is set; between cycles, retries the spool every `replay_every` seconds."""
        last_replay = self.monotonic()
        while not stop.is_set():
            if self.run_due():
                last_replay = self.monotonic()
            self._observe()
            wait = max(0.05, self.next_due() - self.monotonic())
            if stop.wait(min(wait, replay_every)):
                break
            waiting = self.push and self.config.collector.url and self.pusher.last_error
            if waiting and self.monotonic() - last_replay >= replay_every and self.spool.pending():
                self.last_flush = self.pusher.flush()
                last_replay = self.monotonic()

    def _observe(self) -> None:
        if self.metrics is not None:
            self.metrics.observe_agent(
                self.spool.size, self.spool.dropped_total, self.pusher.last_success, self.counts_peak_rss
            )


def counts_retry_delay(failures: int, availability: float, counts: float) -> float:
    """Seconds until failed counts are tried again: the availability interval, doubled per further
    failure, never more than the counts interval (a down Odoo is not counted every minute for hours)."""
    exponent = min(max(failures - 1, 0), 32)
    return min(availability * 2**exponent, counts)


def log_transitions(source: str, previous: dict[str, CheckResult], current: list[CheckResult]) -> None:
    """One line per check whose state changed; nothing when nothing changed."""
    for change in transitions(previous, current):
        level = logging.WARNING if change.new == "failing" else logging.INFO
        log.log(level, "%s", change.line(source))


def _job_order(job: str) -> int:
    # Availability first: the integrations and counts reuse the client and version it finds.
    return {HOST: 0, AVAILABILITY: 1}.get(job, 2 if job.startswith("integration:") else 3)
