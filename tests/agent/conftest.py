"""Fixtures of the agent suite: simulators and receivers that stop themselves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.agent.helpers import Receiver
from tests.support.simulators import SimFactory, start_sim

__all__ = ["SimFactory", "start_sim"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()
