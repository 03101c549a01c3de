"""The recorded conformance calls against the simulator alone (the real-Odoo half is in tests/odoo_real)."""

from __future__ import annotations

import pytest

from demo.sim.conformance import CALLS, Target, play
from tests.support.simulators import SimFactory


@pytest.mark.parametrize("series", ["17.0", "18.0"])
def test_shapes_read_on_real_servers(start_sim: SimFactory, series: str) -> None:
    sim = start_sim(version=series, api_key="k" * 40)
    answers = play(Target(sim.url, sim.db, "admin", "admin", "admin", "k" * 40))
    assert set(answers) == set(CALLS)
    assert answers["context_get"] == {"result": {"lang": "str", "tz": "str", "uid": "int"}}
    private = answers["fault access error"]
    assert private["fault"] == 4
    named = "_compute_display_name" if series == "18.0" else "'res.users._compute_display_name'"
    assert private["first_line"] == f"Private methods (such as {named}) cannot be called remotely."
    assert answers["xmlrpc login bad"] == {"result": "bool"}
    assert answers["fault wrong database"]["fault"] == 1
