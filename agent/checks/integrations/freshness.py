"""The freshness integration check: the newest record of a model and domain is recent enough."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from agent.checks.common import Stopwatch
from agent.checks.cron import parse_odoo_datetime
from agent.checks.integrations.context import IntegrationContext, integration_result, odoo_unavailable
from agent.checks.spec import CheckSpec, Option
from agent.odoo.errors import OdooClientError
from agent.report import CheckResult, Status

if TYPE_CHECKING:
    from agent.config import Integration


def check_freshness(integration: Integration, context: IntegrationContext) -> CheckResult:
    """The newest record of a model and domain must be younger than max_age_minutes."""
    if context.client is None:
        return odoo_unavailable(integration)
    options = integration.options
    model = str(options["model"])
    field = str(FRESHNESS.value(options, "field"))
    domain = [tuple(leaf) if isinstance(leaf, list) else leaf for leaf in FRESHNESS.value(options, "domain")]
    max_age = timedelta(minutes=float(options["max_age_minutes"]))
    watch = Stopwatch()
    try:
        newest = context.client.search_read(model, list(domain), [field], limit=1, order=f"{field} desc")
    except OdooClientError as error:
        detail = f"could not read {model}: {error}"
        return integration_result(integration, "unknown", detail, duration_ms=watch.ms)
    stamp = parse_odoo_datetime(newest[0].get(field)) if newest else None
    if stamp is None:
        return integration_result(integration, "failing", f"no {model} record matches", duration_ms=watch.ms)
    age = context.now() - stamp
    minutes = age.total_seconds() / 60
    status: Status = "failing" if age > max_age else "ok"
    detail = f"newest {model} is {minutes:.0f} min old (bound {max_age.total_seconds() / 60:.0f} min)"
    return integration_result(
        integration, status, detail, value=round(minutes, 1), unit="minutes", duration_ms=watch.ms
    )


FRESHNESS = CheckSpec(
    "freshness",
    impact="medium",
    scope="multiple-users",
    options=(
        Option("model", (str,), "Odoo model whose newest record is checked.", required=True),
        Option("domain", (list,), "Odoo domain that selects the records (default: all).", default=()),
        Option(
            "field",
            (str,),
            "Date-time field that tells the record's age (default create_date).",
            default="create_date",
        ),
        Option(
            "max_age_minutes",
            (int, float),
            "Minutes after which the newest record is too old.",
            required=True,
        ),
    ),
    run=check_freshness,
)
