"""Sign-in tells nobody which user names exist: same answers, same lock-out, same work (one scrypt)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from collector.helpdesk.staff import passwords
from collector.helpdesk.staff.accounts import SignInRefused, after_failure, authenticate, create_user
from collector.service import Collector
from collector.storage.database import writing
from prioritysupport.clock import FixedClock
from tests.collector.conftest import FRIDAY_NOON, make_collector

PASSWORD = "correct horse battery"
ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FRIDAY_NOON)


@pytest.fixture
def collector(tmp_path: Path, clock: FixedClock) -> Iterator[Collector]:
    built = make_collector(f"sqlite:///{tmp_path / 'signin.db'}", clock)
    yield built
    built.engine.dispose()


@pytest.fixture
def engine(collector: Collector) -> Engine:
    with collector.engine.begin() as conn:
        create_user(conn, "eva", PASSWORD, "engineer", collector.clock.now())
        create_user(conn, "gone", PASSWORD, "engineer", collector.clock.now())
        conn.exec_driver_sql("UPDATE helpdesk_staff SET disabled = 1 WHERE username = 'gone'")
    return collector.engine


@pytest.fixture
def scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls: list[int] = []
    real = hashlib.scrypt

    def counted(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(passwords.hashlib, "scrypt", counted)
    yield calls


def attempt(engine: Engine, clock: FixedClock, name: str, password: str = "wrong password!") -> str:
    with writing(engine).begin() as conn:
        try:  # inside the block, as sign-in does, so the failure count is committed
            authenticate(conn, name, password, clock.now(), attempts=ATTEMPTS, lockout=LOCKOUT)
        except SignInRefused as exc:
            return str(exc)
    return "signed in"


def answers(engine: Engine, clock: FixedClock, name: str) -> list[str]:
    return [attempt(engine, clock, name) for _ in range(ATTEMPTS + 1)]


def test_unknown_and_disabled_names_lock_exactly_like_real_accounts(
    engine: Engine, clock: FixedClock
) -> None:
    real, unknown, disabled = (
        answers(engine, clock, "eva"),
        answers(engine, clock, "nobody"),
        answers(engine, clock, "gone"),
    )
    assert real == unknown == disabled
    assert real[:ATTEMPTS] == ["wrong user name or password"] * ATTEMPTS
    assert real[ATTEMPTS].startswith("this account is locked")
    assert "try again after Fri 27 Nov 12:15 (Amsterdam time)" in real[ATTEMPTS]
    # Even the right password is refused while locked, for the real account.
    assert attempt(engine, clock, "eva", PASSWORD).startswith("this account is locked")
    clock.advance(LOCKOUT + timedelta(seconds=1))
    assert attempt(engine, clock, "eva", PASSWORD) == "signed in"
    assert attempt(engine, clock, "nobody") == "wrong user name or password"


def test_every_refusal_costs_one_scrypt(engine: Engine, clock: FixedClock, scrypt_calls: list[int]) -> None:
    for name in ("eva", "nobody", "gone"):
        for _ in range(ATTEMPTS + 2):  # wrong, ..., locked, locked
            before = len(scrypt_calls)
            attempt(engine, clock, name)
            assert len(scrypt_calls) - before == 1, name


def test_after_failure_locks_on_the_last_attempt(clock: FixedClock) -> None:
    now = clock.now()
    assert after_failure(0, 3, now, LOCKOUT) == (1, None)
    assert after_failure(2, 3, now, LOCKOUT) == (0, now + LOCKOUT)
