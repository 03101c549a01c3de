"""Users and custom lines against the contract in force (policy section 2), and integrations seen but not
contracted. Runs for reports that carry counts; the rules themselves live in collector/policy/limits.py."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from collector.contracts.book import ContractInForce, contracts_in_force
from collector.policy.fees import advise_package
from collector.policy.limits import LimitState, LimitTracking, evaluate_limit
from collector.policy.policy import Policy
from collector.routing.rules import Router, RoutingEvent
from collector.storage import tables as t
from prioritysupport.clock import Clock


@dataclass
class _ContractBook:
    """Every customer's contract in force on `day`, as of the contracts table's `fingerprint`."""

    day: date
    fingerprint: tuple[Any, ...]
    contracts: dict[int, ContractInForce]
    checked: float  # time.monotonic() of the last fingerprint check


def _contracts_fingerprint(conn: Connection) -> tuple[Any, ...]:
    # A contract load deletes and re-inserts a customer's rows: the count or the highest id changes.
    return tuple(conn.execute(select(func.count(), func.max(t.contracts.c.id))).one())


def counted_lines(counts: Mapping[str, Any], excluded_authors: Iterable[str]) -> int:
    """Custom lines, leaving out modules by the contract's excluded third-party authors."""
    excluded = {a.strip().lower() for a in excluded_authors if a.strip()}
    modules = counts.get("modules") or []
    if not excluded or not modules:
        return int(counts.get("custom_lines") or 0)
    total = 0
    for module in modules:
        authors = {a.strip().lower() for a in (module.get("author") or "").split(",")}
        if not authors & excluded:
            total += int(module.get("code") or 0)
    return total


