"""Bearer-token and instance lookups for ingest, cached briefly so a report costs no extra queries.

A revoked token stops working within `ttl` seconds (the cache lifetime).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine

from collector.contracts.lookup import instance_named
from collector.ingest import enrolment
from prioritysupport.clock import Clock


@dataclass(frozen=True)
class InstanceRef:
    id: int
    customer_id: int


class AgentDirectory:
    def __init__(self, engine: Engine, clock: Clock, ttl: float = 5.0) -> None:
        self._engine = engine
        self._clock = clock
        self._ttl = ttl
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[float, int | None]] = {}
        self._instances: dict[tuple[int, str], tuple[float, int | None]] = {}

    _MISS = object()

    def cached_customer(self, token: str) -> object:
        """The cached answer (an int or None), or AgentDirectory._MISS: then ask customer_for_token in
        a worker thread, so a database round trip never blocks the event loop."""
        cached = self._tokens.get(token)
        return cached[1] if cached is not None and cached[0] > time.monotonic() else self._MISS

    def cached_instance(self, customer_id: int, name: str) -> object:
        cached = self._instances.get((customer_id, name))
        return cached[1] if cached is not None and cached[0] > time.monotonic() else self._MISS

    def customer_for_token(self, token: str) -> int | None:
        now = time.monotonic()
        with self._lock:
            cached = self._tokens.get(token)
        if cached is not None and cached[0] > now:
            return cached[1]
        with self._engine.connect() as conn:
            grant = enrolment.lookup(conn, token, self._clock.now())
        customer_id = grant.customer_id if grant else None
        ttl = self._ttl
        if grant is not None and grant.expires_at is not None:
            # Never cache a rotated token past its grace period.
            remaining = (grant.expires_at - self._clock.now()).total_seconds()
            ttl = min(ttl, max(remaining, 0.0))
        with self._lock:
            if len(self._tokens) > 10_000:
                self._tokens.clear()
            self._tokens[token] = (now + ttl, customer_id)
        return customer_id

    def instance_id(self, customer_id: int, name: str) -> int | None:
        now = time.monotonic()
        key = (customer_id, name)
        with self._lock:
            cached = self._instances.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        with self._engine.connect() as conn:
            found = instance_named(conn, customer_id, name)
        with self._lock:
            if len(self._instances) > 100_000:
                self._instances.clear()
            self._instances[key] = (now + self._ttl, found)
        return found

    def forget(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._instances.clear()
