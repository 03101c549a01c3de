"""What every integration check shares: the context it may use and how its result is built."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agent.checks.common import result
from agent.report import CheckResult, Impact, Scope, Status

if TYPE_CHECKING:
    import requests

    from agent.config import Integration
    from agent.odoo import OdooClient


class IntegrationContext:
    """What an integration check may use: the Odoo client (None when unreachable) and the version."""

    def __init__(
        self,
        client: OdooClient | None,
        major: int | None,
        session: requests.Session,
        verify: bool | str,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.major = major
        self.session = session
        self.verify = verify
        self.now = now or (lambda: datetime.now(UTC))


def integration_result(
    integration: Integration,
    status: Status,
    detail: str,
    value: float | None = None,
    unit: str | None = None,
    duration_ms: float | None = None,
) -> CheckResult:
    """A result keyed by the integration, with the impact and scope configured for it."""
    impact: Impact = integration.impact  # type: ignore[assignment]
    scope: Scope = integration.scope  # type: ignore[assignment]
    return result(
        f"integration:{integration.name}",
        integration.check,
        status,
        name=integration.name,
        value=value,
        unit=unit,
        detail=detail,
        impact=impact,
        scope=scope,
        integration=integration.name,
        duration_ms=duration_ms,
    )


def odoo_unavailable(integration: Integration) -> CheckResult:
    """The Odoo-based checks say nothing while Odoo does not answer: availability reports that."""
    return integration_result(integration, "unknown", "not known: Odoo did not answer")
