"""/metrics passes promtool; the commands work as a user types them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from collector.service import Collector
from tests.collector.conftest import CONTRACTS, LiveServer, failing, report, token_for
from tests.support.components import require_binary


def test_metrics_pass_promtool(collector: Collector, live: LiveServer) -> None:
    promtool = require_binary("promtool")
    headers = {"Authorization": f"Bearer {token_for(collector, 'acme')}"}
    for _ in range(2):
        httpx.post(f"{live.url}/api/v1/reports", json=report(checks=[failing()]), headers=headers)
    text = httpx.get(f"{live.url}/metrics").text
    assert 'prioritysupport_tickets_open{customer="acme",priority="A"} 1.0' in text
    assert "prioritysupport_agent_last_seen_age_seconds" in text
    checked = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prioritysupport", "collector", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=60,
    )


def test_commands_as_a_user(tmp_path: Path) -> None:
    config = tmp_path / "collector.toml"
    config.write_text('[database]\nurl = "sqlite:///var/c.db"\n', encoding="utf-8")
    c = str(config)
    assert cli("migrate", "-c", c, cwd=tmp_path).returncode == 0
    loaded = cli("load-contracts", str(CONTRACTS), "-c", c, cwd=tmp_path)
    assert loaded.returncode == 0 and "2 customers" in loaded.stdout
    token = cli("enroll-agent", "acme", "-c", c, cwd=tmp_path)
    assert token.returncode == 0 and token.stdout.startswith("psa_")
    unknown = cli("enroll-agent", "nobody", "-c", c, cwd=tmp_path)
    assert (
        unknown.returncode == 2 and "load-contracts" in unknown.stderr and "Traceback" not in unknown.stderr
    )
    added = cli(
        "maintenance",
        "add",
        "acme",
        "--start",
        "2026-11-28T22:00:00+01:00",
        "--end",
        "2026-11-29T02:00:00+01:00",
        "--reason",
        "upgrade",
        "-c",
        c,
        cwd=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    listed = cli("maintenance", "list", "-c", c, cwd=tmp_path)
    assert "upgrade" in listed.stdout
    assert cli("maintenance", "remove", "1", "-c", c, cwd=tmp_path).returncode == 0
    assert cli("maintenance", "remove", "1", "-c", c, cwd=tmp_path).returncode == 2
    pruned = cli("prune", "-c", c, "--days", "30", cwd=tmp_path)
    assert pruned.returncode == 0 and "deleted 0" in pruned.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("[server]\nport = 'x'\n", encoding="utf-8")
    refused = cli("migrate", "-c", str(bad), cwd=tmp_path)
    assert refused.returncode == 2 and "server.port" in refused.stderr and "Traceback" not in refused.stderr


def test_serve_refuses_a_database_that_is_behind(tmp_path: Path) -> None:
    from sqlalchemy import text

    from collector.storage.database import make_engine, migrate

    db = tmp_path / "c.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    engine.dispose()
    config = tmp_path / "collector.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    result = cli("serve", "-c", str(config), cwd=tmp_path)
    assert result.returncode == 1 and "collector migrate" in result.stderr


def test_serve_answers_and_stops(tmp_path: Path) -> None:
    import signal

    from tests.support.components import free_port, wait_for_port

    port = free_port()
    config = tmp_path / "collector.toml"
    config.write_text(f'[server]\nport = {port}\n[database]\nurl = "sqlite:///var/c.db"\n', encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "prioritysupport", "collector", "serve", "-c", str(config)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, timeout=30)
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json()["status"] == "ok"
        assert (tmp_path / "var" / "c.db").exists()  # created and migrated on first start
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(15)
    # uvicorn re-raises the signal it handled after a clean shutdown.
    errors = process.stderr.read().decode() if process.stderr else ""
    assert process.returncode in (0, -signal.SIGTERM) and "Traceback" not in errors, errors
