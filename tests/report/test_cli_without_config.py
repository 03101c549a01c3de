"""`report` without --config reads the documented default and never creates a database where it runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritysupport.cli import build_app


def test_report_without_config_refuses_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(build_app(), ["report", "--period", "2026-10", "--all"])
    assert result.exit_code == 1
    assert result.output.startswith("error: there is no database at ")
    assert "--config" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no var/, no collector.db
