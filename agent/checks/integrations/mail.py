"""The mail integration check: outgoing mail in exception above a threshold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.checks.common import Stopwatch
from agent.checks.integrations.context import IntegrationContext, integration_result, odoo_unavailable
from agent.checks.spec import CheckSpec, Option
from agent.odoo.errors import OdooClientError
from agent.report import CheckResult

if TYPE_CHECKING:
    from agent.config import Integration


def check_mail(integration: Integration, context: IntegrationContext) -> CheckResult:
    """Outgoing mail in exception above a threshold."""
    if context.client is None:
        return odoo_unavailable(integration)
    threshold = int(MAIL.value(integration.options, "threshold"))
    watch = Stopwatch()
    domain: list[Any] = [("state", "=", "exception")]
    try:
        count = context.client.search_count("mail.mail", domain)
        latest = (
            context.client.search_read(
                "mail.mail", domain, ["failure_type", "failure_reason"], limit=1, order="id desc"
            )
            if count
            else []
        )
    except OdooClientError as error:
        detail = f"could not read mail.mail: {error}"
        return integration_result(integration, "unknown", detail, duration_ms=watch.ms)
    detail = f"{count} mail(s) in exception (threshold {threshold})"
    if latest:
        reason = f"{latest[0].get('failure_type') or ''} {latest[0].get('failure_reason') or ''}".strip()
        detail += f"; latest: {reason}"
    return integration_result(
        integration,
        "failing" if count > threshold else "ok",
        detail,
        value=float(count),
        unit="mails",
        duration_ms=watch.ms,
    )


MAIL = CheckSpec(
    "mail",
    impact="medium",
    scope="multiple-users",
    options=(
        Option(
            "threshold",
            (int,),
            "Outgoing mails in exception above which the check fails (default 0).",
            default=0,
        ),
    ),
    run=check_mail,
)
