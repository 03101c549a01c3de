"""docs/configuration.md is generated: it must match what the generator makes from the models today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "docs" / "config_reference.py"


def _generator_module() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("config_reference", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr


def test_check_fails_on_a_stale_reference_and_writing_fixes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = _generator_module()
    stale = tmp_path / "configuration.md"
    stale.write_text("# Configuration reference\n\nold text\n", encoding="utf-8")
    monkeypatch.setattr(module, "REFERENCE", stale)
    assert module.main(["--check"]) == 1
    assert "is stale" in capsys.readouterr().err
    assert module.main([]) == 0
    assert module.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == (ROOT / "docs" / "configuration.md").read_text(
        encoding="utf-8"
    )


def test_the_reference_marks_every_secret() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    secret_column = {}
    for line in text.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            secret_column[cells[0].strip("`")] = cells[4]
    for key in ("token", "api_key", "password"):
        assert secret_column[key] == f"yes, or `{key}_env`", key
    for key in ("alertmanager_token", "ack_secret", "PRIORITYSUPPORT_HELPDESK_SECRET_KEY"):
        assert secret_column[key] == "yes", key
    assert secret_column["agent_id"] == "no"


def test_agent_md_and_collector_md_link_the_reference() -> None:
    for guide in ("agent.md", "collector.md"):
        assert "(configuration.md)" in (ROOT / "docs" / guide).read_text(encoding="utf-8"), guide
