"""The odoo_cron integration check: named scheduled actions run on time (agent/checks/cron.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from agent.checks.common import Stopwatch
from agent.checks.cron import CronFields, cron_problems
from agent.checks.integrations.context import IntegrationContext, integration_result, odoo_unavailable
from agent.checks.spec import CheckSpec, Option
from agent.odoo.errors import OdooClientError
from agent.report import CheckResult

if TYPE_CHECKING:
    from agent.config import Integration
    from agent.odoo import OdooClient


def _cron_fields(client: OdooClient, major: int | None) -> CronFields:
    try:
        available = client.call("ir.cron", "fields_get", [], {"attributes": ["type"]})
    except OdooClientError:
        return CronFields.for_major(major)  # fields_get refused (rights, proxy): go by the version
    fields = CronFields.from_available(available if isinstance(available, dict) else {})
    return fields if fields.names else CronFields.for_major(major)


def check_odoo_cron(integration: Integration, context: IntegrationContext) -> CheckResult:
    """Named scheduled actions: failing by failure_count (18+), archived, or an overdue nextcall."""
    if context.client is None:
        return odoo_unavailable(integration)
    names = [str(name) for name in integration.options["crons"]]
    overdue = timedelta(minutes=float(ODOO_CRON.value(integration.options, "overdue_minutes")))
    watch = Stopwatch()
    try:
        fields = _cron_fields(context.client, context.major)
        crons = context.client.search_read("ir.cron", fields.domain(names), fields.read())
    except OdooClientError as error:
        detail = f"could not read ir.cron: {error}"
        return integration_result(integration, "unknown", detail, duration_ms=watch.ms)
    problems = cron_problems(crons, names, fields, context.now(), overdue)
    detail = "; ".join(problems) or f"{len(crons)} scheduled action(s) on time"
    return integration_result(
        integration,
        "failing" if problems else "ok",
        detail,
        value=float(len(problems)),
        unit="problems",
        duration_ms=watch.ms,
    )


def _names(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(entry, str) for entry in value)


ODOO_CRON = CheckSpec(
    "odoo_cron",
    impact="low",
    scope="multiple-users",
    options=(
        Option(
            "crons",
            (list,),
            "Names of the scheduled actions that must run on time.",
            required=True,
            valid=_names,
            invalid="must be a list of scheduled action names",
        ),
        Option(
            "overdue_minutes",
            (int, float),
            "Minutes past its planned run after which an action is overdue (default 30).",
            default=30,
        ),
    ),
    run=check_odoo_cron,
)
