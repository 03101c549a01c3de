"""The odoorpc library works against the simulator unchanged."""

from __future__ import annotations

import odoorpc
import pytest

from tests.sim.conftest import SimFactory


@pytest.mark.parametrize("series", ["14.0", "18.0"])
def test_odoorpc_session(start_sim: SimFactory, series: str) -> None:
    sim = start_sim(version=series, users=4, portal_users=1)
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port, timeout=5)
    assert odoo.version == series
    assert odoo.db.list() == ["demo"]
    odoo.login("demo", "admin", "admin")
    assert odoo.env.user.name == "Administrator"
    users = odoo.env["res.users"]
    assert users.search_count([("share", "=", False)]) == 4
    rows = users.search_read([("share", "=", True)], ["login"])
    assert len(rows) == 1 and rows[0]["login"].startswith("portal")
    assert users.read([2], ["login"]) == [{"id": 2, "login": "admin"}]
    assert odoo.execute("res.users", "search_count", [("share", "=", False)]) == 4


def test_odoorpc_rejects_bad_login(start_sim: SimFactory) -> None:
    sim = start_sim(version="17.0")
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port, timeout=5)
    with pytest.raises(odoorpc.error.RPCError):
        odoo.login("demo", "admin", "wrong")
    with pytest.raises(odoorpc.error.RPCError) as wrong_db:
        odoo.login("nope", "admin", "admin")
    assert "does not exist" in str(wrong_db.value.info)
