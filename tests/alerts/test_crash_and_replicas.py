"""Worker processes: kill -9 while sending loses nothing and re-sends nothing recorded as sent; two
workers on one database never send the same item."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, select

from alerts.model import NotificationRequest
from alerts.outbox import Outbox
from alerts.tables import outbox
from prioritysupport.clock import SystemClock
from tests.alerts.receivers import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def worker_process(spec: str, port: int, lease: float) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.alerts.worker_main", spec, str(port), str(lease)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def _open_items(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(outbox).where(outbox.c.state.in_(("pending", "sending")))
            ).scalar_one()
        )


def test_kill_9_while_sending_loses_nothing_and_resends_nothing_sent(
    engine: Engine, db_spec: str, receiver: WebhookReceiver
) -> None:
    box = Outbox(engine, SystemClock())
    with engine.begin() as conn:
        # Two targets, sent in order: support-team answers at once, oncall-primary hangs.
        box.enqueue(
            conn,
            NotificationRequest(
                kind="page", recipients=("support-team", "oncall-primary"), subject_ref="K-1"
            ),
        )
    receiver.path_delays["/oncall-primary"] = 3.0  # the second target hangs while the worker is killed
    with worker_process(db_spec, receiver.port, lease=1.0) as first:
        assert receiver.wait_for(1, timeout=15)
        time.sleep(0.3)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(5)
    receiver.path_delays.clear()
    assert [p for p, _, _ in receiver.received] == ["/support-team"]
    time.sleep(3.2)  # let the hung request finish on the receiver side (its worker is gone)
    with worker_process(db_spec, receiver.port, lease=1.0):
        deadline = time.monotonic() + 20
        while _open_items(engine) and time.monotonic() < deadline:
            time.sleep(0.1)
    paths = Counter(p for p, _, _ in receiver.received)
    assert _open_items(engine) == 0
    assert paths["/support-team"] == 1  # recorded as sent: never again
    assert paths["/oncall-primary"] >= 1  # not recorded before the kill: sent (again) after the lease


def test_two_workers_never_send_the_same_item(
    engine: Engine, db_spec: str, receiver: WebhookReceiver
) -> None:
    box = Outbox(engine, SystemClock())
    with engine.begin() as conn:
        for n in range(40):
            box.enqueue(
                conn,
                NotificationRequest(
                    kind="team_notice",
                    recipients=("support-team",),
                    subject_ref=f"R-{n}",
                    values={"summary": str(n)},
                ),
            )
    receiver.delay = 0.02  # sends overlap between the two workers
    with worker_process(db_spec, receiver.port, 30.0), worker_process(db_spec, receiver.port, 30.0):
        assert receiver.wait_for(40, timeout=60)
        time.sleep(0.5)
    summaries = Counter(body["message"].splitlines()[0] for _, body, _ in receiver.received)
    assert len(summaries) == 40
    assert set(summaries.values()) == {1}
    assert _open_items(engine) == 0
