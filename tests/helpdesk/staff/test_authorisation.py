"""Every helpdesk route, asked anonymously, with a customer's token and with staff roles."""

from __future__ import annotations

import re

import pytest
import requests
from fastapi.routing import APIRoute

from collector.web.app import create_app
from tests.helpdesk.conftest import Rig
from tests.helpdesk.forms import good_fields, submit

PUBLIC = {"/melding", "/melding/ontvangen", "/staff/login"}


def helpdesk_routes(rig: Rig) -> list[tuple[str, str]]:
    app = create_app(rig.collector, run_background=False)
    out: list[tuple[str, str]] = []
    pending = list(app.routes)
    while pending:
        route = pending.pop()
        inner = getattr(route, "original_router", None)  # FastAPI keeps included routers as a wrapper
        if inner is not None:
            pending.extend(inner.routes)
        elif isinstance(route, APIRoute) and route.path.startswith(("/staff", "/melding", "/api/client")):
            out.extend((method, route.path) for method in sorted((route.methods or set()) - {"HEAD"}))
    return out


def concrete(path: str, number: str) -> str:
    return re.sub(
        r"\{[a-z_]+\}",
        lambda m: number if m.group(0) == "{number}" else ("acme" if "key" in m.group(0) else "1"),
        path,
    )


def test_every_route_is_closed_to_anonymous_and_to_customer_tokens(rig: Rig) -> None:
    number = re.search(r"PS-\d{4}-\d{5}", submit(rig.url, good_fields()).text).group(0)  # type: ignore[union-attr]
    routes = helpdesk_routes(rig)
    assert len(routes) >= 20
    token = {"Authorization": f"Bearer {rig.tokens['globex']}"}
    for method, path in routes:
        url = rig.url + concrete(path, number)
        if path in PUBLIC:
            continue
        anonymous = requests.request(method, url, allow_redirects=False, json={} if method != "GET" else None)
        with_token = requests.request(
            method, url, headers=token, allow_redirects=False, json={"message": "x"}
        )
        if path.startswith("/staff"):
            assert anonymous.status_code == 303 and "/staff/login" in anonymous.headers["location"], (
                method,
                path,
            )
            assert with_token.status_code == 303, (method, path)  # a customer token is no staff session
        else:
            assert anonymous.status_code == 401, (method, path)
            # globex's token on acme's ticket: indistinguishable from a missing one.
            if "{number}" in path:
                assert with_token.status_code == 404, (method, path)


def test_staff_session_is_no_api_token_and_pages_show_no_staff_data_to_customers(rig: Rig) -> None:
    session = rig.staff()
    assert session.get(f"{rig.url}/api/client/v1/tickets").status_code == 401
    number = re.search(r"PS-\d{4}-\d{5}", submit(rig.url, good_fields()).text).group(0)  # type: ignore[union-attr]
    csrf = rig.csrf(session, f"/staff/tickets/{number}")
    session.post(
        f"{rig.url}/staff/tickets/{number}/action",
        data={"csrf": csrf, "action": "note", "body": "SECRET-NOTE"},
    )
    customer_view = rig.api("acme").get(f"{rig.url}/api/client/v1/tickets/{number}").text
    assert (
        "SECRET-NOTE" not in customer_view
        and "proposed_priority" not in customer_view
        and "eva" not in customer_view
    )
    assert "SECRET-NOTE" in session.get(f"{rig.url}/staff/tickets/{number}").text


@pytest.mark.parametrize(
    "path", ["/staff/attachments/1", "/staff/customers/acme", "/staff/tickets/PS-2026-00001"]
)
def test_forged_session_cookie_is_refused(rig: Rig, path: str) -> None:
    forged = requests.get(
        rig.url + path, cookies={"ps_staff": "eyJ1IjoxLCJjIjoieCJ9.forged.sig"}, allow_redirects=False
    )
    assert forged.status_code == 303


def test_actions_need_the_session_csrf_token(rig: Rig) -> None:
    number = re.search(r"PS-\d{4}-\d{5}", submit(rig.url, good_fields()).text).group(0)  # type: ignore[union-attr]
    session = rig.staff()
    answer = session.post(
        f"{rig.url}/staff/tickets/{number}/action", data={"action": "close", "csrf": "nope"}
    )
    assert answer.status_code == 403
    with rig.collector.engine.connect() as conn:
        assert rig.collector.tickets.get(conn, number).state == "new"
