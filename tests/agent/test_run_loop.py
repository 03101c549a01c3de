"""The run loop: one log line per check state change, and failed counts retried with a backoff."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from agent import runner
from agent.counts_child import CountsFailed
from agent.runner import Agent, counts_retry_delay
from tests.agent.conftest import SimFactory
from tests.agent.helpers import config_for, write_config


def _changes(caplog: pytest.LogCaptureFixture) -> list[str]:
    lines = [record.getMessage() for record in caplog.records if " -> " in record.getMessage()]
    caplog.clear()
    return lines


def test_a_state_change_logs_one_line_and_no_change_logs_nothing(
    start_sim: SimFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sim = start_sim(version="17.0")
    clock = [0.0]
    agent = Agent(config_for(tmp_path, sim), push=False, monotonic=lambda: clock[0])
    caplog.set_level(logging.INFO, logger="prioritysupport.agent")
    agent.run_due()
    assert _changes(caplog) == []  # a healthy start is quiet
    clock[0] += 60.0
    agent.run_due()
    assert _changes(caplog) == []

    sim.set_fault("auth_failure")
    clock[0] += 60.0
    agent.run_due()
    lines = _changes(caplog)
    auth = [line for line in lines if "odoo.authentication" in line]
    assert len(auth) == 1 and "prod: odoo.authentication ok -> failing (" in auth[0]
    assert "refused" in auth[0]
    assert len(lines) == len(set(lines))
    clock[0] += 60.0
    agent.run_due()
    assert _changes(caplog) == []  # still failing: nothing new to say

    sim.clear_faults()
    clock[0] += 60.0
    agent.run_due()
    assert any("odoo.authentication failing -> ok" in line for line in _changes(caplog))


def test_a_check_failing_from_the_start_is_announced(
    start_sim: SimFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sim = start_sim(version="17.0")
    sim.set_fault("auth_failure")
    caplog.set_level(logging.INFO, logger="prioritysupport.agent")
    Agent(config_for(tmp_path, sim), push=False).run_due(force=True)
    assert any("odoo.authentication (first run) -> failing" in line for line in _changes(caplog))


def test_retry_delay_doubles_up_to_the_counts_interval() -> None:
    delays = [counts_retry_delay(failures, 60.0, 3600.0) for failures in range(1, 9)]
    assert delays == [60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 3600.0, 3600.0]
    assert counts_retry_delay(10_000, 60.0, 3600.0) == 3600.0


def test_failing_counts_back_off_instead_of_a_new_child_every_minute(
    start_sim: SimFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = start_sim(version="17.0")
    attempts: list[float] = []
    clock = [0.0]

    def failing(*_args: Any, **_kwargs: Any) -> Any:
        attempts.append(clock[0])
        raise CountsFailed("the counting process failed: boom")

    monkeypatch.setattr(runner, "run_counts", failing)
    agent = Agent(config_for(tmp_path, sim), push=False, monotonic=lambda: clock[0])
    for _ in range(60):  # an hour of availability cycles
        agent.run_due()
        clock[0] += 60.0
    assert attempts == [0.0, 60.0, 180.0, 420.0, 900.0, 1860.0]


def test_no_counting_child_while_odoo_refuses_the_login(
    start_sim: SimFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = start_sim(version="17.0")
    sim.set_fault("auth_failure")
    started: list[int] = []

    def count(*_args: Any, **_kwargs: Any) -> Any:
        started.append(1)
        raise CountsFailed("stub")

    monkeypatch.setattr(runner, "run_counts", count)
    clock = [0.0]
    agent = Agent(config_for(tmp_path, sim), push=False, monotonic=lambda: clock[0])
    for _ in range(5):
        agent.run_due()
        clock[0] += 60.0
    assert started == []
    sim.clear_faults()
    clock[0] += 60.0
    agent.run_due()
    assert started == [1]  # Odoo is back: counted at once, not at the end of the backoff
    clock[0] += 60.0
    agent.run_due()
    assert started == [1]  # that count failed: the backoff holds again


def test_agent_run_logs_the_state_changes(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="16.0")
    sim.set_fault("auth_failure")
    config = write_config(tmp_path, sim, instance={"password": "s3cret-pw"})
    command = [sys.executable, "-c", "from prioritysupport.cli import main; main()", "agent", "run"]
    process = subprocess.Popen([*command, "--config", str(config)], stderr=subprocess.PIPE)
    try:
        spool = tmp_path / "state" / "spool"
        deadline = time.monotonic() + 60
        while not (spool.is_dir() and any(spool.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert spool.is_dir() and any(spool.iterdir()), "no report was spooled"
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    text = err.decode()
    assert process.returncode == 0, text
    changes = [line for line in text.splitlines() if " -> " in line]
    assert any(
        "WARNING" in line and "prod: odoo.authentication (first run) -> failing (" in line for line in changes
    )
    assert not any("odoo.login_page" in line for line in changes), changes  # ok from the start: quiet
    assert "s3cret-pw" not in text  # the password never reaches the log


def test_a_long_reason_is_shortened_and_an_unchanged_one_is_silent() -> None:
    from agent.checks.common import result
    from agent.checks.transitions import REASON_CHARS, transitions

    before = {"odoo.read": result("odoo.read", "read", "ok", detail="res.users read")}
    after = [result("odoo.read", "read", "failing", detail="x" * 5000)]
    [change] = transitions(before, after)
    line = change.line("prod")
    assert line.startswith("prod: odoo.read ok -> failing (xxx") and len(line) < REASON_CHARS + 50
    again = [result("odoo.read", "read", "failing", detail="another detail")]
    assert transitions({"odoo.read": after[0]}, again) == []
