"""Benchmark: our counter against the literal algorithm and Debian's cloc, in the same run.

    .venv/bin/python -m bench.cloc.run [--repeat 7]

Downloads the pinned OCA wheels into bench/.cache/cloc once, checks that every count is identical
to the literal algorithm, then prints medians and ratios (a machine is shared and noisy: medians).
"""

from __future__ import annotations

import argparse
import os
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


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def run_quietly(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat

    modules = module_folders(fetch_addons(BENCH_WHEELS, CACHE))
    reference = count_literally(modules)
    ours = count_paths(modules).to_json()
    for name, entry in reference["modules"].items():
        assert ours["modules"][name]["files"] == entry["files"], f"{name} differs from the literal count"
    counted = [path for entry in ours["modules"].values() for path in entry["files"]]
    print(
        f"{len(modules)} modules, {len(counted)} files,"
        f" {reference['code']} code lines, {reference['total']} lines"
    )

    scratch = Path(tempfile.mkdtemp(prefix="cloc-bench-"))
    try:
        list_file = scratch / "files.txt"
        list_file.write_text("\n".join(counted) + "\n")
        paths = [arg for folder in modules for arg in ("-p", folder)]
        warm_dir = scratch / "warm"
        count_paths(modules, cache_dir=warm_dir)
        run_quietly([*COMMAND, *paths, "--cache-dir", str(warm_dir)])

        figures = {
            "(a) literal, in-process": median_seconds(lambda: count_literally(modules), repeat),
            "(b) Debian cloc, command": median_seconds(
                lambda: run_quietly(["cloc", "--quiet", f"--list-file={list_file}"]), max(3, repeat // 2)
            ),
            "(c) ours cold, command": median_seconds(
                lambda: run_quietly([*COMMAND, *paths, "--no-cache"]), repeat
            ),
            "(c) ours warm, command": median_seconds(
                lambda: run_quietly([*COMMAND, *paths, "--cache-dir", str(warm_dir)]), repeat
            ),
            "(c) ours cold, in-process": median_seconds(lambda: count_paths(modules), repeat),
            "(c) ours cold, in-process, 1 worker": median_seconds(
                lambda: count_paths(modules, workers=1), repeat
            ),
            "(c) ours warm, in-process": median_seconds(
                lambda: count_paths(modules, cache_dir=warm_dir), repeat
            ),
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    for label, seconds in figures.items():
        print(f"{label:40} {seconds * 1000:9.1f} ms")
    literal = figures["(a) literal, in-process"]
    goals = [
        (
            "cold command vs Debian cloc",
            figures["(b) Debian cloc, command"] / figures["(c) ours cold, command"],
            2.0,
        ),
        ("cold in-process vs literal", literal / figures["(c) ours cold, in-process"], 1.5),
        ("warm in-process vs literal", literal / figures["(c) ours warm, in-process"], 20.0),
    ]
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    for label, ratio, goal in goals:
        print(f"{label:40} {ratio:8.1f}x  (goal >= {goal}x: {'met' if ratio >= goal else 'MISSED'})")
    warm = figures["(c) ours warm, command"]
    print(f"{'warm command':40} {warm:8.3f} s  (goal < 0.25 s: {'met' if warm < 0.25 else 'MISSED'})")


if __name__ == "__main__":
    main()
