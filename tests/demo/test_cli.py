"""The `demo` command's options: bad values get one sentence and exit code 2; the pace scales with the
requested duration but stays within what real-time agents can follow."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from demo.run import pace_for
from demo.scenario import DEMO_PACE
from prioritysupport.cli import build_app


def test_speed_outside_the_range_is_refused_in_one_sentence() -> None:
    result = CliRunner().invoke(build_app(), ["demo", "--exit", "--speed-seconds", "5"])
    assert result.exit_code == 2
    assert "--speed-seconds must be between 60 and 900" in result.output
    assert "Traceback" not in result.output


def test_a_file_as_workdir_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "taken"
    file.write_text("x")
    result = CliRunner().invoke(build_app(), ["demo", "--exit", "--workdir", str(file)])
    assert result.exit_code == 2
    assert "is a file" in result.output


def test_pace_scales_with_the_requested_duration() -> None:
    assert pace_for(180) == DEMO_PACE
    quick, slow = pace_for(90), pace_for(900)
    assert quick.fast > DEMO_PACE.fast > slow.fast
    assert 20 <= slow.slow <= quick.slow <= 240
