"""The Alertmanager example is valid and sends every alert to the collector's webhook."""

from __future__ import annotations

import subprocess

from tests.deploy.components import DEPLOY, load_yaml
from tests.support.components import require_binary

CONFIG = DEPLOY / "alertmanager" / "alertmanager.yml"


def test_amtool_accepts_the_config() -> None:
    amtool = require_binary("amtool")
    result = subprocess.run(
        [amtool, "check-config", str(CONFIG)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_receiver_is_the_collector_webhook() -> None:
    config = load_yaml(CONFIG)
    urls = [hook["url"] for receiver in config["receivers"] for hook in receiver["webhook_configs"]]
    assert urls and all(url.endswith("/api/v1/alertmanager") for url in urls)


def test_routes_resolve_pages_to_the_collector() -> None:
    amtool = require_binary("amtool")
    result = subprocess.run(
        [
            amtool,
            "config",
            "routes",
            "test",
            f"--config.file={CONFIG}",
            "severity=page",
            "condition=instance_down",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "prioritysupport-collector"
