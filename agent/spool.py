"""The on-disk spool: fsync'd, bounded by size and age, replayed in order."""

from __future__ import annotations

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


class Spool:
    """One file per report named by its sequence number, so a listing is the replay order."""

    def __init__(self, folder: Path, max_bytes: int, max_age_seconds: float) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_age_seconds = max_age_seconds
        self.dropped_total = 0
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def put(self, sequence: int, report_id: str, body: bytes) -> Path:
        final = self.folder / f"{sequence:015d}-{report_id}{SUFFIX}"
        temporary = final.with_suffix(".tmp")
        with open(temporary, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)
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
        for stale in self.folder.glob("*.tmp"):
            if moment - stale.stat().st_mtime > 60:
                stale.unlink(missing_ok=True)
        return dropped

    @property
    def size(self) -> int:
        return len(self.pending())
