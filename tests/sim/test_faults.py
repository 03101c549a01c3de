"""Faults injected through the control endpoint change what clients see, and clearing them restores it."""

from __future__ import annotations

import xmlrpc.client

import pytest
import requests

from tests.sim.conftest import SimFactory, proxy


def _control(url: str, **command: object) -> dict[str, object]:
    response = requests.post(f"{url}/__sim__/control", json=command, timeout=5)
    assert response.status_code == 200, response.text
    state: dict[str, object] = response.json()
    return state


def test_down_resets_connections_until_cleared(start_sim: SimFactory) -> None:
    sim = start_sim()
    _control(sim.url, action="set", fault="down")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{sim.url}/web/login", timeout=5)
    _control(sim.url, action="clear")
    assert requests.get(f"{sim.url}/web/login", timeout=5).status_code == 200


def test_slow_http_500_database_and_auth_faults(start_sim: SimFactory) -> None:
    sim = start_sim(version="17.0")
    _control(sim.url, action="set", fault="slow", value=0.3)
    response = requests.get(f"{sim.url}/web/login", timeout=5)
    assert response.elapsed.total_seconds() >= 0.3
    _control(sim.url, action="set", fault="slow", value=0)
    _control(sim.url, action="set", fault="http_500")
    assert requests.get(f"{sim.url}/web/login", timeout=5).status_code == 500
    _control(sim.url, action="set", fault="http_500", value=False)
    _control(sim.url, action="set", fault="database_down")
    common = proxy(f"{sim.url}/xmlrpc/2/common")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        common.authenticate("demo", "admin", "admin", {})
    assert "OperationalError" in fault.value.faultString
    assert common.version()["server_version"] == "17.0"  # no database needed
    _control(sim.url, action="clear")
    _control(sim.url, action="set", fault="auth_failure")
    assert common.authenticate("demo", "admin", "admin", {}) is False
    _control(sim.url, action="clear")
    assert common.authenticate("demo", "admin", "admin", {}) == 2


def test_data_faults_and_users(start_sim: SimFactory) -> None:
    sim = start_sim(version="18.0", users=3, portal_users=0)
    state = _control(sim.url, action="add_users", count=2)
    assert state["internal_users"] == 5
    state = _control(sim.url, action="remove_users", count=1)
    assert state["internal_users"] == 4
    assert _control(sim.url, action="fail_queue_jobs", count=3)["failed_jobs"] == 3
    assert _control(sim.url, action="requeue_failed_jobs")["failed_jobs"] == 0
    assert _control(sim.url, action="mail_exceptions", count=2)["mail_exceptions"] == 2
    assert _control(sim.url, action="resend_mail")["mail_exceptions"] == 0
    _control(sim.url, action="fail_cron", name="Webshop: import orders")
    models = proxy(f"{sim.url}/xmlrpc/2/object")
    crons = models.execute_kw(
        "demo", 2, "admin", "ir.cron", "search_read", [[("failure_count", ">", 0)]], {"fields": ["cron_name"]}
    )
    assert [cron["cron_name"] for cron in crons] == ["Webshop: import orders"]


def test_control_endpoint_refuses_unknown_actions(start_sim: SimFactory) -> None:
    sim = start_sim()
    response = requests.post(f"{sim.url}/__sim__/control", json={"action": "explode"}, timeout=5)
    assert response.status_code == 400 and "unknown action" in response.json()["error"]
    bad_fault = requests.post(
        f"{sim.url}/__sim__/control", json={"action": "set", "fault": "nope"}, timeout=5
    )
    assert bad_fault.status_code == 400
    assert requests.get(f"{sim.url}/__sim__/state", timeout=5).json()["database"] == "demo"
