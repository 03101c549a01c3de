"""Engines for SQLite (embedded default, WAL) and PostgreSQL (psycopg 3), and the schema check."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from alerts.writes import writing as alerts_writing

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseBehind(RuntimeError):
    """The database schema is older than the code: run `collector migrate`."""


BUSY_TIMEOUT_MS = 30_000  # how long a SQLite statement waits for another connection's write lock
WAL_RESTART_FRAMES = 8192  # 32 MB of 4 kB pages: past this the checkpointer has the WAL start over
CATCH_UP_ROUNDS = 2  # checkpoint rounds beside the writer before the last frames are copied in its turn
WAL_SIZE_LIMIT_BYTES = 128 * 1024 * 1024  # the WAL file is cut back to this when it starts over


def make_engine(url: str, *, pool_size: int = 10, background_checkpoints: bool = False) -> Engine:
    """One engine per process; SQLite gets WAL, a busy timeout and writer transactions taken up front.

    With `background_checkpoints` the WAL is not checkpointed by whichever commit happens to cross the
    threshold (a latency spike for every report waiting on that commit); a SqliteCheckpointer thread
    does it instead.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _tune_sqlite(engine, autocheckpoint=not background_checkpoints)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _tune_sqlite(engine: Engine, *, autocheckpoint: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below); pysqlite's implicit BEGIN is deferred.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Before the first table: freed pages can go back to the file system (retention.give_back_space).
        # An older file keeps its mode until migrate() runs VACUUM once (see ensure_incremental_vacuum).
        if cursor.execute("PRAGMA page_count").fetchone()[0] == 0:  # a new file (the pragma locks others)
            cursor.execute("PRAGMA auto_vacuum=INCREMENTAL")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A WAL that a burst or an outage of the checkpointer made large is cut back when it starts over.
        cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT_BYTES}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if not autocheckpoint:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers begin deferred (WAL lets them run beside the writer). Writers that read before they
        # write ask for IMMEDIATE (see writing()), so their upgrade to a write lock can never fail.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class SqliteCheckpointer:
    """Checkpoints the WAL every `interval` seconds, beside the writer (PASSIVE: never blocks readers).

    Under steady ingest a PASSIVE checkpoint never catches up on its own: commits land while it copies,
    so the WAL is never wholly copied back, SQLite never starts it over, and it grows for as long as
    reports keep coming (1.4 GB in 50 s at 1,000 reports/s from 10,000 agents, every frame appended to
    new file space the kernel zeroes first). With `turn` (the ingest writer's write turn), once the WAL
    passes `restart_frames`, the frames that landed meanwhile are copied too (checkpoint_once): the
    WAL is then wholly in the database, and the next commit starts it over from the beginning.
    """

    def __init__(
        self,
        engine: Engine,
        interval: float = 1.0,
        turn: Callable[[], AbstractContextManager[Any]] | None = None,
        restart_frames: int = WAL_RESTART_FRAMES,
    ) -> None:
        import threading

        self.engine = engine
        self.interval = interval
        self._turn = turn
        self.restart_frames = restart_frames
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._checkpoint("TRUNCATE")

    def _checkpoint(self, mode: str) -> tuple[int, int]:
        """(frames in the WAL, frames copied into the database); (0, 0) when it could not run."""
        raw = self.engine.raw_connection()
        try:
            row = raw.driver_connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()[0]  # type: ignore[union-attr]
            return (int(row[1]), int(row[2])) if row[1] >= 0 else (0, 0)  # -1: not in WAL mode
        except Exception:
            return (0, 0)  # busy now: the next round tries again
        finally:
            raw.close()

    def checkpoint_once(self) -> tuple[int, int]:
        """One round: the bulk beside the writer, then the rest while it waits (see the class)."""
        frames, copied = self._checkpoint("PASSIVE")
        # The counts are of the WAL as the checkpoint found it: commits since are not in them. Past
        # restart_frames (every few seconds at 1,000 reports/s) the frames that landed meanwhile are
        # copied too: beside the writer while each round finds fewer (the WAL starts over as soon as
        # one round ends with nothing behind it), in the writer's turn if they keep coming. A quieter
        # collector's first round finds no commit behind it and the WAL starts over by itself.
        if self._turn is None or frames < self.restart_frames:
            return frames, copied
        for _ in range(CATCH_UP_ROUNDS):
            previous = frames
            frames, copied = self._checkpoint("PASSIVE")
            if frames <= previous:
                # Nothing landed during the last round, so all is copied (the next commit starts the
                # WAL over); or a commit found it wholly copied and started it over already.
                return frames, copied
        with self._turn():
            return self._checkpoint("PASSIVE")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.checkpoint_once()


writing = alerts_writing  # the same engine (same pool) whose transactions take the write lock at BEGIN


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns that revision."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    ensure_incremental_vacuum(engine)
    return head_revision(engine)


def ensure_incremental_vacuum(engine: Engine) -> bool:
    """SQLite files made before auto_vacuum=INCREMENTAL get it now: a one-time VACUUM, which rewrites the
    file (needs about its size free on disk, minutes for gigabytes). True when it ran."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        if conn.exec_driver_sql("PRAGMA auto_vacuum").scalar_one() == 2:
            return False
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        driver.execute("PRAGMA auto_vacuum=INCREMENTAL")
        driver.execute("VACUUM")
    finally:
        raw.close()
    return True


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False)))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_schema(engine: Engine) -> None:
    """Refuse to start on a database that is behind the code."""
    current, head = current_revision(engine), head_revision(engine)
    if current != head:
        raise DatabaseBehind(
            f"the database is at revision {current or 'none'} but the code needs {head}; "
            "run 'prioritysupport collector migrate --config ...' first"
        )


def prepare_fresh(engine: Engine) -> None:
    """An empty database (first start of the embedded default) is migrated at once; anything else is left."""
    from sqlalchemy import inspect

    if not inspect(engine).get_table_names():
        migrate(engine)
