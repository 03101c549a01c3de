"""The figures of the last reliability run, for docs/reliability.md: test-artifacts/reliability.json.

Each test records its own section (attempts, failures, data lost, ...); sections from earlier runs of
other tests are kept, so running one test refreshes only its own figures."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIGURES = Path(__file__).resolve().parents[2] / "test-artifacts" / "reliability.json"


def record(section: str, **figures: Any) -> None:
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    try:
        current = json.loads(FIGURES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = {}
    current[section] = {**figures, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    temporary = FIGURES.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, FIGURES)
