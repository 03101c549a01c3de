"""Counting modules: discovery, cache look-ups, counting what is new, booking in Odoo's order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from agent.cloc.cache import CountCache
from agent.cloc.discovery import (
    FoundFile,
    ModuleFiles,
    custom_module_paths,
    files_of_snapshot,
    snapshot_still_valid,
    walk_module,
)
from agent.cloc.parsers import Outcome
from agent.cloc.results import ClocReport
from agent.cloc.rules import CURRENT_RULES, RuleSet
from agent.cloc.workers import FileJob, count_files

# Called with (files counted so far, files to count) while new files are counted.
ProgressCallback = Callable[[int, int], None]


def _kind(ext: str, rules: RuleSet) -> str:
    """What a cached outcome depends on besides content: the parser and, for C-like files, the
    line-size rule."""
    return ext if ext in (".py", ".xml") else f"{ext}:{rules.cache_tag}"


def _absolute(path: str) -> str:
    return path if path.startswith("/") else os.path.abspath(path)


def _discover(path: str, rules: RuleSet, cache: CountCache | None) -> ModuleFiles:
    """The module's files, from a still valid snapshot when the cache has one."""
    path = path.rstrip("/")
    if cache is None:
        return files_of_snapshot(walk_module(path, rules), rules)
    key = f"{rules.name}\0{path}" if path.startswith("/") else f"{rules.name}\0{os.getcwd()}\0{path}"
    snapshot = cache.module_snapshot(key)
    if snapshot is None or not snapshot_still_valid(path, snapshot, rules):
        snapshot = walk_module(path, rules)
        cache.store_module_snapshot(key, snapshot)
    return files_of_snapshot(snapshot, rules)


def count_paths(
    paths: Iterable[str],
    rules: RuleSet = CURRENT_RULES,
    *,
    cache_dir: str | Path | None = None,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> ClocReport:
    """Count each path as one module, as `odoo-bin cloc -p PATH` does.

    With `cache_dir`, unchanged files are not read again and a changed file is counted alone.
    `workers` limits the processes of a cold count (default: every available core).
    """
    cache = CountCache(cache_dir) if cache_dir is not None else None
    report = ClocReport()
    found: list[FoundFile] = []
    for path in paths:
        module = _discover(path, rules, cache)
        report.module(module.name, module.author)
        found.extend(module.files)

    outcomes: list[Outcome | None] = [None] * len(found)
    pending: list[int] = []
    for index, item in enumerate(found):
        if item.error is not None:
            outcomes[index] = item.error
        elif cache is not None and item.identity is not None:
            outcomes[index] = cache.by_identity(_absolute(item.path), item.identity, _kind(item.ext, rules))
        if outcomes[index] is None:
            pending.append(index)

    if pending:
        jobs = [
            FileJob(
                found[i].path,
                found[i].ext,
                _kind(found[i].ext, rules),
                (found[i].identity or (0, 0, 0, 0))[2],
            )
            for i in pending
        ]
        progress = None
        if on_progress is not None:
            callback, total = on_progress, len(jobs)

            def progress(done: int) -> None:
                callback(done, total)

        known = cache.by_digest if cache is not None else None
        counted = count_files(jobs, rules.max_line_size, known, workers, progress)
        for index, job, (outcome, digest) in zip(pending, jobs, counted, strict=True):
            outcomes[index] = outcome
            identity = found[index].identity
            if cache is not None and digest is not None and identity is not None:
                cache.store(_absolute(job.path), identity, digest, job.kind, outcome)
    if cache is not None:
        cache.save()

    for item, result in zip(found, outcomes, strict=True):
        if result is not None:
            report.book(item.module, item.path, result)
    return report


def count_addons(
    addons_paths: Iterable[str],
    installed: Iterable[str] | None = None,
    rules: RuleSet = CURRENT_RULES,
    *,
    cache_dir: str | Path | None = None,
    workers: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> ClocReport:
    """Count the custom modules of an installation, as `odoo-bin cloc -d DB` does with its files.

    Every module of the addons folders (or only the `installed` names) that is not in a standard
    addons folder (one holding base, web, web_enterprise or the version's fourth marker) counts.
    """
    module_paths, _missing = custom_module_paths(list(addons_paths), installed, rules)
    return count_paths(module_paths, rules, cache_dir=cache_dir, workers=workers, on_progress=on_progress)
