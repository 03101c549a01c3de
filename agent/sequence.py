"""The agent's report sequence number, kept on disk so that it keeps rising across restarts."""

from __future__ import annotations

import os
from pathlib import Path


class SequenceStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)

    def current(self) -> int:
        try:
            return int(self.path.read_text(encoding="ascii").strip() or 0)
        except FileNotFoundError:
            return 0
        except ValueError:
            raise ValueError(
                f"{self.path} is damaged: remove it (numbering restarts above the spool)"
            ) from None

    def next(self, at_least: int = 0) -> int:
        """The next number, written and fsync'd before it is used."""
        value = max(self.current(), at_least) + 1
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w", encoding="ascii") as handle:
            handle.write(str(value))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
        return value
