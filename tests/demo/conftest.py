"""The demo stack, played once per session on a quicker schedule (the same code path as `demo --exit`)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from demo.clock import ScenarioClock
from demo.narration import Narrator
from demo.scenario import QUICK_PACE, START, Scenario, ScenarioResult
from demo.stack import DemoStack


@dataclass
class Played:
    stack: DemoStack
    clock: ScenarioClock
    result: ScenarioResult
    narration: io.StringIO


@pytest.fixture(scope="session")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    clock = ScenarioClock(START, rate=QUICK_PACE.slow)
    stack = DemoStack(Path(tmp_path_factory.mktemp("demo")), clock)
    narration = io.StringIO()
    try:
        stack.start()
        scenario = Scenario(stack, clock, Narrator(narration, ticker=False), QUICK_PACE)
        result = scenario.run()
        yield Played(stack, clock, result, narration)
    finally:
        stack.stop()
