"""A sliding-window limiter per key (client address). In memory: each replica counts on its own."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Counts this attempt when it is allowed."""
        with self._lock:
            hits, now = self._current(key)
            if len(hits) >= self.limit:
                return False
            self._record(hits, now)
            return True

    def blocked(self, key: str) -> bool:
        """Whether the next attempt would be refused, without counting one (count it with `hit`)."""
        with self._lock:
            hits, _ = self._current(key)
            return len(hits) >= self.limit

    def hit(self, key: str) -> None:
        with self._lock:
            hits, now = self._current(key)
            self._record(hits, now)

    def _current(self, key: str) -> tuple[deque[float], float]:
        now = self._clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits, now

    def _record(self, hits: deque[float], now: float) -> None:
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle keys so memory stays bounded
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
