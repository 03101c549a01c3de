"""Ticket subjects from monitoring read as what happened, with the check key kept for staff."""

from __future__ import annotations

import pytest

from collector.monitoring.condition_titles import condition_title


@pytest.mark.parametrize(
    ("key", "title"),
    [
        ("odoo.availability", "Odoo unreachable (odoo.availability)"),
        ("odoo.latency", "Odoo responding slowly (odoo.latency)"),
        ("integration:webshop", "integration webshop failing (integration:webshop)"),
        ("host.disk:/var", "disk /var filling up (host.disk:/var)"),
        ("odoo.login", "odoo.login failing"),
        ("custom:thing", "custom:thing failing"),
    ],
)
def test_condition_title(key: str, title: str) -> None:
    assert condition_title(key) == title
