"""Counting modules: discovery, cache look-ups, counting what is new, booking in Odoo's order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from agent.cloc.cache import CountCache
from agent.cloc.discovery import FoundFile, custom_module_paths, module_files
from agent.cloc.parsers import Outcome
from agent.cloc.results import ClocReport
from agent.cloc.rules import CURRENT_RULES, RuleSet
from agent.cloc.workers import Job, count_jobs

# Called with (files counted so far, files to count) while new files are counted.
ProgressCallback = Callable[[int, int], None]


def _kind(ext: str, rules: RuleSet) -> str:
    """What a cached outcome depends on besides content: the parser and, for C-like files, the
    line-size rule."""
    return ext if ext in (".py", ".xml") else f"{ext}:{rules.cache_tag}"


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


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
    report = ClocReport()
    found: list[FoundFile] = []
    for path in paths:
        module = module_files(path, rules)
        report.module(module.name, module.author)
        found.extend(module.files)

    cache = CountCache(cache_dir) if cache_dir is not None else None
    outcomes: list[Outcome | None] = [None] * len(found)
    pending: list[int] = []
    keys: list[str] = [""] * len(found)
    for index, item in enumerate(found):
        if item.error is not None:
            outcomes[index] = item.error
            continue
        if cache is not None and item.identity is not None:
            keys[index] = os.path.abspath(item.path)
            outcomes[index] = cache.by_identity(keys[index], item.identity, _kind(item.ext, rules))
        if outcomes[index] is None:
            pending.append(index)

    if pending:
        _count_pending(found, pending, outcomes, keys, rules, cache, workers, on_progress)
    if cache is not None:
        cache.save()

    for item, outcome in zip(found, outcomes, strict=True):
        if outcome is not None:
            report.book(item.module, item.path, outcome)
    return report


def _count_pending(
    found: list[FoundFile],
    pending: list[int],
    outcomes: list[Outcome | None],
    keys: list[str],
    rules: RuleSet,
    cache: CountCache | None,
    workers: int | None,
    on_progress: ProgressCallback | None,
) -> None:
    """Read the new or changed files, reuse counts of known contents, count the rest."""
    digest_of: Callable[[bytes], str] | None = None
    if cache is not None:
        import hashlib

        def digest_of(data: bytes) -> str:
            return hashlib.blake2b(data, digest_size=16).hexdigest()

    jobs: list[Job] = []
    job_index: list[int] = []
    digests: dict[int, str] = {}
    for index in pending:
        item = found[index]
        data = _read(item.path)
        if data is None:
            outcomes[index] = "Unreadable file"
            continue
        if cache is not None and digest_of is not None and item.identity is not None:
            digest = digests[index] = digest_of(data)
            known = cache.by_digest(digest, _kind(item.ext, rules))
            if known is not None:
                outcomes[index] = known
                cache.store(keys[index], item.identity, digest, _kind(item.ext, rules), known)
                continue
        jobs.append((item.path, item.ext, data))
        job_index.append(index)

    progress = None
    if on_progress is not None:
        callback, total = on_progress, len(jobs)

        def progress(done: int) -> None:
            callback(done, total)

    for index, outcome in zip(
        job_index, count_jobs(jobs, rules.max_line_size, workers, progress), strict=True
    ):
        outcomes[index] = outcome
        item = found[index]
        if cache is not None and item.identity is not None:
            cache.store(keys[index], item.identity, digests[index], _kind(item.ext, rules), outcome)


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
