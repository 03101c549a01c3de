"""Impact and scope of monitoring incidents (policy section 8).

Precedence: a per-check-key override, then a per-integration override (both from settings), then what the
agent put on the check, then the agent's default for the check kind. Those defaults are the agent's check
registry as data (agent/schema/check-kinds.json), for reports of agents that send no impact and scope; the
collector keeps only the kinds it makes itself (the silent-agent probe, the grouped availability condition).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

KINDS_PATH = Path(__file__).resolve().parents[2] / "agent" / "schema" / "check-kinds.json"


@dataclass(frozen=True)
class Classification:
    impact: str
    scope: str


HIGH_ORG = Classification("high", "organisation")
MEDIUM_ORG = Classification("medium", "organisation")
MEDIUM_MULTI = Classification("medium", "multiple-users")
LOW_MULTI = Classification("low", "multiple-users")
LOW_ONE = Classification("low", "one-user")

# Condition kinds the collector makes, not the agent.
COLLECTOR_KINDS: Mapping[str, Classification] = {
    "unreachable": HIGH_ORG,  # the silent-agent probe (collector/monitoring/condition_groups.py)
    "availability": HIGH_ORG,  # the grouped availability condition
}
FALLBACK = MEDIUM_MULTI  # a kind nobody declared: an integration's default


@dataclass(frozen=True)
class KindDefault:
    classification: Classification
    high_at: float | None = None  # a value at or above which the impact is high (disk percent)

    def for_value(self, value: float | None) -> Classification:
        if self.high_at is not None and value is not None and value >= self.high_at:
            return Classification("high", self.classification.scope)
        return self.classification


@cache
def agent_defaults() -> Mapping[str, KindDefault]:
    """The agent's defaults per check kind, read once from the file its registry writes."""
    kinds = json.loads(KINDS_PATH.read_text(encoding="utf-8"))["kinds"]
    return {
        kind: KindDefault(Classification(entry["impact"], entry["scope"]), entry.get("high_at"))
        for kind, entry in kinds.items()
    }


def default_for(kind: str, value: float | None = None) -> Classification:
    """What a failing check of this kind means when nothing else says."""
    known = agent_defaults().get(kind)
    if known is not None:
        return known.for_value(value)
    return COLLECTOR_KINDS.get(kind, FALLBACK)


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
    if integration and integration in (integration_overrides or {}):
        return (integration_overrides or {})[integration]
    if agent_impact and agent_scope:
        return Classification(agent_impact, agent_scope)
    return default_for(kind, value)


def matrix_priority(classification: Classification) -> str:
    """The incident matrix priority (A-D) of a classification."""
    from collector.policy.triage import Category, parse_impact, parse_scope, priority_for

    impact, scope = parse_impact(classification.impact), parse_scope(classification.scope)
    return priority_for(Category.INCIDENT, impact, scope).value


def worst(classifications: Iterable[Classification]) -> Classification | None:
    """The classification with the most urgent matrix priority (A before D); the first one on a tie."""
    ranked = sorted(enumerate(classifications), key=lambda pair: (matrix_priority(pair[1]), pair[0]))
    return ranked[0][1] if ranked else None
