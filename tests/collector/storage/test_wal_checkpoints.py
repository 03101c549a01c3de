"""The WAL stays bounded under steady writes: the checkpointer copies the last frames during the write turn,
so SQLite starts the WAL over instead of appending to it for as long as writes keep coming."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import text

from collector.config import parse_config
from collector.http.lifespan import background_tasks
from collector.service import build_collector
from collector.storage.database import SqliteCheckpointer, make_engine

ROUNDS = 60
THREE_ROWS = "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3"


def write_batch(engine: Any) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO t SELECT randomblob(900) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)")
        )


def wal_after_steady_writes(tmp_path: Path, with_turn: bool) -> int:
    """Rounds of: a batch, then a checkpoint round during which another batch commits (as the ingest
    writer's do while a checkpoint copies); the WAL file's size at the end."""
    path = tmp_path / ("turn.db" if with_turn else "passive.db")
    engine = make_engine(f"sqlite:///{path}", background_checkpoints=True)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x BLOB)"))
    turn = threading.Lock()
    checkpointer = SqliteCheckpointer(engine, turn=(lambda: turn) if with_turn else None, restart_frames=1)
    copy = checkpointer._checkpoint

    def commits_land_meanwhile(mode: str) -> tuple[int, int]:
        if turn.locked():
            return copy(mode)
        # A batch begun before the checkpoint finished and committed after it: not in its counts.
        with engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                conn.execute(text(f"INSERT INTO t SELECT randomblob(900) FROM ({THREE_ROWS})"))
                result = copy(mode)
        return result

    checkpointer._checkpoint = commits_land_meanwhile  # type: ignore[method-assign]
    for _ in range(ROUNDS):
        write_batch(engine)
        checkpointer.checkpoint_once()
    size = Path(f"{path}-wal").stat().st_size
    engine.dispose()
    return size


def test_the_wal_starts_over_instead_of_growing(tmp_path: Path) -> None:
    grown = wal_after_steady_writes(tmp_path, with_turn=False)
    bounded = wal_after_steady_writes(tmp_path, with_turn=True)
    # Without the turn every round leaves frames behind and the WAL holds all 120 batches (2 MB here);
    # with it the WAL holds about one round's batches, whatever the number of rounds.
    assert grown > ROUNDS * 2 * 3 * 4096
    assert bounded < 64 * 1024, bounded


def test_the_collector_checkpoints_in_its_writers_turn(tmp_path: Path) -> None:
    config = parse_config({"database": {"url": f"sqlite:///{tmp_path / 'c.db'}"}}, tmp_path)
    collector = build_collector(config)
    checkpointers = [task for task in background_tasks(collector, run_background=False)]
    assert len(checkpointers) == 1 and isinstance(checkpointers[0], SqliteCheckpointer)
    assert checkpointers[0]._turn is not None and checkpointers[0]._turn() is collector.writer.turn()
