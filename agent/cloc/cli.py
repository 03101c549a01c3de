"""`prioritysupport cloc`: custom code lines, the way `odoo-bin cloc` counts them.

Only typer and the standard library at module level: the counter loads when the command runs.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

LONG_COUNT_FILES = 100  # fewer new files than this finish before a bar would help


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _split_names(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class _TerminalProgress:
    """A progress bar on stderr, started only once a long count begins (rich loads only then)."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._progress is None:
            if total < LONG_COUNT_FILES:
                return
            from rich.console import Console
            from rich.progress import Progress

            self._progress = Progress(console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("Counting", total=total)
        self._progress.update(self._task, completed=done)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def cloc(
    path: list[str] | None = typer.Option(
        None, "-p", "--path", help="A module folder, counted as one module (repeat for several)."
    ),
    verbose: int = typer.Option(0, "-v", "--verbose", count=True, help="List every counted file."),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    addons_path: str | None = typer.Option(
        None,
        "--addons-path",
        help="Comma-separated addons folders: count every module outside the standard folders.",
    ),
    installed: str | None = typer.Option(
        None, "--installed", help="With --addons-path: only these comma-separated module names."
    ),
    odoo_version: str | None = typer.Option(
        None, "--odoo-version", help="Count with the rules of this Odoo version (default: current rules)."
    ),
    cache_dir: str | None = typer.Option(
        None, "--cache-dir", help="Where to keep the cache (default: $XDG_CACHE_HOME/prioritysupport)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Count every file again, without a cache."),
) -> None:
    """Count custom code lines per module, identical to `odoo-bin cloc`."""
    run_cloc(path or [], verbose, json_output, addons_path, installed, odoo_version, cache_dir, no_cache)


def run_cloc(
    paths: list[str],
    verbose: int = 0,
    json_output: bool = False,
    addons_path: str | None = None,
    installed: str | None = None,
    odoo_version: str | None = None,
    cache_dir: str | None = None,
    no_cache: bool = False,
) -> None:
    """The command's work, once the options are read."""
    import os

    if not paths and not addons_path:
        _fail("Nothing to count: give a module folder with -p PATH or addons folders with --addons-path DIR.")
    if installed is not None and not addons_path:
        _fail("--installed only applies with --addons-path: add the addons folders to search.")
    for given in paths:
        if not os.path.exists(given):
            _fail(f"{given} does not exist: give the folder of an Odoo module to -p.")
    addons_dirs = _split_names(addons_path)
    for folder in addons_dirs:
        if not os.path.isdir(folder):
            _fail(
                f"{folder} is not a folder: give existing addons folders to --addons-path, comma-separated."
            )

    from agent.cloc.cache import default_cache_dir
    from agent.cloc.counter import count_paths
    from agent.cloc.discovery import custom_module_paths
    from agent.cloc.rules import rules_for_version

    try:
        rules = rules_for_version(odoo_version)
    except ValueError as error:
        _fail(str(error))

    module_paths: list[str] = []
    if addons_dirs:
        names = _split_names(installed) if installed is not None else None
        module_paths, missing = custom_module_paths(addons_dirs, names, rules)
        for name in missing:
            typer.echo(f"{name} is not in the addons folders given: it is not counted.", err=True)
    module_paths.extend(paths)

    directory = None if no_cache else (cache_dir or default_cache_dir())
    progress = (
        _TerminalProgress() if not json_output and sys.stdout.isatty() and sys.stderr.isatty() else None
    )
    try:
        report = count_paths(module_paths, rules, cache_dir=directory, on_progress=progress)
    finally:
        if progress is not None:
            progress.stop()

    if json_output:
        import json

        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
        return
    from agent.cloc.table import render_table

    sys.stdout.write(render_table(report, verbose=bool(verbose)))


def register(app: typer.Typer) -> None:
    """Add `cloc` to the root application."""
    app.command("cloc")(cloc)
