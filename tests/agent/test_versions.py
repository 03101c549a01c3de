"""The agent against a simulator of every supported version: all checks pass, the report fits the schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.runner import Agent
from demo.sim import SUPPORTED_SERIES
from tests.agent.conftest import SimFactory
from tests.agent.helpers import assert_valid_report, config_for


@pytest.mark.parametrize("series", SUPPORTED_SERIES)
def test_every_version_is_watched(start_sim: SimFactory, tmp_path: Path, series: str) -> None:
    api_key = "monitor-key" if series == "19.0" else None
    sim = start_sim(version=series, users=4, portal_users=2, api_key=api_key)
    secret = {"password": None, "api_key": api_key} if api_key else {}
    config = config_for(
        tmp_path,
        sim,
        instance=secret,
        integrations=[{"name": "crons", "check": "odoo_cron", "crons": ["Webshop: import orders"]}],
    )
    [report] = Agent(config, push=False).run_due(force=True)
    document = report.to_json()
    assert_valid_report(document)
    statuses = {check["key"]: check["status"] for check in document["checks"]}
    expected_health = "unknown" if series == "14.0" else "ok"
    assert statuses.pop("odoo.health") == expected_health
    host_keys = [key for key in statuses if key.startswith("host.")]
    for key in host_keys:
        statuses.pop(key)
    assert set(statuses.values()) == {"ok"}, statuses
    instance = document["instance"]
    assert instance["odoo_version"] == series
    assert instance["protocol"] == ("json2" if series == "19.0" else "xmlrpc")
    counts = document["counts"]
    assert (counts["internal_users"], counts["share_users"]) == (4, 2)
    assert counts["custom_lines_source"] == "addons"


def test_password_on_19_falls_back_to_xmlrpc(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="19.0")
    [report] = Agent(config_for(tmp_path, sim), push=False).run_due(force=True)
    assert report.instance.protocol == "xmlrpc"
    assert {check.key: check.status for check in report.checks}["odoo.read"] == "ok"
