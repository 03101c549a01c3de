"""Fault switches of a running simulator (set through the Python API or the control endpoint)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

FAULT_NAMES = ("down", "slow", "http_500", "database_down", "auth_failure", "refuse_context_get")


@dataclass
class Faults:
    down: bool = False  # connections are reset without an answer
    slow: float = 0.0  # seconds added to every answer
    http_500: bool = False  # every Odoo route answers 500
    database_down: bool = False  # PostgreSQL unreachable: health fails, RPC raises OperationalError
    auth_failure: bool = False  # every credential is rejected
    refuse_context_get: bool = False  # a proxy answers 403 to /json/2/res.users/context_get (19+)

    def set(self, name: str, value: Any) -> None:
        if name not in FAULT_NAMES:
            raise ValueError(f"unknown fault {name!r}: use one of {', '.join(FAULT_NAMES)}")
        if name == "slow":
            seconds = float(value)
            if seconds < 0:
                raise ValueError("slow needs a number of seconds at or above 0")
            self.slow = seconds
        else:
            setattr(self, name, bool(value))

    def clear(self) -> None:
        for name in FAULT_NAMES:
            self.set(name, 0)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
