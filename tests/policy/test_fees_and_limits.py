"""Monthly fees, package advice, and the limit states with their hysteresis and notices."""

from __future__ import annotations

from datetime import timedelta

import pytest

from collector.policy.catalogue import Contract, ContractError, load_catalogue
from collector.policy.fees import advise_package, fee_lines, monthly_fee
from collector.policy.limits import LimitEvent, LimitState, LimitTracking, evaluate_limit, next_state
from tests.policy.conftest import ams

CATALOGUE = load_catalogue()


@pytest.mark.parametrize(
    ("contract", "fee"),
    [
        (Contract("small"), 195),
        (Contract("medium", premium=True), 545 + 795),
        (Contract("large", koppelingen=3), 995 + 3 * 295),
        (Contract("small", True, 2, True), 195 + 795 + 590 + 425),
        (Contract(None), None),
    ],
)
def test_monthly_fee(contract: Contract, fee: int | None) -> None:
    assert monthly_fee(contract, CATALOGUE) == fee


def test_fee_lines_name_each_item() -> None:
    lines = fee_lines(Contract("medium", True, 2, True), CATALOGUE)
    assert [(line.item, line.eur) for line in lines] == [
        ("PrioritySupport Medium", 545),
        ("PrioritySupport Premium", 795),
        ("PrioritySupport Koppeling x 2", 590),
        ("PriorityMigration", 425),
    ]


def test_extension_without_package_has_no_fee() -> None:
    with pytest.raises(ContractError, match="needs a base package"):
        monthly_fee(Contract(None, premium=True), CATALOGUE)


@pytest.mark.parametrize(
    ("users", "lines", "advice"),
    [
        (0, 0, "small"),
        (25, 2500, "small"),  # limits are inclusive
        (26, 0, "medium"),
        (10, 2501, "medium"),
        (75, 15000, "medium"),
        (76, 100, "large"),
        (150, 50000, "large"),
        (151, 0, None),
        (10, 50001, None),
    ],
)
def test_advise_package(users: int, lines: int, advice: str | None) -> None:
    assert advise_package(users, lines, CATALOGUE) == advice


@pytest.mark.parametrize(
    ("previous", "usage", "expected"),
    [
        (LimitState.OK, 22, LimitState.OK),  # 88%
        (LimitState.OK, 22.5, LimitState.NEAR),  # exactly 90%
        (LimitState.OK, 25, LimitState.NEAR),  # at the limit: not over
        (LimitState.OK, 26, LimitState.OVER),
        (LimitState.NEAR, 22, LimitState.NEAR),  # 88%: hysteresis keeps near
        (LimitState.NEAR, 21.25, LimitState.NEAR),  # exactly 85%
        (LimitState.NEAR, 21, LimitState.OK),  # 84%
        (LimitState.OVER, 25, LimitState.NEAR),
        (LimitState.OVER, 10, LimitState.OK),
    ],
)
def test_next_state(previous: LimitState, usage: float, expected: LimitState) -> None:
    assert next_state(previous, usage, 25) is expected


def test_no_limit_is_always_ok() -> None:
    assert next_state(LimitState.OVER, 10_000, None) is LimitState.OK


def test_notices_over_a_life_cycle() -> None:
    t = ams(2026, 1, 1, 12)
    tracking = LimitTracking()
    seen: list[list[LimitEvent]] = []
    for day, usage in [
        (0, 20),
        (1, 23),
        (2, 22),
        (3, 23),
        (4, 27),
        (10, 28),
        (34, 28),
        (40, 30),
        (64, 26),
        (70, 24),
    ]:
        tracking, events = evaluate_limit(tracking, usage, 25, t + timedelta(days=day))
        seen.append(events)
    assert seen == [
        [],
        [LimitEvent.WARN_NEAR],
        [],  # wobbling between 88% and 92% warns once
        [],
        [LimitEvent.WARN_OVER],
        [],
        [LimitEvent.REMIND_OVER],  # 30 days after the warning
        [],
        [LimitEvent.REMIND_OVER],
        [LimitEvent.BACK_UNDER],
    ]
    assert tracking.state is LimitState.NEAR
