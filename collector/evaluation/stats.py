"""Median and 90th percentile of durations, with the interpolation the report states."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta


def percentile(values: Sequence[timedelta], fraction: float) -> timedelta | None:
    """Linear interpolation between closest ranks (numpy's default, 'inclusive'); None when empty.

    With sorted values v[0..n-1] the rank is fraction * (n - 1); between two ranks the value is
    interpolated. So the median of 1 h and 3 h is 2 h, and the p90 of 1..10 h is 9.1 h.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    weight = rank - low
    return ordered[low] + (ordered[high] - ordered[low]) * weight


def median(values: Sequence[timedelta]) -> timedelta | None:
    return percentile(values, 0.5)


def p90(values: Sequence[timedelta]) -> timedelta | None:
    return percentile(values, 0.9)


def share(numerator: int, denominator: int) -> float | None:
    """A fraction, or None when there is nothing to divide (shown as 'n/a', never as 0% or 100%)."""
    return numerator / denominator if denominator else None
