"""Host figures from psutil fit the report schema; disks at the thresholds fail with the policy's impact."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import psutil

from agent.checks.host import PROCESS_ATTRS, collect_host, scan_processes
from agent.report import HostFigures


def test_host_figures_are_sane() -> None:
    figures, checks = collect_host(disk_warn=90.0, disk_critical=97.0)
    assert isinstance(figures, HostFigures) and figures.hostname
    assert 0.0 <= figures.memory_percent <= 100.0 and figures.load1 >= 0.0
    assert figures.disks, "at least the root file system"
    assert {check.kind for check in checks} == {"disk"}
    assert figures.postgres_running in (True, None)


def test_disk_thresholds_flip_the_check() -> None:
    _figures, checks = collect_host(disk_warn=0.001, disk_critical=0.002)
    used = [check for check in checks if (check.value or 0) > 0.002]
    assert used and all(check.status == "failing" and check.impact == "high" for check in used)
    _figures, relaxed = collect_host(disk_warn=100.0, disk_critical=100.0)
    assert all(check.status == "ok" for check in relaxed if (check.value or 0) < 100.0)


def _postgres_child(folder: Path, seconds: str) -> subprocess.Popen[bytes]:
    """A real child process whose name is `postgres` (a copy of sleep), not reaped until the test ends."""
    binary = folder / "postgres"
    if not binary.exists():
        shutil.copy(shutil.which("sleep") or "/bin/sleep", binary)
    return subprocess.Popen([str(binary), seconds])


def _info_when(pid: int, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30.0
    while True:
        info = psutil.Process(pid).as_dict(PROCESS_ATTRS)
        if info["status"] == status or time.monotonic() > deadline:
            return info
        time.sleep(0.05)


def test_a_zombie_postgres_is_not_a_running_server(tmp_path: Path) -> None:
    # Right after `pg_ctl stop` the postmaster is defunct until reaped: the name still matches.
    zombie = _postgres_child(tmp_path, "0")
    live = _postgres_child(tmp_path, "30")
    try:
        dead_info = _info_when(zombie.pid, psutil.STATUS_ZOMBIE)
        assert dead_info["status"] == psutil.STATUS_ZOMBIE and dead_info["name"] == "postgres"
        assert scan_processes([dead_info]).postgres is False
        live_info = _info_when(live.pid, psutil.STATUS_SLEEPING)
        assert scan_processes([dead_info, live_info]).postgres is True
    finally:
        live.kill()
        live.wait()
        zombie.wait()
