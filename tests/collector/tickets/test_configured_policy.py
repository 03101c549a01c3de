"""A deployment's catalogue ([policy] catalogue) is the one the running collector decides by: a new ticket's
deadlines through the management API and on its staff page follow it; a bad file stops the start clearly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from collector.config import CollectorConfig, ConfigError, load_config
from collector.service import Collector, build_collector
from collector.storage.after_commit import transaction
from collector.web.app import create_app
from prioritysupport.clock import FixedClock
from tests.collector.conftest import FRIDAY_NOON, prepared_engine, staff_headers

# Shipped: a priority B response within 4 hours (standard customers). This deployment promises 3.
OVERRIDE = '[sla.targets.B]\nresponse = "3 hours"\n'
PASSWORD = "a long test password"  # the admin that staff_headers creates


def write_config(folder: Path, catalogue_text: str | None, catalogue_name: str = "catalogue.toml") -> Path:
    if catalogue_text is not None:
        (folder / catalogue_name).write_text(catalogue_text, encoding="utf-8")
    config = folder / "collector.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///collector.db"\n\n[policy]\ncatalogue = "{catalogue_name}"\n',
        encoding="utf-8",
    )
    return config


def running(config: CollectorConfig) -> Collector:
    return build_collector(
        config,
        clock=FixedClock(FRIDAY_NOON),
        engine=prepared_engine(config.database_url),
        probe=lambda *_: False,
    )


@pytest.fixture
def configured(tmp_path: Path) -> Iterator[Collector]:
    collector = running(load_config(write_config(tmp_path, OVERRIDE)))
    yield collector
    collector.engine.dispose()


def text(html: str) -> str:
    import html as entities

    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_new_ticket_gets_the_configured_deadline_in_the_api_and_on_its_staff_page(
    configured: Collector,
) -> None:
    # https: the staff session cookie is Secure by default.
    with TestClient(create_app(configured, run_background=False), base_url="https://testserver") as client:
        created = client.post(
            "/api/v1/tickets",
            headers=staff_headers(configured),
            json={
                "customer": "globex",
                "subject": "Invoices do not post",
                "category": "incident",
                "impact": "medium",
                "scope": "organisation",
                "source": "phone",
                "actor": "test-admin",
            },
        )
        assert created.status_code == 201, created.text
        ticket = created.json()
        # Friday 27 November 12:00 Amsterdam + 3 business hours = 15:00 (the shipped 4 hours: 16:00).
        assert ticket["priority"] == "B" and ticket["premium"] is False
        assert datetime.fromisoformat(ticket["response_due"]) == datetime.fromisoformat(
            "2026-11-27T14:00:00+00:00"
        )

        signed_in = client.post(
            "/staff/login", data={"username": "test-admin", "password": PASSWORD}, follow_redirects=False
        )
        assert signed_in.status_code == 303, signed_in.text
        page = client.get(f"/staff/tickets/{ticket['number']}?lang=en")
    assert page.status_code == 200
    shown = text(page.text)
    assert "Fri 27 Nov 15:00" in shown and "Fri 27 Nov 16:00" not in shown


def test_every_part_of_the_collector_holds_the_same_policy(configured: Collector) -> None:
    policy = configured.policy
    assert policy.source.endswith("catalogue.toml") and policy.sla.plan is not None
    assert configured.tickets.policy is policy and configured.tickets.opening.policy is policy
    assert configured.limits.catalogue is policy.catalogue
    saturday = datetime.fromisoformat("2026-11-28T12:00:00+01:00")  # held notices wait for Monday 09:00
    assert configured.router.not_before("support", saturday) == policy.sla.support.next_open(saturday)


def test_a_monitoring_ticket_opens_with_the_configured_targets(configured: Collector) -> None:
    from collector.tickets.opening import TicketRequest

    with transaction(configured.engine) as conn:
        opened = configured.tickets.open(
            conn,
            TicketRequest(
                customer_id=_customer_id(configured, "globex"),
                subject="slow",
                category="incident",
                impact="high",
                scope="one-user",
                source="monitoring",
            ),
        )
        row = configured.tickets.get(conn, opened.number)
    assert row.response_due.replace(tzinfo=None) == datetime(2026, 11, 27, 14, 0)


def _customer_id(collector: Collector, key: str) -> int:
    from sqlalchemy import select

    from collector.storage import tables as t

    with collector.engine.connect() as conn:
        return int(conn.execute(select(t.customers.c.id).where(t.customers.c.key == key)).scalar_one())


@pytest.mark.parametrize(
    ("catalogue_text", "name", "expected"),
    [
        (None, "missing.toml", r"policy\.catalogue: catalogue file .*missing\.toml does not exist"),
        (
            "[sla.targets.B\n",
            "broken.toml",
            r"policy\.catalogue: catalogue file .*broken\.toml is not valid TOML",
        ),
        ('[sla.targets.B]\nresponse = "soon"\n', "odd.toml", r"odd\.toml.*sla\.targets\.B\.response"),
    ],
)
def test_a_bad_catalogue_stops_the_start_naming_the_file_and_the_problem(
    tmp_path: Path, catalogue_text: str | None, name: str, expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_config(write_config(tmp_path, catalogue_text, name))


def test_without_a_policy_section_the_shipped_catalogue_applies() -> None:
    config = load_config(None)
    assert config.policy.catalogue is None
