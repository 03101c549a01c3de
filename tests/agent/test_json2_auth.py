"""On 19 over JSON-2 the key is checked by context_get, or by another call when that method is refused."""

from __future__ import annotations

from pathlib import Path

from agent.exporter import Metrics
from agent.report import CheckResult
from agent.runner import Agent
from tests.agent.conftest import SimFactory
from tests.agent.helpers import config_for

KEY = "key-19-abcdef"
JSON2 = {"protocol": "json2", "password": None, "api_key": KEY}


def _run(agent: Agent) -> dict[str, CheckResult]:
    [report] = agent.run_due(force=True)
    assert report.instance.protocol == "json2"
    return {check.key: check for check in report.checks}


def test_context_get_is_the_first_choice(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="19.0", api_key=KEY)
    auth = _run(Agent(config_for(tmp_path, sim, instance=JSON2), push=False))["odoo.authentication"]
    assert auth.status == "ok" and "(res.users/context_get)" in (auth.detail or "")


def test_a_refused_context_get_falls_back_and_says_which_call(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="19.0", api_key=KEY)
    sim.set_fault("refuse_context_get")
    metrics = Metrics()
    agent = Agent(config_for(tmp_path, sim, instance=JSON2), push=False, metrics=metrics)
    checks = _run(agent)
    auth = checks["odoo.authentication"]
    assert auth.status == "ok" and "(res.users/search_read)" in (auth.detail or ""), auth.detail
    assert checks["odoo.read"].status == "ok"
    text = metrics.exposition().decode()
    assert 'prioritysupport_odoo_up{odoo_instance="prod"} 1.0' in text
    assert 'prioritysupport_odoo_login_ok{odoo_instance="prod"} 1.0' in text


def test_the_fallback_does_not_hide_a_refused_key(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="19.0", api_key=KEY)
    sim.set_fault("refuse_context_get")
    sim.set_fault("auth_failure")
    auth = _run(Agent(config_for(tmp_path, sim, instance=JSON2), push=False))["odoo.authentication"]
    assert auth.status == "failing" and "refused" in (auth.detail or "")
