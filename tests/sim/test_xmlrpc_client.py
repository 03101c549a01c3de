"""The standard library's xmlrpc.client works against every simulated version, faults included."""

from __future__ import annotations

import xmlrpc.client

import pytest

from demo.sim import SUPPORTED_SERIES
from tests.sim.conftest import SimFactory, proxy


@pytest.mark.parametrize("series", SUPPORTED_SERIES)
def test_version_login_and_reads(start_sim: SimFactory, series: str) -> None:
    sim = start_sim(version=series, users=6, portal_users=3)
    common = proxy(f"{sim.url}/xmlrpc/2/common")
    info = common.version()
    assert info["server_version"] == series
    assert info["server_version_info"][0] == int(series.split(".")[0])
    assert info["protocol_version"] == 1
    uid = common.authenticate("demo", "admin", "admin", {})
    assert uid == 2
    assert common.login("demo", "admin", "admin") == 2

    models = proxy(f"{sim.url}/xmlrpc/2/object")
    assert (
        models.execute_kw("demo", uid, "admin", "res.users", "search_count", [[("share", "=", False)]]) == 6
    )
    assert models.execute_kw("demo", uid, "admin", "res.users", "search_count", [[("share", "=", True)]]) == 3
    # Odoo's inactive technical users appear only when the domain asks for archived records
    everyone = [("active", "in", [True, False])]
    logins = {
        row["login"]
        for row in models.execute_kw(
            "demo", uid, "admin", "res.users", "search_read", [everyone], {"fields": ["login"]}
        )
    }
    assert {"__system__", "default", "public", "admin"} <= logins
    rows = models.execute_kw(
        "demo", uid, "admin", "res.users", "read", [[uid]], {"fields": ["login", "share"]}
    )
    assert rows == [{"id": 2, "login": "admin", "share": False}]
    limited = models.execute_kw(
        "demo", uid, "admin", "res.users", "search", [[]], {"limit": 2, "order": "id desc"}
    )
    assert len(limited) == 2 and limited[0] > limited[1]
    assert proxy(f"{sim.url}/xmlrpc/2/db").list() == ["demo"]


def test_api_key_works_like_a_password(start_sim: SimFactory) -> None:
    sim = start_sim(version="17.0", api_key="k3y")
    common = proxy(f"{sim.url}/xmlrpc/2/common")
    assert common.authenticate("demo", "admin", "k3y", {}) == 2
    assert common.authenticate("demo", "admin", "wrong", {}) is False


def test_faults_carry_odoo_codes(start_sim: SimFactory) -> None:
    sim = start_sim(version="16.0")
    models = proxy(f"{sim.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as denied:
        models.execute_kw("demo", 2, "wrong", "res.users", "search", [[]])
    assert denied.value.faultCode == 3 and denied.value.faultString == "Access Denied"
    with pytest.raises(xmlrpc.client.Fault) as unknown_model:
        models.execute_kw("demo", 2, "admin", "no.such.model", "search", [[]])
    assert unknown_model.value.faultCode == 2 and "doesn't exist" in unknown_model.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as wrong_db:
        proxy(f"{sim.url}/xmlrpc/2/common").authenticate("nope", "admin", "admin", {})
    assert wrong_db.value.faultCode == 1
    assert 'database "nope" does not exist' in wrong_db.value.faultString
    assert wrong_db.value.faultString.startswith("Traceback")
    with pytest.raises(xmlrpc.client.Fault) as bad_field:
        models.execute_kw("demo", 2, "admin", "res.users", "search_read", [[]], {"fields": ["nope"]})
    assert bad_field.value.faultCode == 1 and "Invalid field" in bad_field.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as private:
        models.execute_kw("demo", 2, "admin", "res.users", "_private", [[]])
    assert private.value.faultCode == 4


def test_cron_failure_count_exists_from_18(start_sim: SimFactory) -> None:
    for series, present in (("17.0", False), ("18.0", True)):
        sim = start_sim(version=series)
        models = proxy(f"{sim.url}/xmlrpc/2/object")
        fields = models.execute_kw("demo", 2, "admin", "ir.cron", "fields_get", [])
        assert ("failure_count" in fields) is present
