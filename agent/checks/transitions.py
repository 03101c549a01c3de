"""Which checks changed state since the previous run: `agent run` logs one line per change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from agent.report import CheckResult, Status

REASON_CHARS = 300  # a log line stays one readable line; the report keeps the whole detail


@dataclass(frozen=True)
class Transition:
    key: str
    old: Status | None  # None: the check had not run before
    new: Status
    reason: str

    def line(self, instance: str) -> str:
        old = self.old or "(first run)"
        reason = self.reason if len(self.reason) <= REASON_CHARS else self.reason[: REASON_CHARS - 3] + "..."
        return f"{instance}: {self.key} {old} -> {self.new} ({reason})"


def transitions(previous: dict[str, CheckResult], current: Iterable[CheckResult]) -> list[Transition]:
    """The state changes from `previous` (by key) to `current`.

    A check seen for the first time counts only when it is not ok, so that a healthy start stays quiet
    and a problem present from the start is still announced.
    """
    changes = []
    for check in current:
        before = previous.get(check.key)
        old = before.status if before is not None else None
        if old == check.status or (old is None and check.status == "ok"):
            continue
        changes.append(Transition(check.key, old, check.status, check.detail or "no detail"))
    return changes
