"""`agent once --json` reports exactly the simulator's users and the lines `prioritysupport cloc` gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from agent.runner import Agent
from tests.agent.conftest import SimFactory
from tests.agent.helpers import assert_valid_report, config_for, write_config

CLI = [sys.executable, "-c", "from prioritysupport.cli import main; main()"]


def _run(*args: str) -> Any:
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_once_json_matches_users_and_cloc(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="17.0", users=9, portal_users=4)
    config = write_config(tmp_path, sim, top={"counts_in_child": True})
    [report] = _run("agent", "once", "--config", str(config), "--json", "--no-push")
    assert_valid_report(report)
    counts = report["counts"]
    assert (counts["internal_users"], counts["share_users"]) == (9, 4)
    assert counts["custom_lines_source"] == "addons"

    installed = ["base", "web", "mail", "erpm_sale_extra", "erpm_webshop_sync", "oca_queue_tools"]
    cloc = _run(
        "cloc",
        "--json",
        "--no-cache",
        "--odoo-version",
        "17.0",
        "--addons-path",
        ",".join(str(path) for path in sim.addons_paths),
        "--installed",
        ",".join(installed),
    )
    from_files = {
        module["name"]: module["code"] for module in counts["modules"] if module["source"] == "file"
    }
    assert from_files == {name: entry["code"] for name, entry in cloc["modules"].items()}
    assert "erpm_unused_draft" not in from_files  # on disk, not installed
    from_database = {
        module["name"]: module["code"] for module in counts["modules"] if module["source"] == "database"
    }
    assert from_database == {"odoo/studio": 6}  # Studio action 3 + exported action 1 + manual field 2
    assert counts["custom_lines"] == cloc["code"] + 6
    authors = {module["name"]: module["author"] for module in counts["modules"]}
    assert authors["oca_queue_tools"] == "Odoo Community Association (OCA)"


def test_users_follow_the_simulator(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="18.0", users=3, portal_users=1)
    agent = Agent(config_for(tmp_path, sim), push=False)
    [first] = agent.run_due(force=True)
    assert first.counts is not None and first.counts.internal_users == 3
    sim.add_users(4)
    sim.remove_users(1, share=True)
    [second] = agent.run_due(force=True)
    assert second.counts is not None
    assert (second.counts.internal_users, second.counts.share_users) == (7, 0)


def test_publisher_warranty_fallback_when_addons_cannot_be_read(
    start_sim: SimFactory, tmp_path: Path
) -> None:
    sim = start_sim(version="18.0")
    sim.set_publisher_warranty_cloc({"erpm_sale_extra": 120, "studio": 7})
    config = config_for(tmp_path, sim, instance={"addons_paths": [str(tmp_path / "not-here")]})
    [report] = Agent(config, push=False).run_due(force=True)
    assert report.counts is not None
    assert (report.counts.custom_lines, report.counts.custom_lines_source) == (127, "publisher_warranty")
    assert_valid_report(report.to_json())


def test_no_source_says_unavailable(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="16.0")
    config = config_for(tmp_path, sim, instance={"addons_paths": []})
    [report] = Agent(config, push=False).run_due(force=True)
    assert report.counts is not None
    assert (report.counts.custom_lines, report.counts.custom_lines_source) == (None, "unavailable")


def test_counts_wait_for_odoo_and_retry_soon(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="17.0", users=2)
    clock = [0.0]
    agent = Agent(config_for(tmp_path, sim), push=False, monotonic=lambda: clock[0])
    sim.set_fault("down")
    [report] = agent.run_due()
    assert report.counts is None  # nothing half-counted is sent
    sim.clear_faults()
    clock[0] += 60.0  # one availability interval, not an hour
    [report] = agent.run_due()
    assert report.counts is not None and report.counts.internal_users == 2
