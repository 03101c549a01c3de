"""Every availability check against a real Odoo, with good and bad credentials (items 4, 5, 8)."""

from __future__ import annotations

from pathlib import Path

from agent.exporter import INSTANCE, Metrics
from tests.support.odoo_real import OdooStack
from tests.support.odoo_real_agent import agent_config, checks_of, run_once

AVAILABILITY = (
    "odoo.login_page",
    "odoo.version",
    "odoo.health",
    "odoo.authentication",
    "odoo.read",
    "odoo.database",
    "odoo.latency",
)


def _gauge(report: object, name: str = "prioritysupport_odoo_up") -> float | None:
    metrics = Metrics()
    metrics.observe(report)  # type: ignore[arg-type]
    return metrics.registry.get_sample_value(name, {INSTANCE: "prod"})


def _odoo_up(report: object) -> float:
    value = _gauge(report)
    assert value is not None
    return value


def test_every_check_is_ok_and_the_version_is_detected(up: OdooStack, tmp_path: Path) -> None:
    report = run_once(agent_config(tmp_path, up))
    checks = checks_of(report)
    assert {key: checks[key].status for key in AVAILABILITY} == dict.fromkeys(AVAILABILITY, "ok")
    assert report.instance.odoo_serie == up.series
    assert (report.instance.odoo_version or "").startswith(up.series)
    assert report.instance.protocol == "xmlrpc"
    assert "monitoring" in (checks["odoo.authentication"].detail or "")
    assert _odoo_up(report) == 1


def test_a_wrong_key_fails_authentication_only(up: OdooStack, tmp_path: Path) -> None:
    report = run_once(agent_config(tmp_path, up, instance={"api_key": "0" * 40}))
    checks = checks_of(report)
    assert checks["odoo.authentication"].status == "failing"
    for key in ("odoo.login_page", "odoo.version", "odoo.health"):
        assert checks[key].status == "ok", (key, checks[key])
    # Item 5: no read happened, so there is no read time to judge.
    assert checks["odoo.latency"].status == "unknown", checks["odoo.latency"]
    # Item 8: Odoo serves; only monitoring cannot log in.
    assert _odoo_up(report) == 1
    assert _gauge(report, "prioritysupport_odoo_login_ok") == 0


def test_a_wrong_database_is_named(up: OdooStack, tmp_path: Path) -> None:
    report = run_once(agent_config(tmp_path, up, instance={"database": "no_such_db"}))
    checks = checks_of(report)
    assert checks["odoo.login_page"].status == "ok"
    assert checks["odoo.authentication"].status == "failing"
    assert "no_such_db" in (checks["odoo.authentication"].detail or "")
    assert checks["odoo.latency"].status == "unknown", checks["odoo.latency"]


def test_json2_before_19_is_a_configuration_error_not_an_outage(up: OdooStack, tmp_path: Path) -> None:
    report = run_once(agent_config(tmp_path, up, instance={"protocol": "json2"}))
    checks = checks_of(report)
    # Item 4: Odoo answers; the detail says JSON-2 needs Odoo 19.
    assert checks["odoo.login_page"].status == "ok"
    assert checks["odoo.version"].status == "ok", checks["odoo.version"]
    details = " ".join(check.detail or "" for check in report.checks)
    assert "json2" in details.lower().replace("-", "") and "19" in details, details
    assert "did not answer" not in details
