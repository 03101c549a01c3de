"""`prioritysupport cloc` as a user runs it: Odoo's table, JSON, errors for bad input, no bar in JSON."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from agent.cloc.cli import register
from tests.cloc.conftest import ModuleBuilder


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = typer.Typer()
    register(app)

    @app.command("other")
    def other() -> None:  # a second command keeps `cloc` a sub-command, as under the root CLI
        """Unused."""

    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))

    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, ["cloc", *args])
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_table_layout_matches_odoo(run, make_module: ModuleBuilder) -> None:  # type: ignore[no-untyped-def]
    folder = make_module(
        "shop",
        {"a.py": "x = 1\n\n# c\ny = 2\n", "b.xml": "<a/>\n", "bad.py": "def (\n"},
        manifest={"name": "s"},
    )
    code, out, _err = run("-p", folder, "-v", "--no-cache")
    assert code == 0
    width = max(70, len(folder) + 10)

    def row(name: str, lines: object, other: object, code: object) -> str:
        return f"{name:{width}}{lines!s:>8}{other!s:>8}{code!s:>8}\n"

    expected = (
        row("Odoo cloc", "Line", "Other", "Code")
        + "-" * (width + 24)
        + "\n"
        + row("shop", 5, 2, 3)
        + row(f"    {folder}/a.py", 4, 2, 2)
        + row(f"    {folder}/b.xml", 1, 0, 1)
        + "-" * (width + 24)
        + "\n"
        + row("", 5, 2, 3)
        + "\n"
        + "\nErrors\n\nshop\n"
        + row(f"    {folder}/bad.py", "Syntax Error", "", "")
        + "\n"
    )
    assert out == expected


def test_json_shape(run, make_module: ModuleBuilder) -> None:  # type: ignore[no-untyped-def]
    folder = make_module("shop", {"a.py": "x = 1\n"}, manifest={"author": "ERP.M"})
    code, out, _err = run("-p", folder, "--json")
    assert code == 0
    assert json.loads(out) == {
        "modules": {
            "shop": {
                "code": 1,
                "total": 1,
                "author": "ERP.M",
                "files": {f"{folder}/a.py": {"code": 1, "total": 1}},
            }
        },
        "errors": {},
        "excluded": {},
        "code": 1,
        "total": 1,
    }


def test_addons_path_mode(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for folder, name in (("odoo", "web"), ("custom", "shop"), ("custom", "pos")):
        (tmp_path / folder / name).mkdir(parents=True)
        (tmp_path / folder / name / "__manifest__.py").write_text("{}")
        (tmp_path / folder / name / "m.py").write_text("x = 1\n")
    addons = f"{tmp_path / 'odoo'},{tmp_path / 'custom'}"
    code, out, err = run("--addons-path", addons, "--installed", "shop,web,gone", "--json")
    assert code == 0
    assert list(json.loads(out)["modules"]) == ["shop"]
    assert "gone is not in the addons folders" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "nothing to count"),
        (("-p", "/no/such/module"), "does not exist"),
        (("--addons-path", "/no/such/dir"), "is not a folder"),
        (("--installed", "x", "-p", "."), "--installed only applies"),
        (("-p", ".", "--odoo-version", "banana"), "not understood"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(run, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(*args)
    assert code == 2
    assert message in err
    assert err.startswith("error: ")
    assert "Traceback" not in err + out


def test_a_file_is_refused_as_a_module(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    readme = tmp_path / "README.md"
    readme.write_text("# not a module\n")
    code, out, err = run("-p", str(readme))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {readme} is a file, not a module")


def test_help_and_usage_agree_that_verbose_is_a_flag() -> None:
    from typer.testing import CliRunner

    from agent.cloc.__main__ import _parser
    from prioritysupport.cli import build_app

    shown = CliRunner().invoke(build_app(), ["cloc", "--help"], env={"COLUMNS": "200"}).output
    verbose_line = next(line for line in shown.splitlines() if "--verbose" in line)
    assert "<int>" not in verbose_line and "INTEGER" not in verbose_line
    assert "[-v]" in _parser("prioritysupport cloc").format_usage()


def test_legacy_version_ignores_stylesheets(run, make_module: ModuleBuilder) -> None:  # type: ignore[no-untyped-def]
    folder = make_module("st", {"a.scss": "a { }\n", "b.py": "x = 1\n"})
    _code, out, _err = run("-p", folder, "--json", "--odoo-version", "14.0", "--no-cache")
    assert json.loads(out)["code"] == 1
    _code, out, _err = run("-p", folder, "--json", "--odoo-version", "17.0", "--no-cache")
    assert json.loads(out)["code"] == 2


def _run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the command with stdout and stderr on a pseudo-terminal and collect what it shows."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "prioritysupport", "cloc", *args], stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def test_progress_bar_on_a_terminal_but_never_in_json(real_addons: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm", "XDG_CACHE_HOME": str(tmp_path)}
    arguments = [arg for folder in real_addons for arg in ("-p", folder)] + ["--no-cache"]
    shown = _run_on_terminal([*arguments, "--json"], env)
    assert "Counting" not in shown
    assert json.loads(shown.replace("\r\n", "\n"))["code"] > 0
    shown = _run_on_terminal(arguments, env)
    assert "Counting" in shown
    assert "Odoo cloc" in shown


def test_lean_module_entry(make_module: ModuleBuilder, capsys: pytest.CaptureFixture[str]) -> None:
    from agent.cloc.__main__ import main

    folder = make_module("lean", {"a.py": "x = 1\n"})
    assert main(["-p", folder, "--json", "--no-cache"]) == 0
    assert json.loads(capsys.readouterr().out)["code"] == 1
    assert main([]) == 2
    assert "nothing to count" in capsys.readouterr().err
