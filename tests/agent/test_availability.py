"""Availability: the latency times a read only, and "Odoo is up" stays apart from "monitoring can log in"."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.checks.availability import _failed_read
from agent.exporter import Metrics
from agent.odoo import OdooClientError, RemoteError, ServerDown
from agent.report import CheckResult
from agent.runner import Agent
from demo.sim import OdooSimulator
from tests.agent.conftest import SimFactory
from tests.agent.helpers import config_for


def _checks(agent: Agent) -> dict[str, CheckResult]:
    [report] = agent.run_due(force=True)
    return {check.key: check for check in report.checks}


def test_latency_is_the_read_time(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="17.0")
    checks = _checks(Agent(config_for(tmp_path, sim), push=False))
    latency, read = checks["odoo.latency"], checks["odoo.read"]
    assert latency.status == "ok" and latency.value == read.value and latency.value is not None
    assert "read" in (latency.detail or "")


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("auth_failure", "the login was refused"),
        ("database_down", "PostgreSQL"),
    ],
)
def test_no_read_means_no_latency(start_sim: SimFactory, tmp_path: Path, fault: str, reason: str) -> None:
    sim = start_sim(version="17.0")
    sim.set_fault(fault)
    checks = _checks(Agent(config_for(tmp_path, sim), push=False))
    assert checks["odoo.version"].status == "ok"  # the version call answered and was timed
    latency = checks["odoo.latency"]
    assert (latency.status, latency.value) == ("unknown", None)
    assert "no read happened" in (latency.detail or "") and reason in (latency.detail or "")


def test_wrong_database_means_no_latency(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="16.0")
    checks = _checks(Agent(config_for(tmp_path, sim, instance={"database": "nope"}), push=False))
    latency = checks["odoo.latency"]
    assert (latency.status, latency.value) == ("unknown", None)
    assert "'nope' does not exist" in (latency.detail or "")


def _gauges(metrics: Metrics) -> tuple[str | None, str | None]:
    up = login = None
    for line in metrics.exposition().decode().splitlines():
        if line.startswith('prioritysupport_odoo_up{odoo_instance="prod"}'):
            up = line.rsplit(" ", 1)[1]
        if line.startswith('prioritysupport_odoo_login_ok{odoo_instance="prod"}'):
            login = line.rsplit(" ", 1)[1]
    return up, login


@pytest.mark.parametrize("series", ["16.0", "18.0"])
def test_a_refused_login_keeps_odoo_up(start_sim: SimFactory, tmp_path: Path, series: str) -> None:
    sim: OdooSimulator = start_sim(version=series)
    metrics = Metrics()
    agent = Agent(config_for(tmp_path, sim), push=False, metrics=metrics)
    agent.run_due(force=True)
    assert _gauges(metrics) == ("1.0", "1.0")
    sim.set_fault("auth_failure")
    agent.run_due(force=True)
    assert _gauges(metrics) == ("1.0", "0.0")  # Odoo serves; the monitoring login is refused
    sim.clear_faults()
    sim.set_fault("down")
    agent.run_due(force=True)
    assert _gauges(metrics) == ("0.0", None)  # down; whether the login works is not known
    sim.clear_faults()
    sim.set_fault("database_down")
    agent.run_due(force=True)
    assert _gauges(metrics)[0] == "0.0"


@pytest.mark.parametrize(
    ("error", "impact"),
    [
        (ServerDown("http://odoo.example refused the connection"), "high"),
        (RemoteError("access denied"), "medium"),
    ],
)
def test_a_read_nothing_answered_is_an_outage_not_a_slow_read(error: OdooClientError, impact: str) -> None:
    """Odoo went away between the login and the read: the report says unreachable (A) from this check
    alone, whichever availability check happened to fail first; an error answer stays the read's B."""
    result = _failed_read(error)
    assert (result.key, result.status, result.impact, result.scope) == (
        "odoo.read",
        "failing",
        impact,
        "organisation",
    )
