"""Fixtures of the agent suite: simulators and receivers that stop themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from demo.sim import OdooSimulator
from tests.agent.helpers import Receiver

SimFactory = Callable[..., OdooSimulator]


@pytest.fixture
def start_sim() -> Iterator[SimFactory]:
    started: list[OdooSimulator] = []

    def start(**options: Any) -> OdooSimulator:
        simulator = OdooSimulator(**options).start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()
