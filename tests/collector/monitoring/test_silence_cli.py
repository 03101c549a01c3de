"""Silences: `prioritysupport collector silence add|list|remove` as a user types it (in process, for speed),
and the same over the API."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlalchemy import select
from typer.testing import CliRunner

from collector.service import Collector
from collector.storage import tables as t
from prioritysupport.cli import build_app
from tests.collector.conftest import LiveServer, staff_headers
from tests.collector.monitoring.test_monitoring_routing import failing, send


def test_silence_add_list_remove(collector: Collector, sqlite_url: str, tmp_path: Path) -> None:
    send(collector, "acme", [failing()])  # the condition exists once the agent reported the check
    config = tmp_path / "collector.toml"
    config.write_text(f'[database]\nurl = "{sqlite_url}"\n', encoding="utf-8")
    runner, app = CliRunner(), build_app()

    def cli(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["collector", "silence", *args, "-c", str(config)])
        return result.exit_code, result.output

    code, out = cli(
        "add", "acme/prod/odoo.login", "--until", "2030-01-01T00:00:00+01:00", "--reason", "migration"
    )
    assert code == 0 and "silenced until Tue 1 Jan 2030 00:00" in out, out
    code, out = cli("list")
    assert code == 0 and "odoo.login" in out and "migration" in out and "acme" in out, out
    found = re.search(r"│ (\d+)\s+│ acme", out)
    assert found, out
    condition_id = found.group(1)

    assert cli("add", condition_id, "--until", "2030-01-01T00:00:00", "--reason", "x")[0] == 2  # no offset
    code, out = cli("add", "acme/prod/odoo.login", "--until", "2030-01-01T00:00:00+01:00", "--reason", " ")
    assert code == 2 and "reason" in out
    code, out = cli("add", "acme/nowhere/odoo.login", "--until", "2030-01-01T00:00:00+01:00", "--reason", "x")
    assert code == 2 and "not reported" in out

    code, out = cli("remove", condition_id)
    assert code == 0 and "removed" in out, out
    assert "odoo.login" not in cli("list")[1]
    code, out = cli("remove", condition_id)
    assert code == 2 and "not silenced" in out


def test_silences_over_the_api(collector: Collector, live: LiveServer) -> None:
    send(collector, "acme", [failing()])
    with collector.engine.connect() as conn:
        condition = conn.execute(select(t.conditions.c.id)).scalar_one()
    body = {"until": "2030-01-01T00:00:00+01:00", "reason": "migration"}
    with httpx.Client(base_url=live.url, headers=staff_headers(collector)) as client:
        assert client.post(f"/api/v1/conditions/{condition}/silence", json=body).status_code == 200
        listed = client.get("/api/v1/silences").json()
        assert [(s["condition"], s["check"], s["reason"]) for s in listed] == [
            (condition, "odoo.login", "migration")
        ]
        assert client.delete(f"/api/v1/conditions/{condition}/silence").status_code == 200
        assert client.get("/api/v1/silences").json() == []
        again = client.delete(f"/api/v1/conditions/{condition}/silence")
        assert again.status_code == 404 and "not silenced" in again.json()["error"]
