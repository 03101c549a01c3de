"""Sharing a cold count with forked children gives the same outcomes, even when a child fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.cloc import workers
from agent.cloc.parsers import LineCount
from agent.cloc.workers import FileJob, count_files


def make_jobs(tmp_path: Path, count: int) -> list[FileJob]:
    jobs = []
    for index in range(count):
        path = tmp_path / f"f{index}.py"
        path.write_text("x = 1\n" * (index + 1))
        jobs.append(FileJob(str(path), ".py", ".py", os.path.getsize(path)))
    jobs.append(FileJob(str(tmp_path / "missing.py"), ".py", ".py", 0))
    return jobs


def test_children_share_the_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "FORK_THRESHOLD_BYTES", 0)
    jobs = make_jobs(tmp_path, 20)
    seen: list[int] = []
    outcomes = count_files(jobs, None, workers=3, on_progress=seen.append)
    assert [o for o, _digest in outcomes] == [LineCount(i + 1, i + 1) for i in range(20)] + [
        workers.UNREADABLE
    ]
    assert seen[-1] == len(jobs)


def test_a_failing_child_leaves_its_share_to_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "FORK_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(workers, "_to_wire", lambda results: b"not marshal")
    jobs = make_jobs(tmp_path, 6)
    outcomes = count_files(jobs, None, workers=2)
    assert [o for o, _digest in outcomes][:6] == [LineCount(i + 1, i + 1) for i in range(6)]
