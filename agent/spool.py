"""The on-disk spool: fsync'd, bounded by size and age, replayed in order.

A report is written to `<name>.tmp`, fsync'd, renamed to `<name>.json` and the folder fsync'd. A crash
(kill -9, power loss) can leave a `.tmp` at any point of that; on start, and before each bounds check,
every `.tmp` is recovered: a complete one (valid JSON whose id and sequence match its name) is renamed
into the queue, anything else was never sent and is removed. So a crash loses no complete report, and
nothing is queued twice (a name is either `.tmp` or `.json`, and rename is atomic).
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("prioritysupport.agent.spool")
SUFFIX = ".json"


@dataclass(frozen=True)
class SpooledReport:
    path: Path
    sequence: int
    size: int
    mtime: float

    def read(self) -> bytes:
        return self.path.read_bytes()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _complete(temporary: Path) -> bool:
    """The whole report: it parses, and its id and sequence are the ones in its name."""
    sequence, _, report_id = temporary.stem.partition("-")
    try:
        document = json.loads(temporary.read_bytes())
    except (OSError, ValueError):
        return False
    return (
        isinstance(document, dict)
        and document.get("report_id") == report_id
        and str(document.get("sequence")) == sequence.lstrip("0")
    )


class Spool:
    """One file per report named by its sequence number, so a listing is the replay order."""

    def __init__(self, folder: Path, max_bytes: int, max_age_seconds: float) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_age_seconds = max_age_seconds
        self.dropped_total = 0
        self.recovered_total = 0
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.recover()

    def put(self, sequence: int, report_id: str, body: bytes) -> Path:
        final = self.folder / f"{sequence:015d}-{report_id}{SUFFIX}"
        temporary = final.with_suffix(".tmp")
        with open(temporary, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.replace(temporary, final)
        except FileNotFoundError:
            if not final.exists():  # not queued by a concurrent recover(): a real failure
                raise
        _fsync_dir(self.folder)
        self.enforce_bounds()
        return final

    def pending(self) -> list[SpooledReport]:
        found = []
        for path in self.folder.glob(f"*{SUFFIX}"):
            try:
                stat = path.stat()
                sequence = int(path.name.split("-", 1)[0])
            except (OSError, ValueError):
                continue
            found.append(SpooledReport(path, sequence, stat.st_size, stat.st_mtime))
        return sorted(found, key=lambda item: item.sequence)

    def remove(self, item: SpooledReport) -> None:
        item.path.unlink(missing_ok=True)

    def enforce_bounds(self, now: float | None = None) -> int:
        """Drop the oldest reports beyond the age or size bound; log how many (never silently)."""
        moment = time.time() if now is None else now
        items = self.pending()
        dropped = 0
        while items and moment - items[0].mtime > self.max_age_seconds:
            self.remove(items.pop(0))
            dropped += 1
        total = sum(item.size for item in items)
        while items and total > self.max_bytes:
            oldest = items.pop(0)
            total -= oldest.size
            self.remove(oldest)
            dropped += 1
        if dropped:
            self.dropped_total += dropped
            log.warning("spool bound reached: dropped the %d oldest report(s) in %s", dropped, self.folder)
        return dropped

    def recover(self) -> int:
        """Queue every complete `.tmp` a crash left behind, remove the torn ones; returns how many queued.

        Only one agent writes a spool folder, and put() never returns with its `.tmp` still there, so
        any `.tmp` seen here belongs to a process that died."""
        queued = 0
        for temporary in sorted(self.folder.glob("*.tmp")):
            final = temporary.with_suffix(SUFFIX)
            if _complete(temporary):
                os.replace(temporary, final)
                queued += 1
                log.warning("spool: recovered %s left by a crash; it will be sent", final.name)
            else:
                temporary.unlink(missing_ok=True)
                log.warning("spool: removed %s, torn by a crash (never sent)", temporary.name)
        if queued:
            _fsync_dir(self.folder)
            self.recovered_total += queued
        return queued

    @property
    def size(self) -> int:
        return len(self.pending())
