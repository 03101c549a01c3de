"""Helpers for the policy tests: local times in Europe/Amsterdam."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

AMS = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")


def ams(year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    """A local Amsterdam instant (fold=1 is the second, winter-time, pass of the autumn hour)."""
    return datetime(year, month, day, hour, minute, tzinfo=AMS, fold=fold)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
