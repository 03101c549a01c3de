"""Every injected fault flips the matching check to failing, and recovery flips it back to ok."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent.runner import Agent
from demo.sim import OdooSimulator
from tests.agent.conftest import SimFactory
from tests.agent.helpers import config_for

INTEGRATIONS = [
    {"name": "crons", "check": "odoo_cron", "crons": ["Webshop: import orders"], "overdue_minutes": 30},
    {"name": "jobs", "check": "queue_job", "channel": "root.webshop"},
    {"name": "mail", "check": "mail"},
]


class StepClock:
    """An injected monotonic clock: each cycle is one availability interval later (counts stay hourly)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _statuses(agent: Agent, clock: StepClock) -> dict[str, str]:
    clock.now += 60.0
    [report] = agent.run_due()
    return {check.key: check.status for check in report.checks}


FAULTS: list[tuple[str, Callable[[OdooSimulator], None], Callable[[OdooSimulator], None], list[str]]] = [
    (
        "down",
        lambda s: s.set_fault("down"),
        lambda s: s.clear_faults(),
        ["odoo.login_page", "odoo.version", "odoo.health"],
    ),
    (
        "http_500",
        lambda s: s.set_fault("http_500"),
        lambda s: s.clear_faults(),
        ["odoo.login_page", "odoo.health"],
    ),
    # Far above the bound, and the bound far above a read on a busy machine (one took 154 ms).
    ("slow", lambda s: s.set_fault("slow", 0.8), lambda s: s.clear_faults(), ["odoo.latency"]),
    (
        "database_down",
        lambda s: s.set_fault("database_down"),
        lambda s: s.clear_faults(),
        ["odoo.database", "odoo.login_page", "odoo.health (17+)"],
    ),
    (
        "auth_failure",
        lambda s: s.set_fault("auth_failure"),
        lambda s: s.clear_faults(),
        ["odoo.authentication"],
    ),
    (
        "failing_cron",
        lambda s: s.fail_cron("Webshop: import orders"),
        lambda s: s.fail_cron("Webshop: import orders", failing=False),
        ["integration:crons"],
    ),
    ("queue_jobs", lambda s: s.fail_queue_jobs(2), lambda s: s.requeue_failed_jobs(), ["integration:jobs"]),
    ("mail", lambda s: s.mail_exceptions(1), lambda s: s.resend_mail(), ["integration:mail"]),
]


@pytest.mark.parametrize("series", ["16.0", "18.0"])
def test_each_fault_flips_its_checks_and_back(start_sim: SimFactory, tmp_path: Path, series: str) -> None:
    sim = start_sim(version=series)
    # slow_ms below the injected delay; the timeout above it
    config = config_for(tmp_path, sim, integrations=INTEGRATIONS, instance={"slow_ms": 400, "timeout": 3.0})
    clock = StepClock()
    agent = Agent(config, push=False, monotonic=clock)
    baseline = _statuses(agent, clock)
    for name, inject, recover, listed in FAULTS:
        # /web/health reports the database only from 17.0 on
        keys = [key.split()[0] for key in listed if not key.endswith("(17+)") or series >= "17.0"]
        for key in keys:
            assert baseline[key] == "ok", (name, key, baseline)
        inject(sim)
        during = _statuses(agent, clock)
        for key in keys:
            assert during[key] == "failing", (series, name, key, during)
        recover(sim)
        after = _statuses(agent, clock)
        for key in keys:
            assert after[key] == "ok", (series, name, key, after)


def test_failing_details_say_why(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="18.0")
    agent = Agent(config_for(tmp_path, sim, integrations=INTEGRATIONS), push=False)
    sim.fail_queue_jobs(3, message="Webshop answered 503")
    sim.fail_cron("Webshop: import orders")
    [report] = agent.run_due(force=True)
    checks = {check.key: check for check in report.checks}
    assert checks["integration:jobs"].value == 3
    assert "Webshop answered 503" in (checks["integration:jobs"].detail or "")
    assert "failed 3 time(s)" in (checks["integration:crons"].detail or "")
    assert (checks["integration:crons"].impact, checks["integration:crons"].scope) == (
        "low",
        "multiple-users",
    )
    sim.set_fault("auth_failure")
    [report] = agent.run_due(force=True)
    auth = {check.key: check for check in report.checks}["odoo.authentication"]
    assert (auth.status, auth.impact, auth.scope) == ("failing", "low", "one-user")


def test_freshness_follows_the_newest_record(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="17.0")  # partners created now, 5 h and 10 h ago
    integrations = [
        {"name": "recent", "check": "freshness", "model": "res.partner", "max_age_minutes": 60},
        {
            "name": "stale",
            "check": "freshness",
            "model": "res.partner",
            "domain": [["name", "=", "Partner 2"]],
            "max_age_minutes": 60,
        },
        {
            "name": "none",
            "check": "freshness",
            "model": "res.partner",
            "domain": [["name", "=", "x"]],
            "max_age_minutes": 5,
        },
    ]
    [report] = Agent(config_for(tmp_path, sim, integrations=integrations), push=False).run_due(force=True)
    checks = {check.key: check for check in report.checks}
    assert checks["integration:recent"].status == "ok"
    assert (
        checks["integration:stale"].status == "failing"
        and 590 < (checks["integration:stale"].value or 0) < 610
    )
    assert checks["integration:none"].status == "failing"
