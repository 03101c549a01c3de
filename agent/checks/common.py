"""Helpers shared by the checks: timing and result construction."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from agent.report import CheckResult, Impact, Scope, Status, utc_iso


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000.0, 1)


def result(
    key: str,
    kind: str,
    status: Status,
    *,
    name: str | None = None,
    value: float | None = None,
    unit: str | None = None,
    detail: str | None = None,
    impact: Impact | None = None,
    scope: Scope | None = None,
    integration: str | None = None,
    duration_ms: float | None = None,
) -> CheckResult:
    return CheckResult(
        key=key,
        kind=kind,
        status=status,
        name=name,
        value=value,
        unit=unit,
        detail=detail,
        impact=impact,
        scope=scope,
        integration=integration,
        checked_at=utc_iso(datetime.now(UTC)),
        duration_ms=duration_ms,
    )
