"""When a report was observed: the agent's sent_at, bounded by the collector's clock.

A report spooled through a collector outage arrives late; dating it on arrival would make every flip,
condition `since` and ticket registration late by the whole outage. The agent's clock is trusted only
inside bounds: never after arrival, never before that instance's previous observation, and within
GRACE of arrival the collector's own clock wins (ordinary delivery; one timeline for all SLA times).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

GRACE = timedelta(minutes=2)


@dataclass(frozen=True)
class Observed:
    at: datetime
    skew_seconds: float  # sent_at minus the time used: > 0 the agent's clock is ahead, < 0 it was late
    bounded: bool  # sent_at was moved to fit the bounds


def observation_time(sent_at: datetime, received_at: datetime, previous: datetime | None) -> Observed:
    if sent_at >= received_at - GRACE:
        at, bounded = received_at, sent_at > received_at + GRACE
    else:
        at, bounded = sent_at, False
    if previous is not None and at < previous <= received_at:
        at, bounded = previous, True
    return Observed(at, (sent_at - at).total_seconds(), bounded)
