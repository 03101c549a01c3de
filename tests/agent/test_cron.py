"""The odoo_cron check on Odoo 14 to 19: fields per version, names as Odoo shows them, real failures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from agent.checks.cron import CronFields
from agent.checks.integrations import IntegrationContext, check_odoo_cron
from agent.config import Integration
from agent.odoo import Credentials, OdooClient, RemoteError, connect
from agent.odoo.transport import HttpTransport, TransportSettings
from agent.report import CheckResult
from demo.sim import OdooSimulator
from tests.agent.conftest import SimFactory

SERIES = ["14.0", "15.0", "16.0", "17.0", "18.0", "19.0"]
CRON = "Webshop: import orders"
KEY = "cron-key-123"


def _integration(*names: str) -> Integration:
    options = {"crons": list(names), "overdue_minutes": 30}
    return Integration("crons", "odoo_cron", "low", "multiple-users", 60, options)


def _client(sim: OdooSimulator, json2: bool = False) -> OdooClient:
    secret = KEY if json2 else "admin"
    credentials = Credentials(sim.db, "admin", secret, json2)
    transport = HttpTransport(TransportSettings(timeout=5.0, retries=0))
    return connect(sim.url, credentials, transport, "json2" if json2 else "xmlrpc")


def _check(client: OdooClient, major: int | None, *names: str) -> CheckResult:
    context = IntegrationContext(client, major, requests.Session(), True)
    return check_odoo_cron(_integration(*names), context)


def _edit_cron(sim: OdooSimulator, cron_name: str, **values: Any) -> None:
    with sim.data.lock:
        for cron in sim.data.tables["ir.cron"]:
            if cron["cron_name"] == cron_name:
                cron.update(values)


def _stamp(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize("series", SERIES)
def test_each_version_healthy_failing_and_back(start_sim: SimFactory, series: str) -> None:
    sim = start_sim(version=series, api_key=KEY)
    major = int(series.split(".")[0])
    client = _client(sim, json2=major >= 19)
    assert _check(client, major, CRON, "Bank: fetch statements").status == "ok"
    sim.fail_cron(CRON)
    failing = _check(client, major, CRON)
    assert failing.status == "failing"
    expected = "failed 3 time(s) in a row" if major >= 18 else "min overdue, last run"
    assert expected in (failing.detail or ""), failing.detail
    sim.fail_cron(CRON, failing=False)
    assert _check(client, major, CRON).status == "ok"


@pytest.mark.parametrize("series", ["18.0", "19.0"])
def test_failures_count_even_when_the_version_is_not_known(start_sim: SimFactory, series: str) -> None:
    # 18+ reschedules a failed cron: only failure_count shows it, whatever the agent believes the version is.
    sim = start_sim(version=series)
    _edit_cron(sim, CRON, failure_count=2, nextcall=_stamp(timedelta(minutes=10)))
    result = _check(_client(sim), None, CRON)
    assert result.status == "failing" and "failed 2 time(s)" in (result.detail or "")


@pytest.mark.parametrize("series", ["15.0", "17.0", "18.0"])
def test_the_name_people_see_matches_too(start_sim: SimFactory, series: str) -> None:
    # From 16 `name` reads in the user's language while cron_name stays English; a renamed action too.
    sim = start_sim(version=series)
    _edit_cron(sim, CRON, name="Webshop: bestellingen importeren")
    client = _client(sim)
    assert _check(client, None, "Webshop: bestellingen importeren").status == "ok"
    assert _check(client, None, CRON).status == "ok"
    missing = _check(client, None, "Webshop: nothing")
    assert missing.status == "failing" and "'Webshop: nothing' not found" in (missing.detail or "")


def test_finished_calls_on_17_say_so(start_sim: SimFactory) -> None:
    sim = start_sim(version="17.0")
    _edit_cron(sim, CRON, numbercall=0, active=False)
    result = _check(_client(sim), 17, CRON)
    assert result.status == "failing" and "numbercall 0" in (result.detail or "")


def test_a_cron_far_overdue_on_14(start_sim: SimFactory) -> None:
    sim = start_sim(version="14.0")
    _edit_cron(sim, CRON, nextcall=_stamp(-timedelta(hours=2)), lastcall=_stamp(-timedelta(hours=3)))
    result = _check(_client(sim), 14, CRON)
    assert result.status == "failing"
    assert result.detail == "'Webshop: import orders' is 120 min overdue, last run 180 min ago"


class _StubClient(OdooClient):
    """A server whose ir.cron has only `name` (no cron_name), or that refuses fields_get."""

    protocol = "xmlrpc"

    def __init__(self, fields: dict[str, Any] | None, rows: list[dict[str, Any]]) -> None:
        super().__init__("http://stub", Credentials("db", "u", "s", False))
        self.fields = fields
        self.rows = rows
        self.calls: list[tuple[str, Sequence[Any], dict[str, Any]]] = []

    def version(self) -> dict[str, Any]:
        return {}

    def authenticate(self) -> int:
        return 2

    def call(
        self, model: str, method: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        self.calls.append((method, args, kwargs or {}))
        if method == "fields_get":
            if self.fields is None:
                raise RemoteError("access denied", name="access")
            return self.fields
        requested = set((kwargs or {}).get("fields") or [])
        known = self.fields or dict.fromkeys(
            ("cron_name", "name", "active", "nextcall", "lastcall", "numbercall")
        )
        unknown = requested - set(known)
        if unknown:
            raise RemoteError(f"Invalid field {sorted(unknown)[0]!r} on model 'ir.cron'")
        return self.rows


def test_a_server_without_cron_name_is_read_by_name() -> None:
    fields = {name: {"type": "char"} for name in ("name", "active", "nextcall", "lastcall")}
    row = {"id": 1, "name": CRON, "active": True, "nextcall": _stamp(timedelta(hours=1))}
    client = _StubClient(fields, [row])
    result = _check(client, 19, CRON)
    assert result.status == "ok", result.detail
    read = next(call for call in client.calls if call[0] == "search_read")
    assert "cron_name" not in read[2]["fields"] and ("name", "in", [CRON]) in read[1][0]


def test_refused_fields_get_goes_by_the_version() -> None:
    assert CronFields.for_major(17) == CronFields(("cron_name", "name"), failure_count=False, numbercall=True)
    assert CronFields.for_major(18).failure_count and not CronFields.for_major(18).numbercall
    assert CronFields.for_major(None) == CronFields(("cron_name", "name"), False, False)
    row = {"id": 1, "cron_name": CRON, "name": CRON, "active": True, "nextcall": _stamp(timedelta(hours=1))}
    assert _check(_StubClient(None, [row]), 16, CRON).status == "ok"


def test_the_domain_matches_either_name_field() -> None:
    domain = CronFields(("cron_name", "name"), False, False).domain(["a"])
    assert domain == [("active", "in", [True, False]), "|", ("cron_name", "in", ["a"]), ("name", "in", ["a"])]
