"""Fixtures shared by every suite. Suites keep their own fixtures in their own folders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres import postgres_server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the whole session; tests create their own schemas or tables."""
    with postgres_server() as url:
        yield url
