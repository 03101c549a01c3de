"""The Prometheus configuration and rules pass promtool, and the rule unit tests pass."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.deploy.components import DEPLOY, load_yaml
from tests.support.components import require_binary

PROMETHEUS = DEPLOY / "prometheus"


def _promtool(*args: str, cwd: Path = PROMETHEUS) -> subprocess.CompletedProcess[str]:
    binary = require_binary("promtool")
    return subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def test_config_is_valid() -> None:
    result = _promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_file_sd_example_is_valid_target_list() -> None:
    groups = load_yaml(PROMETHEUS / "file_sd" / "agents.example.yml")
    assert groups and all(group["targets"] and group["labels"]["customer"] for group in groups)


def test_rules_are_valid() -> None:
    rules = sorted(str(path.relative_to(PROMETHEUS)) for path in (PROMETHEUS / "rules").glob("*.yml"))
    assert rules
    result = _promtool("check", "rules", *rules)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_unit_tests_pass() -> None:
    tests = sorted(str(path.relative_to(PROMETHEUS)) for path in (PROMETHEUS / "tests").glob("*.yml"))
    assert len(tests) >= 3
    result = _promtool("test", "rules", *tests)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_unit_test() -> None:
    alerts = {
        rule["alert"]
        for path in (PROMETHEUS / "rules").glob("*.yml")
        for group in load_yaml(path)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    tested = "".join(path.read_text(encoding="utf-8") for path in (PROMETHEUS / "tests").glob("*.yml"))
    untested = sorted(name for name in alerts if f"alertname: {name}" not in tested)
    assert not untested, f"alerts without a promtool unit test: {untested}"


def test_every_alert_carries_the_labels_the_webhook_reads() -> None:
    for path in (PROMETHEUS / "rules").glob("*.yml"):
        for group in load_yaml(path)["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    assert rule["labels"]["severity"] in {"page", "ticket", "ops", "watchdog"}, rule["alert"]
                    assert rule["labels"]["condition"], rule["alert"]
                    assert rule["annotations"]["summary"], rule["alert"]
