"""Host figures from psutil fit the report schema; disks at the thresholds fail with the policy's impact."""

from __future__ import annotations

from agent.checks.host import collect_host
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
