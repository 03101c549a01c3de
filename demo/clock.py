"""The demo's clock: simulated time whose speed the scenario can change without a jump."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class ScenarioClock:
    """Simulated time running `rate` times faster than real time; `set_rate` keeps time continuous.

    The scenario slows the clock down around its events (so agents, whose cycles run on real time, get a few
    reports in per simulated minute) and speeds it up through the quiet hours in between.
    """

    def __init__(self, start: datetime, rate: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        if start.tzinfo is None:
            raise ValueError("ScenarioClock needs an aware datetime")
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._anchor_sim = start.astimezone(UTC)
        self._anchor_real = monotonic()
        self._rate = self._checked(rate)

    @staticmethod
    def _checked(rate: float) -> float:
        if rate <= 0:
            raise ValueError("rate must be positive")
        return rate

    @property
    def rate(self) -> float:
        with self._lock:
            return self._rate

    def now(self) -> datetime:
        with self._lock:
            return self._anchor_sim + timedelta(seconds=(self._monotonic() - self._anchor_real) * self._rate)

    def set_rate(self, rate: float) -> None:
        with self._lock:
            real = self._monotonic()
            self._anchor_sim += timedelta(seconds=(real - self._anchor_real) * self._rate)
            self._anchor_real = real
            self._rate = self._checked(rate)

    def sleep_hint(self, simulated: timedelta) -> float:
        return max(simulated.total_seconds() / self.rate, 0.0)

    def wait_until(self, instant: datetime, poll: float = 0.05) -> None:
        """Block (in real time) until simulated time reaches `instant`."""
        while True:
            remaining = (instant - self.now()).total_seconds()
            if remaining <= 0:
                return
            time.sleep(min(max(remaining / self.rate, 0.001), poll))
