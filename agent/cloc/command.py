"""The work of `prioritysupport cloc` once its options are read: standard library only (rich loads
for a progress bar on a terminal), shared by the typer command and `python -m agent.cloc`."""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

LONG_COUNT_FILES = 100  # fewer new files than this finish before a bar would help


class CommandError(Exception):
    """Bad input: one sentence for the user, and the exit code (2 for usage); shown as "error: ..."."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _fail(message: str, code: int = 2) -> NoReturn:
    raise CommandError(message, code)


def _split_names(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class TerminalProgress:
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
    if not paths and not addons_path:
        _fail("nothing to count: give a module folder with -p PATH or addons folders with --addons-path DIR.")
    if installed is not None and not addons_path:
        _fail("--installed only applies with --addons-path: add the addons folders to search.")
    for given in paths:
        if not os.path.exists(given):
            _fail(f"{given} does not exist: give the folder of an Odoo module to -p.")
        if not os.path.isdir(given):
            _fail(f"{given} is a file, not a module: give the folder of an Odoo module to -p.")
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
            print(f"warning: {name} is not in the addons folders given: it is not counted.", file=sys.stderr)
    module_paths.extend(paths)

    directory = None if no_cache else (cache_dir or default_cache_dir())
    progress = TerminalProgress() if not json_output and sys.stdout.isatty() and sys.stderr.isatty() else None
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
