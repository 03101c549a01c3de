"""Retry timing: exponential back-off with jitter, so a recovering channel is not hit by a thundering herd."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8
    jitter: float = 0.5  # a delay is drawn from [(1 - jitter) * d, d]

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must lie between 0 and 1")

    def delay(self, attempt: int, rng: random.Random | None = None) -> timedelta:
        """The wait after failed attempt number `attempt` (1 for the first)."""
        exponent = min(max(attempt - 1, 0), 30)
        ceiling = min(self.base * (2**exponent), self.cap)
        factor = 1.0 - self.jitter * (rng or random).random()
        return ceiling * factor
