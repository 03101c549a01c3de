"""The guard on the collector's management API (on by default): staff session or staff token, by role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from collector.helpdesk.staff.tokens import create_staff_token
from tests.helpdesk.conftest import Rig, running_rig

WINDOW = {
    "customer": "acme",
    "starts_at": "2026-11-28T22:00:00+01:00",
    "ends_at": "2026-11-29T02:00:00+01:00",
}


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[Rig]:
    with running_rig(f"sqlite:///{tmp_path / 'guarded.db'}", protect_management_api=True) as rig:
        yield rig


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_management_api_needs_staff_and_roles(guarded: Rig) -> None:
    rig = guarded
    with rig.collector.engine.begin() as conn:
        eva = create_staff_token(conn, "eva", rig.clock.now())
        max_ = create_staff_token(conn, "max", rig.clock.now())
    tickets = f"{rig.url}/api/v1/tickets"
    assert requests.get(tickets).status_code == 401
    assert requests.get(tickets, headers=bearer(rig.tokens["acme"])).status_code == 401  # a customer token
    assert (
        requests.get(f"{rig.url}/api/v1/customers/globex", headers=bearer(rig.tokens["acme"])).status_code
        == 401
    )
    assert requests.get(tickets, headers=bearer(eva)).status_code == 200
    assert requests.post(f"{rig.url}/api/v1/maintenance", json=WINDOW, headers=bearer(eva)).status_code == 403
    assert (
        requests.post(f"{rig.url}/api/v1/maintenance", json=WINDOW, headers=bearer(max_)).status_code == 201
    )
    assert requests.put(f"{rig.url}/api/v1/contracts", json={}, headers=bearer(max_)).status_code == 403
    # Agents and health checks are not affected.
    assert requests.get(f"{rig.url}/healthz").status_code == 200
    assert "staff" not in requests.post(f"{rig.url}/api/v1/reports", json={}).text


def test_cookie_sessions_need_the_csrf_header_to_change_things(guarded: Rig) -> None:
    rig = guarded
    session = rig.staff("max")
    assert session.get(f"{rig.url}/api/v1/tickets").status_code == 200
    assert session.post(f"{rig.url}/api/v1/maintenance", json=WINDOW).status_code == 401
    csrf = rig.csrf(session)
    assert (
        session.post(f"{rig.url}/api/v1/maintenance", json=WINDOW, headers={"X-CSRF-Token": csrf}).status_code
        == 201
    )


def test_the_guard_is_on_unless_switched_off() -> None:
    from collector.helpdesk.settings import HelpdeskSettings

    assert HelpdeskSettings().protect_management_api is True
    assert HelpdeskSettings.from_env({}).protect_management_api is True
    off = {"PRIORITYSUPPORT_HELPDESK_PROTECT_MANAGEMENT_API": "false"}
    assert HelpdeskSettings.from_env(off).protect_management_api is False
