"""Benchmark: our counter against the literal algorithm and Debian's cloc, in the same run.

    .venv/bin/python -m bench.cloc.run [--repeat 9]

Downloads the pinned OCA wheels into bench/.cache/cloc once, checks that every count is identical
to the literal algorithm, then measures every contender once per round, round after round (so that
the load of a shared machine falls on all of them alike), and prints medians and ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from agent.cloc import count_paths
from bench.cloc.corpus import BENCH_WHEELS, fetch_addons, module_folders
from bench.cloc.literal import count_literally

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "cloc"
COMMAND = [sys.executable, "-m", "prioritysupport", "cloc"]
LEAN_COMMAND = [sys.executable, "-m", "agent.cloc"]

LITERAL = "(a) literal algorithm, in-process"
DEBIAN = "(b) Debian cloc on the counted files"
DEBIAN_FOLDERS = "(b') Debian cloc on the module folders"
COLD_COMMAND = "(c) prioritysupport cloc --no-cache"
WARM_COMMAND = "(c) prioritysupport cloc, warm cache"
COLD_LEAN = "(c') python -m agent.cloc --no-cache"
WARM_LEAN = "(c') python -m agent.cloc, warm cache"
COLD_IN_PROCESS = "(c) count_paths cold, in-process"
COLD_ONE_WORKER = "(c) count_paths cold, 1 process"
WARM_IN_PROCESS = "(c) count_paths warm, in-process"


def run_quietly(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure_round_robin(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    timings: dict[str, list[float]] = {label: [] for label in contenders}
    for _ in range(rounds):
        for label, action in contenders.items():
            start = time.perf_counter()
            action()
            timings[label].append(time.perf_counter() - start)
    return {label: statistics.median(values) for label, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9, help="rounds (default 9)")
    rounds = parser.parse_args().repeat

    modules = module_folders(fetch_addons(BENCH_WHEELS, CACHE))
    reference = count_literally(modules)
    ours = count_paths(modules).to_json()
    for name, entry in reference["modules"].items():
        assert ours["modules"][name]["files"] == entry["files"], f"{name} differs from the literal count"
    counted = [path for entry in ours["modules"].values() for path in entry["files"]]
    print(
        f"{len(modules)} modules, {len(counted)} files,"
        f" {reference['code']} code lines, {reference['total']} lines; identical to the literal count"
    )

    scratch = Path(tempfile.mkdtemp(prefix="cloc-bench-"))
    try:
        list_file = scratch / "files.txt"
        list_file.write_text("\n".join(counted) + "\n")
        paths = [arg for folder in modules for arg in ("-p", folder)]
        warm = scratch / "warm"
        count_paths(modules, cache_dir=warm)
        contenders: dict[str, Callable[[], object]] = {
            LITERAL: lambda: count_literally(modules),
            DEBIAN: lambda: run_quietly(["cloc", "--quiet", f"--list-file={list_file}"]),
            COLD_COMMAND: lambda: run_quietly([*COMMAND, *paths, "--no-cache"]),
            WARM_COMMAND: lambda: run_quietly([*COMMAND, *paths, "--cache-dir", str(warm)]),
            COLD_LEAN: lambda: run_quietly([*LEAN_COMMAND, *paths, "--no-cache"]),
            WARM_LEAN: lambda: run_quietly([*LEAN_COMMAND, *paths, "--cache-dir", str(warm)]),
            COLD_IN_PROCESS: lambda: count_paths(modules),
            COLD_ONE_WORKER: lambda: count_paths(modules, workers=1),
            WARM_IN_PROCESS: lambda: count_paths(modules, cache_dir=warm),
        }
        figures = measure_round_robin(contenders, rounds)
        figures.update(
            measure_round_robin({DEBIAN_FOLDERS: lambda: run_quietly(["cloc", "--quiet", *modules])}, 3)
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    machine = platform.processor() or platform.machine()
    print(f"machine: {os.cpu_count()} cores, {machine}, python {sys.version.split()[0]}")
    print(f"medians of {rounds} rounds:")
    for label, seconds in figures.items():
        print(f"  {label:42} {seconds * 1000:8.1f} ms")
    goals = [
        ("cold command vs Debian cloc", figures[DEBIAN] / figures[COLD_COMMAND], 2.0),
        ("cold python -m agent.cloc vs Debian cloc", figures[DEBIAN] / figures[COLD_LEAN], 2.0),
        ("cold in-process vs literal", figures[LITERAL] / figures[COLD_IN_PROCESS], 1.5),
        ("warm in-process vs literal", figures[LITERAL] / figures[WARM_IN_PROCESS], 20.0),
    ]
    print("ratios:")
    for label, ratio, goal in goals:
        print(f"  {label:42} {ratio:8.1f}x  (goal >= {goal}x: {'met' if ratio >= goal else 'MISSED'})")
    for label in (WARM_COMMAND, WARM_LEAN):
        seconds = figures[label]
        print(f"  {label:42} {seconds:8.3f} s  (goal < 0.25 s: {'met' if seconds < 0.25 else 'MISSED'})")


if __name__ == "__main__":
    main()
