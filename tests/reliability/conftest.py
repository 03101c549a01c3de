"""The reliability suite: the collector fixtures, plus the figures file every test adds its counts to."""

from __future__ import annotations

from tests.collector.conftest import clock, collector, live, sqlite_url  # noqa: F401
