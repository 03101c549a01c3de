"""The command line exists and lists every sub-command family."""

from __future__ import annotations

import subprocess
import sys


def test_root_command_shows_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "prioritysupport", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "prioritysupport" in result.stdout.lower()


def test_postgres_fixture_answers(postgres_url: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("select 1 + 1")).scalar() == 2
    engine.dispose()
