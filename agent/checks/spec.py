"""What a check type is: its name in the report, what a failure means by default, and its options.

Each check type declares one `CheckSpec` beside the function that makes its results. The registry
(agent/checks/registry.py) collects them; the configuration reader, the reference, the runner, the report
schema's `kind` enum and the collector's defaults for older reports (agent/schema/check-kinds.json) all
derive from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent.checks.common import result
from agent.report import CheckResult, Impact, Scope, Status

if TYPE_CHECKING:
    from agent.checks.integrations.context import IntegrationContext
    from agent.config import Integration

IntegrationRun = Callable[["Integration", "IntegrationContext"], CheckResult]


@dataclass(frozen=True)
class Option:
    """One key of an integration table that only this check type reads."""

    name: str
    types: tuple[type, ...]
    help: str
    required: bool = False
    default: Any = None
    valid: Callable[[Any], bool] | None = None  # a further test once the type is right
    invalid: str = ""  # the rest of the sentence when `valid` says no: "<path>.<name> <invalid>"


@dataclass(frozen=True)
class CheckSpec:
    """One check type; `run` and `options` only for integration checks, configured per integration."""

    name: str
    impact: Impact  # policy section 8: what a failure means unless configured otherwise
    scope: Scope
    options: tuple[Option, ...] = ()
    run: IntegrationRun | None = None
    high_at: float | None = None  # a value (percent) at or above which the impact is high

    def option(self, name: str) -> Option:
        return next(option for option in self.options if option.name == name)

    def value(self, options: Mapping[str, Any], name: str) -> Any:
        """A configured option, or its declared default."""
        return options.get(name, self.option(name).default)

    def result(
        self,
        key: str,
        status: Status,
        *,
        impact: Impact | None = None,
        scope: Scope | None = None,
        **fields: Any,
    ) -> CheckResult:
        """A result of this kind, carrying the default impact and scope unless others are given."""
        return result(
            key, self.name, status, impact=impact or self.impact, scope=scope or self.scope, **fields
        )
