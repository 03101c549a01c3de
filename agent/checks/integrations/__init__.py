"""Integration ("koppeling") checks, one module per check type, each with its spec beside its function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.checks.integrations.context import IntegrationContext
from agent.checks.integrations.freshness import FRESHNESS, check_freshness
from agent.checks.integrations.http import HTTP, check_http
from agent.checks.integrations.mail import MAIL, check_mail
from agent.checks.integrations.odoo_cron import ODOO_CRON, check_odoo_cron
from agent.checks.integrations.queue_job import QUEUE_JOB, check_queue_job
from agent.checks.integrations.tcp import TCP, check_tcp
from agent.checks.spec import CheckSpec
from agent.report import CheckResult

if TYPE_CHECKING:
    from agent.config import Integration

# The order is the order of the reference and of the report schema's kind enum.
INTEGRATIONS: tuple[CheckSpec, ...] = (HTTP, TCP, ODOO_CRON, QUEUE_JOB, MAIL, FRESHNESS)
BY_CHECK: dict[str, CheckSpec] = {spec.name: spec for spec in INTEGRATIONS}


def check_integration(integration: Integration, context: IntegrationContext) -> CheckResult:
    run = BY_CHECK[integration.check].run
    assert run is not None  # every integration spec has one
    return run(integration, context)


__all__ = [
    "BY_CHECK",
    "INTEGRATIONS",
    "IntegrationContext",
    "check_freshness",
    "check_http",
    "check_integration",
    "check_mail",
    "check_odoo_cron",
    "check_queue_job",
    "check_tcp",
]
