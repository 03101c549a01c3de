"""What runs for as long as the app serves: the ingest writer, SQLite checkpoints, the periodic SLA work and
the delivery worker. `create_app` puts the collector and `run_background` on `app.state`."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import FastAPI

from collector.ingest.report_schema import warm_up
from collector.service import Collector, PeriodicTasks


class Background(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def background_tasks(collector: Collector, *, run_background: bool) -> list[Background]:
    """The threads to start, in order; tests run without the periodic work and the worker."""
    tasks: list[Background] = []
    if collector.engine.dialect.name == "sqlite":
        from collector.storage.database import SqliteCheckpointer

        tasks.append(SqliteCheckpointer(collector.engine, turn=collector.writer.turn))
    if run_background:
        tasks.append(PeriodicTasks(collector, collector.config.monitoring.sweep_seconds))
        worker = collector.extras.get("delivery_worker")
        if worker is not None:
            tasks.append(worker)
    return tasks


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    collector: Collector = app.state.collector
    warm_up()
    # Everything built so far lives for the whole process: keep it out of the collector's
    # full-generation passes, which otherwise show up as latency spikes under load.
    gc.collect()
    gc.freeze()
    collector.writer.start()
    started: list[Background] = []
    try:
        for task in background_tasks(collector, run_background=app.state.run_background):
            task.start()
            started.append(task)
        yield
    finally:
        for task in reversed(started):
            task.stop()
        collector.writer.stop()
