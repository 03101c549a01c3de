"""The agent's /metrics for ops: build_info, process metrics, the Odoo instance as `odoo_instance`, and the
age of the oldest spooled report (what AgentSpoolGrowing fires on)."""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import CollectorRegistry

from agent.exporter import Metrics, SpoolAge


def test_spool_age_is_the_oldest_waiting_report(tmp_path: Path) -> None:
    now = 1_800_000_000.0
    registry = CollectorRegistry()
    registry.register(SpoolAge(tmp_path / "spool", clock=lambda: now))
    name = "prioritysupport_agent_spool_oldest_age_seconds"
    assert registry.get_sample_value(name) == 0  # no folder yet
    (tmp_path / "spool").mkdir()
    assert registry.get_sample_value(name) == 0  # empty
    for sequence, age in ((1, 900.0), (2, 60.0)):
        path = tmp_path / "spool" / f"{sequence:015d}-r{sequence}.json"
        path.write_bytes(b"{}")
        os.utime(path, (now - age, now - age))
    (tmp_path / "spool" / "000000000000003-r3.tmp").write_bytes(b"")  # half written: not a report
    assert registry.get_sample_value(name) == 900.0


def test_build_info_process_metrics_and_instance_label(tmp_path: Path) -> None:
    text = Metrics(spool_folder=tmp_path).exposition().decode()
    assert 'prioritysupport_build_info{component="agent"' in text
    assert "process_resident_memory_bytes" in text and "process_start_time_seconds" in text
    assert "prioritysupport_agent_spool_oldest_age_seconds 0.0" in text
