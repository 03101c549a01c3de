"""The systemd units verify, and their hardening keeps systemd's exposure score low."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.components import DEPLOY
from tests.support.components import require_binary

UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
INSTALLED_BINARY = "/opt/prioritysupport/venv/bin/prioritysupport"


def _local_copy(unit: Path, folder: Path) -> Path:
    # verify checks that ExecStart exists: point it at this checkout's command.
    local_binary = str(Path(sys.executable).with_name("prioritysupport"))
    copy = folder / unit.name
    copy.write_text(
        unit.read_text(encoding="utf-8").replace(INSTALLED_BINARY, local_binary), encoding="utf-8"
    )
    return copy


def test_agent_collector_and_worker_units_exist() -> None:
    names = {unit.name for unit in UNITS}
    assert {
        "prioritysupport-agent.service",
        "prioritysupport-collector.service",
        "prioritysupport-worker.service",
    } <= names


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_unit_verifies(unit: Path, tmp_path: Path) -> None:
    analyze = require_binary("systemd-analyze")
    copy = _local_copy(unit, tmp_path)
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(copy)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not result.stderr.strip(), result.stderr


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_unit_exposure_is_low(unit: Path, tmp_path: Path) -> None:
    analyze = require_binary("systemd-analyze")
    copy = _local_copy(unit, tmp_path)
    result = subprocess.run(
        [analyze, "security", "--offline=yes", "--no-pager", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= 2.5, result.stdout


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_unit_runs_unprivileged_and_restarts(unit: Path) -> None:
    text = unit.read_text(encoding="utf-8")
    assert "DynamicUser=yes" in text or "User=prioritysupport" in text
    for setting in (
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=\n",
        "RestrictAddressFamilies=",
        "StateDirectory=",
        "Restart=on-failure",
    ):
        assert setting in text, f"{unit.name} lacks {setting.strip()}"


def test_sysusers_file_declares_the_service_user() -> None:
    text = (DEPLOY / "systemd" / "prioritysupport.sysusers.conf").read_text(encoding="utf-8")
    assert re.search(r"^u prioritysupport ", text, re.MULTILINE)
