"""The /web routes, JSON-RPC and JSON-2 answer as Odoo does, errors included."""

from __future__ import annotations

import requests

from tests.sim.conftest import SimFactory


def _jsonrpc(
    url: str, params: dict[str, object], session: requests.Session | None = None
) -> dict[str, object]:
    body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 7}
    response = (session or requests).post(url, json=body, timeout=5)
    assert response.status_code == 200
    data: dict[str, object] = response.json()
    assert data["id"] == 7
    return data


def test_health_route_from_15_with_database_status(start_sim: SimFactory) -> None:
    old = start_sim(version="14.0")
    assert requests.get(f"{old.url}/web/health", timeout=5).status_code == 404
    new = start_sim(version="17.0")
    assert requests.get(f"{new.url}/web/health", timeout=5).json() == {"status": "pass"}
    with_db = requests.get(f"{new.url}/web/health?db_server_status=1", timeout=5)
    assert with_db.json() == {"status": "pass", "db_server_status": True}
    new.set_fault("database_down")
    down = requests.get(f"{new.url}/web/health?db_server_status=1", timeout=5)
    assert down.status_code == 500 and down.json()["status"] == "fail"


def test_login_page_and_not_found(start_sim: SimFactory) -> None:
    sim = start_sim(version="16.0")
    page = requests.get(f"{sim.url}/web/login", timeout=5)
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    assert requests.get(f"{sim.url}/nothing/here", timeout=5).status_code == 404


def test_jsonrpc_services_and_error_object(start_sim: SimFactory) -> None:
    sim = start_sim(version="15.0")
    version = _jsonrpc(f"{sim.url}/jsonrpc", {"service": "common", "method": "version", "args": []})
    assert version["result"]["server_serie"] == "15.0"  # type: ignore[index]
    denied = _jsonrpc(
        f"{sim.url}/jsonrpc",
        {
            "service": "object",
            "method": "execute_kw",
            "args": ["demo", 2, "bad", "res.users", "search", [[]]],
        },
    )
    error = denied["error"]
    assert error["code"] == 200 and error["message"] == "Odoo Server Error"  # type: ignore[index]
    assert error["data"]["name"] == "odoo.exceptions.AccessDenied"  # type: ignore[index]
    assert set(error["data"]) == {"name", "message", "arguments", "context", "debug"}  # type: ignore[index]


def test_web_session_and_call_kw(start_sim: SimFactory) -> None:
    sim = start_sim(version="17.0", users=3)
    info = _jsonrpc(f"{sim.url}/web/webclient/version_info", {})
    assert info["result"]["server_version"] == "17.0"  # type: ignore[index]
    session = requests.Session()
    expired = _jsonrpc(
        f"{sim.url}/web/dataset/call_kw",
        {"model": "res.users", "method": "search_count", "args": [[]], "kwargs": {}},
        session,
    )
    assert expired["error"]["code"] == 100  # type: ignore[index]
    login = _jsonrpc(
        f"{sim.url}/web/session/authenticate", {"db": "demo", "login": "admin", "password": "admin"}, session
    )
    assert login["result"]["uid"] == 2  # type: ignore[index]
    count = _jsonrpc(
        f"{sim.url}/web/dataset/call_kw/res.users/search_count",
        {"model": "res.users", "method": "search_count", "args": [[("share", "=", False)]], "kwargs": {}},
        session,
    )
    assert count["result"] == 3


def test_json2_on_19(start_sim: SimFactory) -> None:
    sim = start_sim(version="19.0", users=5, api_key="secret-key")
    headers = {"Authorization": "bearer secret-key", "X-Odoo-Database": "demo"}
    version = requests.get(f"{sim.url}/web/version", timeout=5).json()
    assert version["version"] == "19.0" and version["version_info"][0] == 19
    count = requests.post(
        f"{sim.url}/json/2/res.users/search_count",
        json={"domain": [["share", "=", False]]},
        headers=headers,
        timeout=5,
    )
    assert count.status_code == 200 and count.json() == 5
    rows = requests.post(
        f"{sim.url}/json/2/res.users/read", json={"ids": [2], "fields": ["login"]}, headers=headers, timeout=5
    )
    assert rows.json() == [{"id": 2, "login": "admin"}]
    rejected = requests.post(
        f"{sim.url}/json/2/res.users/search_count",
        json={"domain": []},
        headers={"Authorization": "bearer wrong"},
        timeout=5,
    )
    assert rejected.status_code == 401
    assert set(rejected.json()) == {"name", "message", "arguments", "context", "debug"}
    unknown = requests.post(f"{sim.url}/json/2/no.model/search", json={}, headers=headers, timeout=5)
    assert unknown.status_code == 404 and unknown.json()["name"] == "odoo.exceptions.UserError"
    old = start_sim(version="18.0", api_key="secret-key")
    assert (
        requests.post(f"{old.url}/json/2/res.users/search", json={}, headers=headers, timeout=5).status_code
        == 404
    )
