"""`agent run` serves /metrics that promtool accepts, pushes, and stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from agent.exporter import Metrics
from agent.runner import Agent
from tests.agent.conftest import SimFactory
from tests.agent.helpers import Receiver, config_for, write_config
from tests.support.components import free_port, require_binary, wait_for_port

CLI = [sys.executable, "-c", "from prioritysupport.cli import main; main()"]


def _promtool_check(promtool: str, text: bytes) -> None:
    result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, timeout=30)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_exposition_passes_promtool(start_sim: SimFactory, tmp_path: Path) -> None:
    promtool = require_binary("promtool")
    sim = start_sim(version="18.0", users=6)
    integrations = [{"name": "jobs", "check": "queue_job"}]
    metrics = Metrics()
    agent = Agent(config_for(tmp_path, sim, integrations=integrations), push=False, metrics=metrics)
    agent.run_due(force=True)
    text = metrics.exposition()
    _promtool_check(promtool, text)
    lines = text.decode()
    assert 'prioritysupport_odoo_up{odoo_instance="prod"} 1.0' in lines
    assert 'prioritysupport_internal_users{odoo_instance="prod"} 6.0' in lines
    integration = 'check="queue_job",integration="jobs",odoo_instance="prod"'
    assert f"prioritysupport_integration_up{{{integration}}} 1.0" in lines
    assert "prioritysupport_custom_code_lines" in lines and "prioritysupport_host_memory_usage_ratio" in lines
    sim.set_fault("down")
    agent.run_due(force=True)
    assert 'prioritysupport_odoo_up{odoo_instance="prod"} 0.0' in metrics.exposition().decode()


def test_agent_run_serves_metrics_and_pushes(
    start_sim: SimFactory, tmp_path: Path, receiver: Receiver
) -> None:
    promtool = require_binary("promtool")
    sim = start_sim(version="16.0")
    port = free_port()
    config = write_config(
        tmp_path,
        sim,
        collector={"url": receiver.url, "token": receiver.token},
        top={"counts_in_child": True},
    )
    with config.open("a") as handle:
        handle.write(f'[exporter]\nlisten = "127.0.0.1:{port}"\n')
    process = subprocess.Popen([*CLI, "agent", "run", "--config", str(config)], stderr=subprocess.PIPE)
    try:
        # Bounds, not time rules: a loaded machine may take long to start the agent and its first count.
        wait_for_port(port, timeout=90)
        deadline = time.monotonic() + 90
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.1)
        assert receiver.received, "no report arrived"
        scrape = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert scrape.status_code == 200
        _promtool_check(promtool, scrape.content)
        assert 'prioritysupport_odoo_up{odoo_instance="prod"} 1.0' in scrape.text
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err.decode()
    assert b"admin" not in err  # the password never reaches the log
