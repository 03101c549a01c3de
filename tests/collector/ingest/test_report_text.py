"""Lone surrogates in a report: refused naming the field, whether or not the raw JSON text is given."""

from __future__ import annotations

import json

import pytest

from collector.ingest.report_schema import ReportInvalid, validate_report
from tests.collector.conftest import report

CHECKS = [
    {"key": "odoo.login", "kind": "login_page", "status": "ok", "checked_at": "2026-11-27T11:00:00+00:00"},
    {"key": "odoo.health", "kind": "health", "status": "ok", "checked_at": "2026-11-27T11:00:00+00:00"},
]


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDFFF", "\\udbff"])
def test_a_lone_surrogate_escape_is_refused_with_its_field(escape: str) -> None:
    text = json.dumps(report(checks=CHECKS)).replace('"odoo.health"', f'"odoo.health{escape}"', 1)
    assert escape in text
    for given in (text, None):
        with pytest.raises(ReportInvalid) as caught:
            validate_report(json.loads(text), given)
        assert caught.value.field == "checks/1/key"


def test_escapes_of_ordinary_characters_pass() -> None:
    text = json.dumps(report(checks=CHECKS)).replace('"odoo.health"', '"odoo.h\\u00e9alth \\ud83d\\ude00"', 1)
    validate_report(json.loads(text), text)  # a proper surrogate pair is one character


def test_instants_shared_by_checks_are_each_still_bounded() -> None:
    document = report(checks=[dict(check) for check in CHECKS])
    document["checks"][1]["checked_at"] = "1999-12-31T23:00:00+00:00"
    with pytest.raises(ReportInvalid) as caught:
        validate_report(document, json.dumps(document))
    assert caught.value.field == "checks/1/checked_at"


def test_a_skewed_agent_clock_is_logged_once_an_hour_per_instance(caplog: pytest.LogCaptureFixture) -> None:
    """An agent whose clock is off is off on every report: one warning per instance, not one a minute."""
    import itertools
    import logging
    from datetime import UTC, datetime

    from collector.ingest.pipeline import IncomingReport

    received = datetime(2026, 11, 30, 9, tzinfo=UTC)
    numbers = itertools.count()
    first, second = 900_000_001, 900_000_002  # ids no other test's instance has (the throttle is per process)

    def skewed(instance_id: int) -> IncomingReport:
        document = {"sent_at": "2026-12-08T01:00:00+00:00"}  # a week ahead of the collector
        return IncomingReport(f"r{next(numbers)}", 1, instance_id, received, document, "{}")

    with caplog.at_level(logging.WARNING, logger="prioritysupport.collector.ingest"):
        for _ in range(5):
            assert skewed(first).observed(None).at == received  # still dated on arrival every time
        skewed(second).observed(None)
    warnings = [r.getMessage() for r in caplog.records if "clock skew" in r.getMessage()]
    assert len(warnings) == 2 and "r0" in warnings[0] and "r5" in warnings[1]
