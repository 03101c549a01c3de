"""Every command says what went wrong the same way: one line starting "error: ", no traceback, and no
"must be a int"."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritysupport.cli import build_app


@pytest.mark.parametrize(
    "args",
    [
        ["triage", "--category", "incident", "--impact", "huge"],
        ["quote"],
        ["sla", "--package", "tiny", "--category", "vraag", "--created", "2026-11-27T10:00"],
        ["cloc"],
        ["cloc", "-p", "/no/such/module"],
        ["report", "--period", "2026-13"],
        ["demo", "--exit", "--speed-seconds", "5"],
        ["agent", "check-config", "--config", "{missing}"],
        ["collector", "migrate", "--config", "{bad_type}"],
    ],
)
def test_errors_share_one_prefix(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bad_type = tmp_path / "collector.toml"
    bad_type.write_text("[server]\nport = 'eighty'\n", encoding="utf-8")
    filled = [a.format(missing=tmp_path / "nope.toml", bad_type=bad_type) for a in args]
    result = CliRunner().invoke(build_app(), filled)
    assert result.exit_code != 0
    assert result.output.startswith("error: "), result.output
    assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output
    assert "must be a int" not in result.output and "must be a str" not in result.output
