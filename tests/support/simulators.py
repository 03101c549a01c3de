"""Odoo simulators started in process on free ports, stopped when the test ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from demo.sim import OdooSimulator

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
