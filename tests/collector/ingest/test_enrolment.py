"""Agent tokens: shown once, stored hashed, rotated with a grace period, revoked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from collector.ingest import enrolment
from collector.service import Collector
from collector.storage import tables as t


def test_token_is_stored_only_as_its_hash(collector: Collector) -> None:
    now = collector.clock.now()
    with collector.engine.begin() as conn:
        token = enrolment.enroll(conn, "acme", now)
        stored = conn.execute(select(t.agent_tokens.c.token_hash)).scalars().all()
    assert token.startswith("psa_") and len(token) > 40
    assert stored == [enrolment.hash_token(token)]
    assert token not in stored


def test_rotation_keeps_the_old_token_for_the_grace_period(collector: Collector) -> None:
    clock = collector.clock
    with collector.engine.begin() as conn:
        old = enrolment.enroll(conn, "acme", clock.now())
        new = enrolment.rotate(conn, "acme", clock.now(), timedelta(hours=1))
    with collector.engine.connect() as conn:
        assert enrolment.lookup(conn, old, clock.now()) is not None
        assert enrolment.lookup(conn, new, clock.now()) is not None
        later = clock.now() + timedelta(hours=1, seconds=1)
        assert enrolment.lookup(conn, old, later) is None
        assert enrolment.lookup(conn, new, later) is not None


def test_revocation_and_unknown_customer(collector: Collector) -> None:
    now = collector.clock.now()
    with collector.engine.begin() as conn:
        token = enrolment.enroll(conn, "acme", now)
        assert enrolment.revoke_all(conn, "acme", now) == 1
        assert enrolment.lookup(conn, token, now) is None
        try:
            enrolment.enroll(conn, "nobody", now)
        except enrolment.EnrolmentError as exc:
            assert "load-contracts" in str(exc)
        else:
            raise AssertionError("an unknown customer must be refused")
