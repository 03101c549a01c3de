"""The scenario clock changes speed without jumping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from demo.clock import ScenarioClock

START = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)


def test_rate_change_keeps_time_continuous() -> None:
    real = [100.0]
    clock = ScenarioClock(START, rate=600, monotonic=lambda: real[0])
    real[0] += 2  # two real seconds = 20 simulated minutes
    assert clock.now() == START + timedelta(minutes=20)
    clock.set_rate(60)
    assert clock.now() == START + timedelta(minutes=20)
    real[0] += 1
    assert clock.now() == START + timedelta(minutes=21)
    assert clock.sleep_hint(timedelta(minutes=3)) == 3.0
