"""Fixtures of the simulator suite: simulators started in process on free ports."""

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


def proxy(url: str) -> Any:
    """An xmlrpc.client proxy typed loosely: Odoo's answers are dynamic."""
    import xmlrpc.client

    return xmlrpc.client.ServerProxy(url)
