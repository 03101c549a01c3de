"""A child process that takes a sequence number and spools one report, killing itself (SIGKILL) at the
step named on its command line: `python -m tests.reliability.spool_child FOLDER STEP`."""

from __future__ import annotations

import json
import os
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

from agent import spool as spool_module
from agent.sequence import SequenceStore
from agent.spool import Spool

STEPS = ("sequence_taken", "tmp_torn", "tmp_complete", "renamed", "dir_synced")


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def main(folder: Path, step: str) -> None:
    spool = Spool(folder / "spool", max_bytes=10**7, max_age_seconds=10**6)
    sequence = SequenceStore(folder / "sequence").next()
    report_id = str(uuid.uuid4())
    body = json.dumps({"report_id": report_id, "sequence": sequence, "padding": "x" * 5000}).encode()
    print(json.dumps({"sequence": sequence, "report_id": report_id}), flush=True)
    if step == "sequence_taken":
        _die()
    real_fsync, real_replace, real_fsync_dir = os.fsync, os.replace, spool_module._fsync_dir

    def fsync(fd: int) -> None:
        if step == "tmp_torn":
            os.ftruncate(fd, len(body) // 2)  # what a crash part-way through the write leaves
            _die()
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        if step == "tmp_complete":
            _die()
        real_replace(src, dst)

    def fsync_dir(path: Path) -> None:
        if step == "renamed":
            _die()
        real_fsync_dir(path)

    os.fsync, os.replace = fsync, replace  # type: ignore[assignment]
    spool_module._fsync_dir = fsync_dir
    spool.put(sequence, report_id, body)
    _die()  # dir_synced: right after put returned, before any send


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
