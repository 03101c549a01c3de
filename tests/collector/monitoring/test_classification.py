"""Impact and scope of incidents: overrides, then the report, then the agent's defaults per check kind."""

from __future__ import annotations

from agent.checks import registry
from collector.monitoring.classification import (
    HIGH_ORG,
    LOW_MULTI,
    LOW_ONE,
    MEDIUM_MULTI,
    MEDIUM_ORG,
    Classification,
    classify,
    default_for,
)


def test_the_collector_defaults_are_the_agents_for_checks_without_impact_and_scope() -> None:
    for spec in registry.SPECS:
        assert default_for(spec.name) == Classification(spec.impact, spec.scope), spec.name
    assert default_for("read") == MEDIUM_ORG and default_for("authentication") == LOW_ONE
    assert default_for("odoo_cron") == LOW_MULTI and default_for("http") == MEDIUM_MULTI
    assert default_for("disk", 96.9) == MEDIUM_ORG and default_for("disk", 97.0) == HIGH_ORG
    assert default_for("unreachable") == HIGH_ORG and default_for("availability") == HIGH_ORG
    assert default_for("something_new") == MEDIUM_MULTI


def test_overrides_win_then_the_report_then_the_defaults() -> None:
    override = Classification("low", "one-user")
    assert classify("login_page", agent_impact="medium", agent_scope="one-user", check_override=override) == (
        override
    )
    overrides = {"webshop": HIGH_ORG}
    report = {"agent_impact": "low", "agent_scope": "multiple-users"}
    assert classify("http", integration="webshop", integration_overrides=overrides, **report) == HIGH_ORG
    assert classify("http", integration="crm", integration_overrides=overrides, **report) == LOW_MULTI
    assert classify("http", integration="crm", integration_overrides=overrides) == MEDIUM_MULTI
