"""Small pure rules: back-off bounds, lease under an accelerated clock, masking, ack tokens."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine

from alerts.backoff import RetryPolicy
from alerts.channels import ChannelBook
from alerts.masking import mask_url
from alerts.outbox import Outbox
from alerts.signing import AckSigner, InvalidAckToken
from alerts.worker import DeliveryWorker
from prioritysupport.clock import AcceleratedClock, FixedClock


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(minutes=5), jitter=0.5)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (6, 300), (20, 300)]:
        delays = [policy.delay(attempt, rng).total_seconds() for _ in range(50)]
        assert all(ceiling * 0.5 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)


def test_lease_stretches_with_an_accelerated_clock() -> None:
    engine = create_engine("sqlite://")
    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    fast = DeliveryWorker(
        Outbox(engine, AcceleratedClock(start, 60)), ChannelBook(), lease=timedelta(minutes=2)
    )
    assert fast._lease_span() == timedelta(hours=2)  # still two real minutes
    fixed = DeliveryWorker(Outbox(engine, FixedClock(start)), ChannelBook(), lease=timedelta(minutes=2))
    assert fixed._lease_span() == timedelta(minutes=2)


def test_masking_hides_passwords_and_tokens() -> None:
    assert (
        mask_url("mailtos://user:s3cret@smtp.example.nl?to=a@b.nl")
        == "mailtos://user:****@smtp.example.nl?to=a@b.nl"
    )
    assert mask_url("json://host/hook?token=abc123&x=1") == "json://host/hook?token=****&x=1"


def test_ack_token_is_signed_and_expires_on_the_injected_clock() -> None:
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    signer = AckSigner("a-secret-of-sixteen+", clock, valid_for=timedelta(hours=1))
    token = signer.sign("PS-1", "oncall-primary")
    assert signer.verify(token).subject_ref == "PS-1"
    with pytest.raises(InvalidAckToken, match="not valid"):
        AckSigner("another-secret-16chars", clock).verify(token)
    clock.advance(timedelta(hours=1))
    with pytest.raises(InvalidAckToken, match="expired"):
        signer.verify(token)
