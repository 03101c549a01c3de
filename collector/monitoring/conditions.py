"""The per-(instance, check) state machine: ok -> failing -> recovered, damped against blips. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ConditionState(StrEnum):
    OK = "ok"
    FAILING = "failing"
    RECOVERED = "recovered"


class Transition(StrEnum):
    NONE = "none"
    OPENED = "opened"  # failed on enough consecutive checks: a ticket is due
    RECOVERED = "recovered"


@dataclass(frozen=True)
class Step:
    state: ConditionState
    consecutive_failures: int
    transition: Transition


def step(state: ConditionState, consecutive_failures: int, status: str, failures_needed: int) -> Step:
    """Apply one observation (ok, failing or unknown) to a condition."""
    if status == "unknown":
        return Step(state, consecutive_failures, Transition.NONE)
    if status == "failing":
        count = consecutive_failures + 1
        if state is not ConditionState.FAILING and count >= failures_needed:
            return Step(ConditionState.FAILING, count, Transition.OPENED)
        return Step(state, count, Transition.NONE)
    if state is ConditionState.FAILING:
        return Step(ConditionState.RECOVERED, 0, Transition.RECOVERED)
    return Step(state, 0, Transition.NONE)
