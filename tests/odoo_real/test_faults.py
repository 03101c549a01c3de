"""PostgreSQL stopped (including the first seconds after) and recovery, on a real server.

Odoo stopped and back is in test_collector.py (one restart per series serves both). Each test stops a
server and starts it again, so the session's stack is left as it was found.
"""

from __future__ import annotations

import time
from pathlib import Path

import psutil

from agent.report import Report
from tests.support.odoo_real import OdooStack
from tests.support.odoo_real_agent import agent_config, run_once, statuses


def _live_postgres() -> list[int]:
    """PostgreSQL processes that are not defunct (zombies stay when nobody reaps them in a container)."""
    found = []
    for process in psutil.process_iter(["name", "status"]):
        defunct = process.info["status"] == psutil.STATUS_ZOMBIE
        if process.info["name"] in ("postgres", "postmaster") and not defunct:
            found.append(process.pid)
    return found


SERVES = ("odoo.login_page", "odoo.version", "odoo.health")


def _until_ok(config_run: object, keys: tuple[str, ...], deadline_s: float = 90.0) -> Report:
    """Poll (a recovering Odoo reconnects to PostgreSQL on its own schedule) with a generous deadline."""
    deadline = time.monotonic() + deadline_s
    while True:
        report = config_run()  # type: ignore[operator]
        seen = statuses(report)
        if all(seen.get(key) == "ok" for key in keys) or time.monotonic() > deadline:
            return report
        time.sleep(1.0)


def test_postgresql_stopped_is_seen_at_once_and_recovers(up: OdooStack, tmp_path: Path) -> None:
    config = agent_config(tmp_path, up, host={"local_postgres": True})
    before = statuses(run_once(config))
    assert before["host.postgres"] == "ok" and before["odoo.database"] == "ok", before
    up.stop_postgres()
    try:
        # Right after pg_ctl returns: a defunct process is no running PostgreSQL (item 3). Other
        # clusters on this shared machine (other test sessions) do run, and then "ok" is right.
        others = _live_postgres()
        first = statuses(run_once(config))
        assert first["host.postgres"] == ("ok" if others else "failing"), (others, first)
        assert first["odoo.database"] == "failing", first
        assert first["odoo.health"] == "failing", first  # db_server_status=1 (17.0+)
        assert first["odoo.login_page"] == "failing", first  # Odoo cannot render it without its database
        assert first["odoo.version"] == "ok", first  # Odoo itself still answers
    finally:
        up.start_postgres()
    keys = ("host.postgres", "odoo.database", "odoo.health", "odoo.read", "odoo.login_page")
    back = statuses(_until_ok(lambda: run_once(config), keys))
    assert all(back[key] == "ok" for key in keys), back
