"""Every transaction in the product that may write begins as a write on SQLite (BEGIN IMMEDIATE).

A deferred transaction that read first cannot upgrade to a write lock while another process writes:
SQLite fails it at once ("database is locked"), whatever the busy timeout. So `engine.begin()` in the
product goes through `writing(engine)` (collector.storage.database / alerts.writes); this scan keeps it so.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from collector.storage.database import make_engine, writing

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("collector", "alerts", "agent", "demo")
# Files whose engine is already writing(...) where it is made (collector.cli._engine), or one-off tools.
ALLOWED = {
    "collector/cli.py": "the engine comes from _engine(), which returns writing(engine)",
    "collector/cli_helpdesk.py": "the engine comes from collector.cli._engine(), writing(engine)",
    "collector/storage/database.py": "migrate(): one process, before anything else runs",
    "collector/storage/migrations/env.py": "alembic: one process, before anything else runs",
}


def _deferred_begins(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr != "begin" or node.args or node.keywords:
            continue
        owner = node.func.value
        if isinstance(owner, ast.Call) and getattr(owner.func, "id", None) == "writing":
            continue
        if isinstance(owner, ast.Name) and owner.id in {"conn", "connection", "self"}:
            continue  # Connection.begin() on a connection whose engine decided the mode
        lines.append(node.lineno)
    return lines


def test_no_deferred_write_transactions_in_the_product() -> None:
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in ALLOWED:
                continue
            found += [f"{name}:{line}" for line in _deferred_begins(path)]
    assert found == [], "begin these with writing(engine).begin(): " + ", ".join(found)


@pytest.mark.parametrize("immediate", [True, False])
def test_read_then_write_beside_another_writer(tmp_path: Path, immediate: bool) -> None:
    """Why: with IMMEDIATE the second writer waits its turn; deferred, it fails at once."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    holding, read_done = threading.Event(), threading.Event()

    def other_writer() -> None:
        with writing(engine).begin() as conn:
            conn.execute(text("UPDATE counter SET n = n + 1"))
            holding.set()
            read_done.wait(timeout=60)  # the other transaction has read (or is waiting to begin)

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert holding.wait(timeout=60)
    chosen = writing(engine) if immediate else engine
    try:
        if immediate:
            read_done.set()  # BEGIN IMMEDIATE waits for the other writer; nothing to read before
        with chosen.begin() as conn:
            n = conn.execute(text("SELECT n FROM counter")).scalar_one()
            read_done.set()
            conn.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        assert immediate, "a deferred read-then-write succeeded beside a writer"
    except OperationalError as exc:
        assert not immediate and "locked" in str(exc)
    finally:
        read_done.set()
        thread.join(timeout=60)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == (2 if immediate else 1)
