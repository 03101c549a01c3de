"""Build the one clock the whole collector process reads, from the [clock] settings."""

from __future__ import annotations

from collector.config import ClockSettings
from prioritysupport.clock import AcceleratedClock, Clock, FixedClock, SystemClock


def clock_from_settings(settings: ClockSettings) -> Clock:
    if settings.mode == "real":
        return SystemClock()
    assert settings.start is not None  # checked when the config was parsed
    if settings.mode == "fixed":
        return FixedClock(settings.start)
    return AcceleratedClock(settings.start, settings.factor)
