"""The demo rota carries phone numbers, and `oncall who` shows the one of the person on call."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from demo.stack import ONCALL_PEOPLE, rota_toml
from prioritysupport.cli import build_app


def test_oncall_who_shows_the_demo_phone_number(tmp_path: Path) -> None:
    rota = tmp_path / "oncall.toml"
    rota.write_text(rota_toml("http://127.0.0.1:9"), encoding="utf-8")
    result = CliRunner().invoke(
        build_app(), ["oncall", "who", "--config", str(rota), "--at", "2026-11-28T22:00"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{ONCALL_PEOPLE['bram']}, phone +31 6 1000 0002, ")
    assert "until Mon 30 Nov 09:00 (Europe/Amsterdam)" in result.output
    assert "no phone number" not in result.output
