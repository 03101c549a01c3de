"""Limit warning states with hysteresis and the notices they trigger (policy section 2).

"near" at or above 90% of the limit, "over" above it; leaving "near" needs usage under 85%, so a count
that wobbles around 90% does not warn twice. Entering near or over warns once, over reminds every 30
days while it lasts, and leaving over sends one notice. The fractions and the period come from the
catalogue ([limits]).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from collector.policy.catalogue import LimitSettings


class LimitState(StrEnum):
    OK = "ok"
    NEAR = "near"
    OVER = "over"


class LimitEvent(StrEnum):
    WARN_NEAR = "warn_near"  # entered near
    WARN_OVER = "warn_over"  # entered over
    REMIND_OVER = "remind_over"  # still over, a reminder period has passed
    BACK_UNDER = "back_under"  # left over: usage at or under the limit again


DEFAULT_LIMITS = LimitSettings()


def next_state(
    previous: LimitState, usage: float, limit: float | None, settings: LimitSettings = DEFAULT_LIMITS
) -> LimitState:
    """The state after a new measurement. No limit (a custom contract) is always ok."""
    if limit is None:
        return LimitState.OK
    if usage > limit:
        return LimitState.OVER
    if usage >= settings.near_fraction * limit:
        return LimitState.NEAR
    if previous is not LimitState.OK and usage >= settings.leave_near_fraction * limit:
        return LimitState.NEAR
    return LimitState.OK


@dataclass(frozen=True)
class LimitTracking:
    """What is remembered per customer and limit between measurements."""

    state: LimitState = LimitState.OK
    last_notice_at: datetime | None = None  # the last warning or reminder sent while over


def evaluate_limit(
    tracking: LimitTracking,
    usage: float,
    limit: float | None,
    now: datetime,
    settings: LimitSettings = DEFAULT_LIMITS,
) -> tuple[LimitTracking, list[LimitEvent]]:
    """The new tracking and the notices to send for one measurement at `now`."""
    state = next_state(tracking.state, usage, limit, settings)
    previous = tracking.state
    if state is LimitState.OVER:
        if previous is not LimitState.OVER:
            return LimitTracking(state, now), [LimitEvent.WARN_OVER]
        reminder_due = tracking.last_notice_at is None or now - tracking.last_notice_at >= timedelta(
            days=settings.over_reminder_days
        )
        if reminder_due:
            return LimitTracking(state, now), [LimitEvent.REMIND_OVER]
        return tracking, []
    if previous is LimitState.OVER:
        return LimitTracking(state, now), [LimitEvent.BACK_UNDER]
    if state is LimitState.NEAR and previous is LimitState.OK:
        return LimitTracking(state, now), [LimitEvent.WARN_NEAR]
    return LimitTracking(state, tracking.last_notice_at), []
