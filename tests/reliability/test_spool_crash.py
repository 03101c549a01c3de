"""kill -9 of the agent at each step of the spool write: no complete report is lost, none sent twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agent.push import Pusher
from agent.spool import Spool
from tests.agent.helpers import Receiver
from tests.reliability.figures import record
from tests.reliability.spool_child import STEPS

ROUNDS = 2  # kills per step
ROOT = Path(__file__).resolve().parents[2]
# The report's bytes were complete on disk at these steps; before them it existed only in memory.
COMPLETE = {"tmp_complete", "renamed", "dir_synced"}


def _kill_at(folder: Path, step: str) -> dict[str, object]:
    child = subprocess.run(
        [sys.executable, "-m", "tests.reliability.spool_child", str(folder), step],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -9, f"{step}: the child was not killed: {child.stderr}"
    taken: dict[str, object] = json.loads(child.stdout.strip().splitlines()[0])
    return taken


def test_kill_at_every_step_of_the_spool_write(tmp_path: Path) -> None:
    expected: set[str] = set()
    kills = left_behind = 0
    for _ in range(ROUNDS):
        for step in STEPS:
            taken = _kill_at(tmp_path, step)
            kills += 1
            left_behind += len(list((tmp_path / "spool").glob("*.tmp")))  # the next start recovers them
            if step in COMPLETE:
                expected.add(str(taken["report_id"]))
    spool = Spool(tmp_path / "spool", max_bytes=10**7, max_age_seconds=10**6)  # the agent restarts
    assert list((tmp_path / "spool").glob("*.tmp")) == []
    queued = [item.path.name.split("-", 1)[1].removesuffix(".json") for item in spool.pending()]
    assert sorted(queued) == sorted(expected)
    receiver = Receiver().start()
    try:
        pusher = Pusher(spool, receiver.url, "t0ken", timeout=30)
        first, again = pusher.flush(), pusher.flush()
    finally:
        receiver.stop()
    delivered = {report["report_id"] for report in receiver.received}
    lost = len(expected - delivered)
    record(
        "agent_spool_kill9",
        kills=kills,
        steps=list(STEPS),
        complete_reports=len(expected),
        tmp_files_left_by_kills=left_behind,
        delivered=len(delivered),
        posts=receiver.posts,
        lost=lost,
        sent_twice=receiver.posts - len(delivered),
    )
    assert first.sent == len(expected) and again.sent == 0
    assert lost == 0 and receiver.posts == len(expected)
    assert spool.pending() == []
