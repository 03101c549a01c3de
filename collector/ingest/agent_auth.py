"""Who an agent is: bearer tokens and instances, held in memory and kept fresh by change tracking.

A fleet of thousands of agents reporting once a minute would miss any short per-entry cache on almost
every report, and entries cached together would expire together. So nothing here expires on a timer:

- Warm start: `sync()` loads every live token (by its sha256) and every instance at once.
- Change tracking: a fingerprint of each table (row count, highest id, counts and extremes of
  revoked_at / expires_at) is read at most every `refresh` seconds, ahead of need and off the event
  loop; only a changed fingerprint reloads (only the new rows when rows were just added).
- Bound: a token revoked or rotated out stops working within `stale_limit` seconds (3 s by
  default): past it a request waits for the fingerprint check before it is answered. A rotated
  token's grace period is compared with the clock on every request.
- Revoked tokens are refused from memory. A token or instance not in memory (added since the last
  check) is looked up in the database once; one the database does not know is remembered as unknown
  until its table changes.

Tracked: what the product changes (enrolment, rotation, revocation, contract loads, customer
deletion). A hand-made UPDATE that keeps every count and extreme the same is not seen until `forget()`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from collector.ingest import enrolment
from collector.storage import tables as t
from prioritysupport.clock import Clock

log = logging.getLogger("prioritysupport.collector.ingest")

REFRESH_SECONDS = 1.0
STALE_LIMIT_SECONDS = 3.0
_UNKNOWN_LIMIT = 100_000  # remembered unknown tokens / instance names; cleared beyond (no unbounded growth)


@dataclass(frozen=True)
class InstanceRef:
    id: int
    customer_id: int


@dataclass(frozen=True)
class Grant:
    customer_id: int
    expires_at: datetime | None  # end of a rotation's grace period


def _token_fingerprint(conn: Connection) -> tuple[Any, ...]:
    c = t.agent_tokens.c
    row = conn.execute(
        select(
            func.count(),
            func.coalesce(func.max(c.id), 0),
            func.count(c.revoked_at),
            func.max(c.revoked_at),
            func.count(c.expires_at),
            func.max(c.expires_at),
            func.min(c.expires_at),
        ).select_from(t.agent_tokens)
    ).one()
    return tuple(row)


def _instance_fingerprint(conn: Connection) -> tuple[Any, ...]:
    c = t.instances.c
    return tuple(conn.execute(select(func.count(), func.coalesce(func.max(c.id), 0))).one())


def _token_rows(conn: Connection, after_id: int) -> list[Any]:
    c = t.agent_tokens.c
    query = select(c.token_hash, c.customer_id, c.expires_at, c.revoked_at).where(c.id > after_id)
    return list(conn.execute(query))


def _instance_rows(conn: Connection, after_id: int) -> list[Any]:
    c = t.instances.c
    return list(conn.execute(select(c.id, c.customer_id, c.name).where(c.id > after_id)))


def _only_added(old: tuple[Any, ...] | None, new: tuple[Any, ...]) -> bool:
    """True when the table only gained rows since `old` (count and highest id moved, nothing else)."""
    return old is not None and old[2:] == new[2:] and new[0] >= old[0] and new[1] >= old[1]


class AgentDirectory:
    _MISS = object()

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        refresh: float = REFRESH_SECONDS,
        stale_limit: float = STALE_LIMIT_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._refresh = refresh
        self._stale_limit = stale_limit
        self._monotonic = monotonic
        self._sync_lock = threading.Lock()
        self._grants: dict[str, Grant] = {}  # token hash -> grant; revoked tokens are absent
        self._unknown_tokens: set[str] = set()  # revoked, or asked for and not found
        self._revoked: set[str] = set()  # revoked: refused from memory, a revoked agent may keep trying
        self._instances: dict[tuple[int, str], int] = {}
        self._unknown_instances: set[tuple[int, str]] = set()
        self._token_mark: tuple[Any, ...] | None = None
        self._instance_mark: tuple[Any, ...] | None = None
        self._checked_at = float("-inf")

    # -- freshness ---------------------------------------------------------------------------------------

    def sync_due(self) -> bool:
        """Time to check for changes ahead of need (the answer does not wait for it)."""
        return self._monotonic() - self._checked_at >= self._refresh

    def stale(self) -> bool:
        """Too old to answer from: the caller runs sync() first (the revocation bound)."""
        return self._monotonic() - self._checked_at >= self._stale_limit

    def sync(self, wait: bool = True) -> None:
        """Read the fingerprints and reload what changed. Blocking I/O: call it in a worker thread.
        wait=False returns at once when another thread is already syncing."""
        if not self._sync_lock.acquire(blocking=wait):
            return
        try:
            if wait and not self.sync_due():
                return  # another thread synced while this one waited
            started = self._monotonic()
            with self._engine.connect() as conn:
                self._sync_tokens(conn)
                self._sync_instances(conn)
            self._checked_at = started
        finally:
            self._sync_lock.release()

    def _sync_tokens(self, conn: Connection) -> None:
        mark = _token_fingerprint(conn)
        if mark == self._token_mark:
            return
        old = self._token_mark
        added = _only_added(old, mark)
        rows = _token_rows(conn, old[1] if added and old is not None else 0)
        grants = {
            row.token_hash: Grant(int(row.customer_id), row.expires_at)
            for row in rows
            if row.revoked_at is None
        }
        revoked = {row.token_hash for row in rows if row.revoked_at is not None}
        if added:
            self._grants.update(grants)
            self._revoked = self._revoked | revoked
        else:
            self._grants = grants
            self._revoked = revoked
        self._unknown_tokens = set(self._revoked)  # tokens asked for and not found: ask again
        self._token_mark = mark

    def _sync_instances(self, conn: Connection) -> None:
        mark = _instance_fingerprint(conn)
        if mark == self._instance_mark:
            return
        old = self._instance_mark
        added = _only_added(old, mark)
        rows = _instance_rows(conn, old[1] if added and old is not None else 0)
        found = {(int(row.customer_id), str(row.name)): int(row.id) for row in rows}
        if added:
            self._instances.update(found)
        else:
            self._instances = found
        self._unknown_instances = set()
        self._instance_mark = mark

    def forget(self) -> None:
        """Contracts or tokens changed in this process: the next request checks before it is answered."""
        self._checked_at = float("-inf")
        self._unknown_tokens = set(self._revoked)
        self._unknown_instances = set()

    # -- answers from memory (event loop) ------------------------------------------------------------------

    def cached_customer(self, token: str) -> object:
        """The customer id, None (unknown, revoked or past its grace), or AgentDirectory._MISS: then ask
        customer_for_token in a worker thread, so a database round trip never blocks the event loop."""
        digest = enrolment.hash_token(token)
        grant = self._grants.get(digest)
        if grant is None:
            return None if digest in self._unknown_tokens else self._MISS
        if grant.expires_at is not None and grant.expires_at <= self._clock.now():
            return None
        return grant.customer_id

    def cached_instance(self, customer_id: int, name: str) -> object:
        key = (customer_id, name)
        found = self._instances.get(key)
        if found is not None:
            return found
        return None if key in self._unknown_instances else self._MISS

    # -- misses (worker thread) --------------------------------------------------------------------------

    def customer_for_token(self, token: str) -> int | None:
        known = self.cached_customer(token)
        if known is not self._MISS:
            return known if isinstance(known, int) else None
        with self._engine.connect() as conn:
            grant = enrolment.lookup(conn, token, self._clock.now())
        digest = enrolment.hash_token(token)
        if grant is None:
            if len(self._unknown_tokens) >= _UNKNOWN_LIMIT:
                self._unknown_tokens = set()
            self._unknown_tokens.add(digest)
            return None
        self._grants[digest] = Grant(grant.customer_id, grant.expires_at)
        return grant.customer_id

    def instance_id(self, customer_id: int, name: str) -> int | None:
        known = self.cached_instance(customer_id, name)
        if known is not self._MISS:
            return known if isinstance(known, int) else None
        with self._engine.connect() as conn:
            found = conn.execute(
                select(t.instances.c.id).where(
                    (t.instances.c.customer_id == customer_id) & (t.instances.c.name == name)
                )
            ).scalar()
        key = (customer_id, name)
        if found is None:
            if len(self._unknown_instances) >= _UNKNOWN_LIMIT:
                self._unknown_instances = set()
            self._unknown_instances.add(key)
            return None
        self._instances[key] = int(found)
        return int(found)
