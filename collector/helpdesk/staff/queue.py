"""The staff queue as pure functions: which deadline counts next, the countdown and the marks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class SlaView:
    due: datetime | None  # the next deadline that matters
    which: str  # response, resolution, none
    remaining: timedelta | None  # negative when overdue
    breached: bool
    prebreach: bool


def sla_view(row: Any, now: datetime) -> SlaView:
    """Response deadline until the first response, then the resolution (or agreed) deadline."""
    paused = row.state == "waiting_for_customer"
    if row.first_response_at is None and row.response_due is not None:
        due, which = row.response_due, "response"
    elif row.state in ("resolved", "closed"):
        due, which = None, "none"
    else:
        due, which = row.agreed_resolution_at or row.resolution_due, "resolution"
    remaining = (due - now) if due is not None and not paused else None
    breached = bool(
        row.response_breached
        or row.resolution_breached
        or (remaining is not None and remaining < timedelta(0))
    )
    prebreach = (
        not breached and which == "response" and row.prebreach_at is not None and now >= row.prebreach_at
    )
    return SlaView(due, which, remaining, breached, prebreach)


def human(span: timedelta | None) -> str:
    """A span without its sign: the page says "left" or "overdue" beside it."""
    if span is None:
        return "-"
    minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    text = (f"{days}d " if days else "") + (f"{hours}h " if hours or days else "") + f"{mins}m"
    return text


def sort_key(view: SlaView) -> tuple[int, float]:
    """Breached first, then the soonest deadline; tickets without a running deadline last."""
    if view.remaining is None:
        return (2, 0.0)
    return (0 if view.breached else 1, view.remaining.total_seconds())
