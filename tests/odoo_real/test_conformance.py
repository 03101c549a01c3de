"""The simulator answers the recorded calls in the same shape as a real Odoo of the same series."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from demo.sim import OdooSimulator
from demo.sim.conformance import CALLS, Target, play
from tests.support.odoo_real import OdooStack
from tests.support.odoo_real_seed import ADMIN_PASSWORD, MONITORING_LOGIN

SIM_KEY = "f" * 40
SESSION = "session authenticate good"
# What a client reads from the session info; the web client's other keys grow with the installed addons
# (mail's user_settings, currencies, ...) and are not simulated.
SESSION_CORE = {"uid", "db", "is_admin", "is_system", "server_version", "server_version_info", "user_context"}


@pytest.fixture
def sim(up: OdooStack) -> Iterator[OdooSimulator]:
    simulator = OdooSimulator(version=up.series, db=up.database, api_key=SIM_KEY).start()
    yield simulator
    simulator.stop()


def _split_session(answers: dict[str, Any]) -> dict[str, Any]:
    """The session info's result, taken out of its answer (which is compared whole without it)."""
    body = answers[SESSION].get("body") or {}
    result = body.pop("result", None)
    return result if isinstance(result, dict) else {}


def test_the_simulator_answers_like_real_odoo(up: OdooStack, sim: OdooSimulator) -> None:
    real = play(Target(up.url, up.database, "admin", ADMIN_PASSWORD, MONITORING_LOGIN, up.api_key))
    simulated = play(Target(sim.url, sim.db, "admin", "admin", "admin", SIM_KEY))
    assert set(real) == set(CALLS)
    real_session, sim_session = _split_session(real), _split_session(simulated)
    assert set(sim_session) >= SESSION_CORE, sorted(sim_session)
    assert {key: real_session.get(key) for key in sim_session} == sim_session
    differences = {
        name: {"real": real[name], "sim": simulated[name]} for name in CALLS if real[name] != simulated[name]
    }
    assert not differences, json.dumps(differences, indent=1, sort_keys=True)
