"""Integration kinds against a real Odoo's own records: crons (item 7), queue_job, mail, freshness, http."""

from __future__ import annotations

import xmlrpc.client
from pathlib import Path

from tests.support.odoo_real import OdooStack
from tests.support.odoo_real_agent import agent_config, checks_of, run_once
from tests.support.odoo_real_seed import ADMIN_PASSWORD, FAILING_CRON, HEALTHY_CRON, OVERDUE_CRON


def _new_partner(stack: OdooStack, name: str) -> int:
    common = xmlrpc.client.ServerProxy(f"{stack.url}/xmlrpc/2/common")
    # The monitoring user only reads; an administrator creates the record, as an integration would.
    uid = common.authenticate(stack.database, "admin", ADMIN_PASSWORD, {})
    models = xmlrpc.client.ServerProxy(f"{stack.url}/xmlrpc/2/object")
    values = [{"name": name}]
    created = models.execute_kw(stack.database, uid, ADMIN_PASSWORD, "res.partner", "create", values)
    return int(created)


def test_integration_kinds_read_odoos_own_records(up: OdooStack, tmp_path: Path) -> None:
    _new_partner(up, "PS freshly synced partner")
    integrations = [
        {"name": "overdue", "check": "odoo_cron", "crons": [OVERDUE_CRON], "overdue_minutes": 30},
        {"name": "healthy", "check": "odoo_cron", "crons": [HEALTHY_CRON], "overdue_minutes": 30},
        {"name": "missing", "check": "odoo_cron", "crons": ["PS no such cron"]},
        {"name": "jobs", "check": "queue_job"},
        {"name": "jobs_elsewhere", "check": "queue_job", "channel": "root.nowhere"},
        {"name": "mail", "check": "mail"},
        {"name": "fresh", "check": "freshness", "model": "res.partner", "max_age_minutes": 60},
        {  # bob's last login is set 30 days back at every start: stale whatever the snapshot's age
            "name": "stale",
            "check": "freshness",
            "model": "res.users.log",
            "domain": [["create_uid", "=", up.seed["users"]["bob"]]],  # type: ignore[index]
            "max_age_minutes": 24 * 60,
        },
        {"name": "health", "check": "http", "url": f"{up.url}/web/health", "keyword": "pass"},
    ]
    if up.series >= "18.0":
        integrations.append({"name": "failing", "check": "odoo_cron", "crons": [FAILING_CRON]})
    checks = checks_of(run_once(agent_config(tmp_path, up, integrations=integrations)))

    def status(name: str) -> str:
        return checks[f"integration:{name}"].status

    def detail(name: str) -> str:
        return checks[f"integration:{name}"].detail or ""

    # Item 7: a real overdue cron (nextcall 3 h ago, no cron thread runs) on this series.
    assert status("overdue") == "failing" and "overdue" in detail("overdue"), detail("overdue")
    assert status("healthy") == "ok", detail("healthy")
    assert status("missing") == "failing" and "not found" in detail("missing")
    if up.series >= "18.0":
        assert status("failing") == "failing" and "2 time(s)" in detail("failing"), detail("failing")
    assert status("jobs") == "failing" and "PS export refused by the remote shop" in detail("jobs")
    assert status("jobs_elsewhere") == "ok"
    assert status("mail") == "failing" and "Connection refused by the SMTP server" in detail("mail")
    assert status("fresh") == "ok", detail("fresh")
    assert status("stale") == "failing", detail("stale")
    assert status("health") == "ok", detail("health")
