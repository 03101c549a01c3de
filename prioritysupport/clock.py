"""The one injected clock that the collector, the delivery worker and the demo read (standard library only).

Real in production, fixed (and stepped by hand) in tests, accelerated in the demo. All
instants are aware datetimes in UTC.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def sleep_hint(self, simulated: timedelta) -> float:
        """Real seconds that correspond to a simulated span (for waits)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep_hint(self, simulated: timedelta) -> float:
        return max(simulated.total_seconds(), 0.0)


class FixedClock:
    """A clock that only moves when told to. Safe to share between threads."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        with self._lock:
            self._now = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def sleep_hint(self, simulated: timedelta) -> float:
        return 0.0


class AcceleratedClock:
    """Simulated time that runs `factor` times faster than real time from `start`."""

    def __init__(self, start: datetime, factor: float) -> None:
        if start.tzinfo is None:
            raise ValueError("AcceleratedClock needs an aware datetime")
        if factor <= 0:
            raise ValueError("factor must be positive")
        self._start = start.astimezone(UTC)
        self._factor = factor
        self._real_start = time.monotonic()

    @property
    def factor(self) -> float:
        return self._factor

    def now(self) -> datetime:
        elapsed = time.monotonic() - self._real_start
        return self._start + timedelta(seconds=elapsed * self._factor)

    def sleep_hint(self, simulated: timedelta) -> float:
        return max(simulated.total_seconds() / self._factor, 0.0)
