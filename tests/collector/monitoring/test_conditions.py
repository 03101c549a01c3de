"""The condition state machine, on plain values: damping, flips, recovery."""

from __future__ import annotations

from collector.monitoring.conditions import ConditionState, Transition, step

OK, FAILING, RECOVERED = ConditionState.OK, ConditionState.FAILING, ConditionState.RECOVERED


def run(statuses: list[str], needed: int = 2) -> list[Transition]:
    state, count, seen = OK, 0, []
    for status in statuses:
        result = step(state, count, status, needed)
        state, count = result.state, result.consecutive_failures
        seen.append(result.transition)
    return seen


def test_a_blip_opens_nothing() -> None:
    assert Transition.OPENED not in run(["failing", "ok", "failing", "ok"])


def test_consecutive_failures_open_once_and_recover_once() -> None:
    assert run(["failing", "failing", "failing", "ok", "ok"]) == [
        Transition.NONE,
        Transition.OPENED,
        Transition.NONE,
        Transition.RECOVERED,
        Transition.NONE,
    ]


def test_unknown_changes_nothing_and_threshold_is_per_kind() -> None:
    assert run(["failing", "unknown", "failing"], needed=2)[-1] is Transition.OPENED
    assert run(["failing"], needed=1) == [Transition.OPENED]
    assert step(RECOVERED, 0, "failing", 1).transition is Transition.OPENED
