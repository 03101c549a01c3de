"""The queue_job integration check: failed OCA queue jobs above a threshold, with the latest error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.checks.common import Stopwatch
from agent.checks.integrations.context import IntegrationContext, integration_result, odoo_unavailable
from agent.checks.spec import CheckSpec, Option
from agent.odoo.errors import OdooClientError
from agent.report import CheckResult

if TYPE_CHECKING:
    from agent.config import Integration

_FILTERS = ("channel", "model_name", "method_name")


def check_queue_job(integration: Integration, context: IntegrationContext) -> CheckResult:
    """Failed OCA queue jobs of a channel / model / method above a threshold, with the latest error."""
    if context.client is None:
        return odoo_unavailable(integration)
    domain: list[Any] = [("state", "=", "failed")]
    for key in _FILTERS:
        if key in integration.options:
            domain.append((key, "=", str(integration.options[key])))
    threshold = int(QUEUE_JOB.value(integration.options, "threshold"))
    watch = Stopwatch()
    try:
        failed = context.client.search_count("queue.job", domain)
        latest = (
            context.client.search_read(
                "queue.job",
                domain,
                ["exc_name", "exc_message", "date_created"],
                limit=1,
                order="date_created desc, id desc",
            )
            if failed
            else []
        )
    except OdooClientError as error:
        detail = f"could not read queue.job: {error}"
        return integration_result(integration, "unknown", detail, duration_ms=watch.ms)
    detail = f"{failed} failed job(s) (threshold {threshold})"
    if latest:
        job = latest[0]
        detail += f"; latest: {job.get('exc_name') or ''}: {job.get('exc_message') or ''}".rstrip(": ")
    return integration_result(
        integration,
        "failing" if failed > threshold else "ok",
        detail,
        value=float(failed),
        unit="jobs",
        duration_ms=watch.ms,
    )


QUEUE_JOB = CheckSpec(
    "queue_job",
    impact="medium",
    scope="multiple-users",
    options=(
        Option("channel", (str,), "Only jobs of this queue_job channel."),
        Option("model_name", (str,), "Only jobs on this model."),
        Option("method_name", (str,), "Only jobs calling this method."),
        Option("threshold", (int,), "Failed jobs above which the check fails (default 0).", default=0),
    ),
    run=check_queue_job,
)
