"""Whether Odoo serves, apart from whether the monitoring login works (prioritysupport_odoo_up)."""

from __future__ import annotations

from collections.abc import Mapping

from agent.report import CheckResult


def odoo_serves(statuses: Mapping[str, CheckResult]) -> bool:
    """Login page and version answer; the database and the read are not failing (a read not tried
    because the login was refused does not count against Odoo)."""
    answers = all(
        key in statuses and statuses[key].status == "ok" for key in ("odoo.login_page", "odoo.version")
    )
    broken = any(
        key in statuses and statuses[key].status == "failing" for key in ("odoo.database", "odoo.read")
    )
    return answers and not broken
