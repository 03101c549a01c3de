"""Counting files, in this process or shared with forked children for a large cold count.

The children are plain `os.fork` copies: they inherit the loaded cache and the code, read and
count their share of files, send the outcomes back through a pipe (marshal) and exit. The parent
counts a share itself meanwhile. A child that fails leaves its share to the parent.
"""

from __future__ import annotations

import gc
import marshal
import os
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from agent.cloc.parsers import UNREADABLE, LineCount, Outcome, count_text

# Below this much text, forking costs more than it saves.
FORK_THRESHOLD_BYTES = 512 * 1024


class FileJob:
    """One file to count: where, which parser, and how large (to share the work evenly)."""

    __slots__ = ("ext", "kind", "path", "size")

    def __init__(self, path: str, ext: str, kind: str, size: int) -> None:
        self.path = path
        self.ext = ext
        self.kind = kind
        self.size = size


# An outcome and the content digest it was computed from (None without a cache).
Counted = tuple[Outcome, str | None]
KnownLookup = Callable[[str, str], Outcome | None]


def _digester() -> Callable[[bytes], str]:
    import hashlib

    def digest_of(data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    return digest_of


def count_share(
    jobs: Sequence[FileJob],
    max_line_size: int | None,
    known: KnownLookup | None,
    on_file: Callable[[], None] | None = None,
    digest_of: Callable[[bytes], str] | None = None,
) -> list[Counted]:
    """Read and count the files. With `known` (a cache), contents counted before are not parsed again.

    The garbage collector is paused: parse trees hold no cycles and are freed by reference counting.
    """
    if known is not None and digest_of is None:
        digest_of = _digester()
    results: list[Counted] = []
    enabled = gc.isenabled()
    gc.disable()
    # Parsing some files raises SyntaxWarning or DeprecationWarning (`x is 1`, "\\d"): not our
    # business here, and under `-W error` they would turn counted files into syntax errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            _count_into(results, jobs, max_line_size, known, on_file, digest_of)
        finally:
            if enabled:
                gc.enable()
    return results


def _count_into(
    results: list[Counted],
    jobs: Sequence[FileJob],
    max_line_size: int | None,
    known: KnownLookup | None,
    on_file: Callable[[], None] | None,
    digest_of: Callable[[bytes], str] | None,
) -> None:
    """Count each job into `results`, in order."""
    for job in jobs:
        try:
            with open(job.path, "rb") as handle:
                data = handle.read()
        except OSError:
            results.append((UNREADABLE, None))
            continue
        digest = digest_of(data) if digest_of is not None else None
        outcome = known(digest, job.kind) if known is not None and digest is not None else None
        if outcome is None:
            # Latin-1 maps every byte to one character, as Odoo decodes: no byte is ever an error.
            outcome = count_text(data.decode("latin-1"), job.ext, max_line_size)
        results.append((outcome, digest))
        if on_file is not None:
            on_file()


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _shares(jobs: Sequence[FileJob], count: int) -> list[list[int]]:
    """Split job indexes into `count` shares of similar total size, largest files first."""
    order = sorted(range(len(jobs)), key=lambda index: jobs[index].size, reverse=True)
    shares: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    for index in order:
        lightest = loads.index(min(loads))
        shares[lightest].append(index)
        loads[lightest] += jobs[index].size + 512  # a small file still costs an open and a parse
    return shares


def _to_wire(results: list[Counted]) -> bytes:
    return marshal.dumps([(o if isinstance(o, str) else (o.code, o.total), d) for o, d in results])


def _from_wire(data: bytes, expected: int) -> list[Counted] | None:
    try:
        raw: Any = marshal.loads(data)
        if not isinstance(raw, list) or len(raw) != expected:
            return None
        return [(o if isinstance(o, str) else LineCount(*o), d) for o, d in raw]
    except (EOFError, ValueError, TypeError):  # a child that died half-way
        return None


def count_files(
    jobs: Sequence[FileJob],
    max_line_size: int | None,
    known: KnownLookup | None = None,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[Counted]:
    """Outcomes for every job, in order; a large amount is shared with forked children."""
    processes = available_cores() if workers is None else max(1, workers)
    if not hasattr(os, "fork") or sum(job.size for job in jobs) < FORK_THRESHOLD_BYTES:
        processes = 1
    processes = min(processes, len(jobs)) or 1
    shares = _shares(jobs, processes)
    # Everything a child needs is loaded before forking: it never imports (nor takes a lock).
    digest_of = _digester() if known is not None else None
    children: list[tuple[int, int, list[int]]] = []
    for share in shares[1:]:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: count, send, leave without running the parent's clean-up
            status = 1
            try:
                os.close(reader)
                payload = _to_wire(
                    count_share([jobs[i] for i in share], max_line_size, known, None, digest_of)
                )
                with os.fdopen(writer, "wb") as out:
                    out.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        children.append((pid, reader, share))

    results: list[Counted | None] = [None] * len(jobs)
    own = shares[0]
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(min(len(jobs), done * processes))  # the children keep a similar pace

    own_results = count_share([jobs[i] for i in own], max_line_size, known, step, digest_of)
    for index, counted in zip(own, own_results, strict=True):
        results[index] = counted
    for pid, reader, share in children:
        with os.fdopen(reader, "rb") as incoming:
            payload = incoming.read()
        os.waitpid(pid, 0)
        received = _from_wire(payload, len(share))
        if received is None:  # the child failed: count its share here
            received = count_share([jobs[i] for i in share], max_line_size, known, None, digest_of)
        for index, counted in zip(share, received, strict=True):
            results[index] = counted
    if on_progress is not None:
        on_progress(len(jobs))
    return [counted for counted in results if counted is not None]
