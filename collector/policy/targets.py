"""SLA targets as values: "2 hours", "1 working day" or "by agreement" (policy section 6)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class TargetUnit(StrEnum):
    HOURS = "hours"
    WORKING_DAYS = "working days"
    AGREEMENT = "by agreement"


@dataclass(frozen=True)
class Target:
    """One SLA target. `amount` is None for "by agreement" (no automatic deadline)."""

    unit: TargetUnit
    amount: int | None = None

    @property
    def by_agreement(self) -> bool:
        return self.unit is TargetUnit.AGREEMENT

    @property
    def in_hours(self) -> bool:
        return self.unit is TargetUnit.HOURS

    def duration(self, working_day: timedelta) -> timedelta | None:
        """Business time of the target; None when by agreement."""
        if self.amount is None:
            return None
        if self.unit is TargetUnit.HOURS:
            return timedelta(hours=self.amount)
        return working_day * self.amount

    def __str__(self) -> str:
        if self.amount is None:
            return self.unit.value
        unit = self.unit.value if self.amount != 1 else self.unit.value[:-1]
        return f"{self.amount} {unit}"


BY_AGREEMENT = Target(TargetUnit.AGREEMENT)

_TARGET_PATTERN = re.compile(
    r"^\s*(\d+)\s*(hours?|working[ -]days?|werkdagen|werkdag|uur)\s*$", re.IGNORECASE
)
_AGREEMENT_WORDS = {"by agreement", "in overleg", "in overleg met planning"}


def parse_target(text: str) -> Target:
    """Read "N hours", "N working days" or "by agreement" (Dutch: uur, werkdag(en), in overleg)."""
    if text.strip().lower() in _AGREEMENT_WORDS:
        return BY_AGREEMENT
    match = _TARGET_PATTERN.match(text)
    if match is None or int(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a target: write 'N hours', 'N working days' or 'by agreement'")
    amount = int(match.group(1))
    unit = TargetUnit.HOURS if match.group(2).lower() in ("hour", "hours", "uur") else TargetUnit.WORKING_DAYS
    return Target(unit, amount)
