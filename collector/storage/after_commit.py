"""Work that must wait until the caller's transaction has committed (acknowledging a page opens its own).

Use `transaction(engine)` instead of `engine.begin()` wherever ticket operations run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

log = logging.getLogger("prioritysupport.collector")
_KEY = "after_commit"


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    pending: list[Callable[[], object]] = []
    from collector.storage.database import writing

    with writing(engine).begin() as conn:
        conn.info[_KEY] = pending
        try:
            yield conn
        finally:
            conn.info.pop(_KEY, None)
    for action in pending:
        try:
            action()
        except Exception as exc:  # the main change is committed; a failed follow-up is logged, not raised
            log.error("after-commit action failed: %s", exc)


def after_commit(conn: Connection, action: Callable[[], object]) -> None:
    pending = conn.info.get(_KEY)
    if pending is None:
        log.warning(
            "after-commit action dropped: the transaction was not opened with collector.transaction()"
        )
        return
    pending.append(action)
