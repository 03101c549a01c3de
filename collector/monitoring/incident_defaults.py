"""Impact and scope of monitoring incidents per check kind (policy section 8), as data.

Precedence: a per-check-key override, then a per-integration override (both from settings), then what the
agent put on the check, then this table. Disk checks use their value (percent used).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Classification:
    impact: str
    scope: str


HIGH_ORG = Classification("high", "organisation")
MEDIUM_ORG = Classification("medium", "organisation")
MEDIUM_MULTI = Classification("medium", "multiple-users")
LOW_MULTI = Classification("low", "multiple-users")
LOW_ONE = Classification("low", "one-user")

BY_KIND: Mapping[str, Classification] = {
    "login_page": HIGH_ORG,
    "health": HIGH_ORG,
    "database": HIGH_ORG,
    "http": HIGH_ORG,
    "tcp": HIGH_ORG,
    "unreachable": HIGH_ORG,
    "availability": HIGH_ORG,  # the grouped availability condition (collector/monitoring/condition_groups.py)
    "read": MEDIUM_ORG,
    "latency": MEDIUM_ORG,
    "host": MEDIUM_ORG,
    "queue_job": MEDIUM_MULTI,
    "mail": MEDIUM_MULTI,
    "odoo_cron": LOW_MULTI,
    "freshness": LOW_MULTI,
    "authentication": LOW_ONE,
    "version": LOW_ONE,
}
INTEGRATION_DEFAULT = MEDIUM_MULTI
FALLBACK = MEDIUM_MULTI
DISK_CRITICAL_PERCENT = 97.0


def classify(
    kind: str,
    *,
    value: float | None = None,
    integration: str | None = None,
    agent_impact: str | None = None,
    agent_scope: str | None = None,
    check_override: Classification | None = None,
    integration_overrides: Mapping[str, Classification] | None = None,
) -> Classification:
    if check_override is not None:
        return check_override
    if integration:
        return (integration_overrides or {}).get(integration, INTEGRATION_DEFAULT)
    if agent_impact and agent_scope:
        return Classification(agent_impact, agent_scope)
    if kind == "disk":
        return HIGH_ORG if value is not None and value >= DISK_CRITICAL_PERCENT else MEDIUM_ORG
    return BY_KIND.get(kind, FALLBACK)


def matrix_priority(classification: Classification) -> str:
    """The incident matrix priority (A-D) of a classification."""
    from collector.policy.triage import Category, parse_impact, parse_scope, priority_for

    impact, scope = parse_impact(classification.impact), parse_scope(classification.scope)
    return priority_for(Category.INCIDENT, impact, scope).value


def worst(classifications: Iterable[Classification]) -> Classification | None:
    """The classification with the most urgent matrix priority (A before D); the first one on a tie."""
    ranked = sorted(enumerate(classifications), key=lambda pair: (matrix_priority(pair[1]), pair[0]))
    return ranked[0][1] if ranked else None
