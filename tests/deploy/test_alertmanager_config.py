"""The Alertmanager example is valid, and routes customer incidents to the collector and the rest to ops."""

from __future__ import annotations

import subprocess

import pytest

from tests.deploy.components import DEPLOY, load_yaml
from tests.support.components import require_binary

CONFIGS = (DEPLOY / "alertmanager" / "alertmanager.yml", DEPLOY / "docker" / "alertmanager.yml")
CONFIG = CONFIGS[0]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: path.parent.name)
def test_amtool_accepts_the_config(config: object) -> None:
    amtool = require_binary("amtool")
    result = subprocess.run(
        [amtool, "check-config", str(config)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_collector_receiver_is_its_webhook() -> None:
    config = load_yaml(CONFIG)
    receivers = {receiver["name"]: receiver for receiver in config["receivers"]}
    hooks = receivers["prioritysupport-collector"]["webhook_configs"]
    assert [hook["url"] for hook in hooks] == ["http://127.0.0.1:8480/api/v1/alertmanager"]
    assert hooks[0]["send_resolved"] is True  # the collector notes recovery on the ticket


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (
            ["ticket_source=prometheus", "severity=page", "condition=instance_down"],
            "prioritysupport-collector",
        ),
        (["ticket_source=prometheus", "severity=ticket"], "prioritysupport-collector"),
        # The collector opens these itself from the agent's reports: no second ticket.
        (["severity=page", "condition=instance_down", "customer=acme"], "ops-team"),
        # Alerts about the monitoring itself never become customer tickets.
        (["ticket_source=prometheus", "severity=ops", "condition=over_limit"], "ops-team"),
        (["alertname=PrioritySupportCollectorDown", "severity=ops"], "ops-team"),
    ],
)
def test_routing(labels: list[str], receiver: str) -> None:
    amtool = require_binary("amtool")
    result = subprocess.run(
        [amtool, "config", "routes", "test", f"--config.file={CONFIG}", *labels],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == receiver