class LimitWatch:
    def __init__(self, clock: Clock, router: Router, policy: Policy) -> None:
        self.clock = clock
        self.router = router
        self.catalogue = policy.catalogue  # the configured one: its packages, limits and hysteresis
        self._integrations_known: set[tuple[int, str]] = set()  # reported already: skip the database
        # (customer, metric) -> (usage, limit, tracking, when) last written: an unchanged count costs no
        # query. With PostgreSQL (possibly several replicas) an entry is trusted for `shared_ttl` seconds.
        self._last: dict[tuple[int, str], tuple[int, int, LimitTracking, float]] = {}
        self._book: _ContractBook | None = None
        self.shared_ttl = 60.0

    def preload(self, conn: Connection) -> None:
        """At start: the contracts in force and every customer's limit state, in two queries, instead of
        one of each per customer on its first counts report."""
        self._contract(conn, 0, self.clock.now().date())
        c = t.limit_states.c
        rows = conn.execute(
            select(c.customer_id, c.metric, c.state, c.usage, c.limit_value, c.last_warned_at).where(
                c.metric.in_(("users", "lines")) & c.limit_value.is_not(None)
            )
        )
        now = time.monotonic()
        for row in rows:
            tracking = LimitTracking(LimitState(row.state), row.last_warned_at)
            self._last[(row.customer_id, row.metric)] = (row.usage, row.limit_value, tracking, now)

    def __call__(self, conn: Connection, customer_id: int, instance_id: int, counts: dict[str, Any]) -> None:
        now = self.clock.now()
        contract = self._contract(conn, customer_id, now.date())
        if contract is None or contract.package is None:
            return
        package = self.catalogue.package(contract.package)
        users = counts.get("internal_users")
        lines = (
            counted_lines(counts, contract.excluded_authors)
            if counts.get("custom_lines") is not None
            else None
        )
        measured = {"users": (users, package.max_users), "lines": (lines, package.max_custom_lines)}
        for metric, (usage, limit) in measured.items():
            if usage is not None:
                self._measure(conn, customer_id, metric, int(usage), limit, counts, measured, contract)

    def _measure(
        self,
        conn: Connection,
        customer_id: int,
        metric: str,
        usage: int,
        limit: int,
        counts: dict[str, Any],
        measured: Mapping[str, tuple[int | None, int]],
        contract: ContractInForce,
    ) -> None:
        now = self.clock.now()
        cached = self._last.get((customer_id, metric))
        fresh = cached is not None and (
            conn.dialect.name == "sqlite" or time.monotonic() - cached[3] < self.shared_ttl
        )
        if cached is not None and fresh and cached[0] == usage and cached[1] == limit:
            unchanged, events = evaluate_limit(cached[2], usage, limit, now, self.catalogue.limits)
            if not events and unchanged == cached[2]:
                return  # same count, same state, no reminder due: nothing to write or send
        row = conn.execute(
            select(t.limit_states).where(
                (t.limit_states.c.customer_id == customer_id) & (t.limit_states.c.metric == metric)
            )
        ).first()
        tracking = (
            LimitTracking(LimitState(row.state), row.last_warned_at) if row is not None else LimitTracking()
        )
        new, events = evaluate_limit(tracking, usage, limit, now, self.catalogue.limits)
        values = {
            "state": new.state.value,
            "usage": usage,
            "limit_value": limit,
            "last_warned_at": new.last_notice_at,
        }
        if row is None:
            conn.execute(
                t.limit_states.insert().values(
                    customer_id=customer_id, metric=metric, changed_at=now, counts=_slim(counts), **values
                )
            )
        else:
            if new.state.value != row.state:
                values["changed_at"] = now
            conn.execute(
                update(t.limit_states)
                .where((t.limit_states.c.customer_id == customer_id) & (t.limit_states.c.metric == metric))
                .values(counts=_slim(counts), **values)
            )
        self._last[(customer_id, metric)] = (usage, limit, new, time.monotonic())
        users = measured["users"][0] or 0
        lines = measured["lines"][0] or 0
        for event in events:
            advice = advise_package(users, lines, self.catalogue)
            self.router.route(
                conn,
                RoutingEvent(
                    name="limit_warning",
                    subject_ref=f"limits:{customer_id}:{metric}",
                    customer_id=customer_id,
                    fields={"state": new.state.value, "event": event.value},
                    values={
                        "metric": metric,
                        "usage": usage,
                        "limit": limit,
                        "event": event.value,
                        "state": new.state.value,  # near or over: the warning's wording (ok after back_under)
                        "current_package": contract.package,
                        "package": advice or "",  # empty: no standard package fits, a custom quote
                        "users": users,
                        "lines": lines,
                        "summary": f"{metric} {usage} against a limit of {limit} ({event.value})",
                    },
                    dedup_key=f"limit:{customer_id}:{metric}:{event.value}:{now.date().isoformat()}",
                ),
            )

    def _contract(self, conn: Connection, customer_id: int, day: date) -> ContractInForce | None:
        """The contract in force from the book of all customers' (contracts change rarely): read again
        on a new day, or when a check at most every `shared_ttl` seconds finds the table changed."""
        book = self._book
        now = time.monotonic()
        if book is not None and book.day == day and now - book.checked >= self.shared_ttl:
            if _contracts_fingerprint(conn) == book.fingerprint:
                book.checked = now
            else:
                book = None
        if book is None or book.day != day:
            fingerprint = _contracts_fingerprint(conn)
            book = self._book = _ContractBook(day, fingerprint, contracts_in_force(conn, day), now)
        return book.contracts.get(customer_id)

    def forget(self) -> None:
        """Drop the caches (after a rolled-back batch they may hold what was never committed)."""
        self._book = None
        self._last.clear()
        self._integrations_known.clear()

    def integrations_seen(self, conn: Connection, customer_id: int, names: Iterable[str]) -> list[str]:
        """Report integrations that checks mention but the contract does not cover, once each."""
        fresh = {name for name in names if (customer_id, name) not in self._integrations_known}
        if not fresh:
            return []
        now = self.clock.now()
        contract = self._contract(conn, customer_id, now.date())
        contracted = set(contract.integrations) if contract else set()
        reported: list[str] = []
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        for name in sorted(fresh - contracted):
            metric = f"integration:{name}"[:200]
            done = conn.execute(
                insert(t.limit_states)
                .values(customer_id=customer_id, metric=metric, state="reported", usage=1, changed_at=now)
                .on_conflict_do_nothing()
                .returning(t.limit_states.c.metric)
            ).scalar()
            if done is None:
                continue
            reported.append(name)
            self.router.route(
                conn,
                RoutingEvent(
                    name="account_notice",
                    subject_ref=f"integration:{customer_id}:{name}",
                    customer_id=customer_id,
                    values={
                        "integration": name,
                        "summary": f"integration {name} is monitored but not contracted (koppeling)",
                        "reason": "a koppeling extension covers its support and monitoring",
                    },
                ),
            )
        # Remember only after commit would be stricter; a rolled-back batch at worst reports again later.
        self._integrations_known.update((customer_id, name) for name in fresh)
        return reported


def _slim(counts: Mapping[str, Any]) -> dict[str, Any]:
    return {k: counts.get(k) for k in ("counted_at", "internal_users", "custom_lines", "modules")}
