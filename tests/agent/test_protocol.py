"""protocol = "json2" against Odoo before 19 is a configuration error, at run time and in check-config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agent.config import ConfigError
from agent.exporter import Metrics
from agent.odoo import Credentials, OdooClientError, ProtocolMismatch, connect
from agent.odoo.transport import HttpTransport, TransportSettings
from agent.runner import Agent
from tests.agent.conftest import SimFactory
from tests.agent.helpers import config_for, write_config
from tests.support.components import free_port

CHECK_CONFIG = [sys.executable, "-c", "from prioritysupport.cli import main; main()", "agent", "check-config"]
KEY = "key-0123456789"
JSON2 = {"protocol": "json2", "password": None, "api_key": KEY}
FAST = TransportSettings(timeout=2.0, retries=0)


def test_connect_names_the_version_that_lacks_json2(start_sim: SimFactory) -> None:
    sim = start_sim(version="17.0", api_key=KEY)
    with pytest.raises(ProtocolMismatch, match=r'"json2" needs Odoo 19 or later.*runs Odoo 17\.0') as caught:
        connect(sim.url, Credentials("demo", "admin", KEY, True), HttpTransport(FAST), "json2")
    assert caught.value.version is not None and caught.value.version["server_version"] == "17.0"


def test_a_server_without_json2_or_xmlrpc_stays_not_odoo(start_sim: SimFactory) -> None:
    sim = start_sim(version="17.0", api_key=KEY)
    sim.set_fault("http_500")  # answers, but neither /web/version nor XML-RPC
    with pytest.raises(OdooClientError) as caught:
        connect(sim.url, Credentials("demo", "admin", KEY, True), HttpTransport(FAST), "json2")
    assert not isinstance(caught.value, ProtocolMismatch)


@pytest.mark.parametrize("series", ["16.0", "18.0"])
def test_json2_before_19_is_a_configuration_error_not_an_outage(
    start_sim: SimFactory, tmp_path: Path, series: str
) -> None:
    sim = start_sim(version=series, api_key=KEY)
    metrics = Metrics()
    agent = Agent(config_for(tmp_path, sim, instance=JSON2), push=False, metrics=metrics)
    [report] = agent.run_due(force=True)
    checks = {check.key: check for check in report.checks}
    for key in ("odoo.login_page", "odoo.version", "odoo.health"):
        assert checks[key].status == "ok", (key, checks[key].detail)
    assert report.instance.odoo_version == series
    auth = checks["odoo.authentication"]
    assert auth.status == "failing"
    assert "configuration error" in (auth.detail or "") and "needs Odoo 19" in (auth.detail or "")
    assert 'protocol = "auto"' in (auth.detail or "")
    assert checks["odoo.latency"].status == "unknown"
    assert 'prioritysupport_odoo_up{odoo_instance="prod"} 1.0' in metrics.exposition().decode()


def _check_config(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CHECK_CONFIG, "--config", str(path)], capture_output=True, text=True, timeout=60)


def test_check_config_asks_the_server_about_json2(start_sim: SimFactory, tmp_path: Path) -> None:
    old = start_sim(version="17.0", api_key=KEY)
    refused = _check_config(write_config(tmp_path / "old", old, instance=JSON2))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "Configuration error: instance 'prod'" in refused.stderr and "needs Odoo 19" in refused.stderr
    assert "Traceback" not in refused.stderr and KEY not in refused.stdout + refused.stderr

    new = start_sim(version="19.0", api_key=KEY)
    fine = _check_config(write_config(tmp_path / "new", new, instance=JSON2))
    assert fine.returncode == 0 and "the server offers JSON-2" in fine.stdout, fine.stderr

    unreachable = write_config(
        tmp_path / "gone", old, instance={**JSON2, "url": f"http://127.0.0.1:{free_port()}"}
    )
    offline = _check_config(unreachable)
    assert offline.returncode == 0 and "JSON-2 not confirmed" in offline.stdout, offline.stderr


def test_json2_with_a_password_is_refused_offline(start_sim: SimFactory, tmp_path: Path) -> None:
    sim = start_sim(version="19.0")
    with pytest.raises(ConfigError, match=r"protocol = \"json2\" needs an api_key"):
        config_for(tmp_path, sim, instance={"protocol": "json2"})
