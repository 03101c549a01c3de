"""The helpdesk on a real PostgreSQL: the tables, a ticket by API, a staff reply, a mail reply."""

from __future__ import annotations

import threading

from sqlalchemy import inspect

from collector.helpdesk.mail.intake import handle_message
from tests.collector.conftest import fresh_postgres_database
from tests.helpdesk.conftest import running_rig


def test_intake_reply_and_mail_on_postgres(postgres_url: str) -> None:
    with running_rig(fresh_postgres_database(postgres_url)) as rig:
        assert "helpdesk_staff" in inspect(rig.collector.engine).get_table_names()
        created = rig.api("acme").post(
            f"{rig.url}/api/client/v1/tickets",
            json={"subject": "Traag", "category": "incident", "impact": "medium", "scope": "one-user",
                  "reporter": "jan@acme.example"},
        )  # fmt: skip
        assert created.status_code == 201, created.text
        number = created.json()["number"]
        assert number in rig.deliver(1)[0].subject
        session = rig.staff()
        csrf = rig.csrf(session, f"/staff/tickets/{number}")
        session.post(
            f"{rig.url}/staff/tickets/{number}/action",
            data={"csrf": csrf, "action": "wait", "body": "Welke browser?"},
        )
        assert "Welke browser?" in rig.deliver(2)[-1].text
        raw = f"From: jan@acme.example\r\nSubject: Re: {number}\r\n\r\nFirefox\r\n".encode()
        assert handle_message(rig.collector, raw, "jan@acme.example").action == "reply"
        state = rig.api("acme").get(f"{rig.url}/api/client/v1/tickets/{number}").json()["state"]
        assert state == "in_progress"


def test_replicas_starting_together_share_one_signing_secret(postgres_url: str) -> None:
    """Every replica creates the secret if none exists; on PostgreSQL they race, and all must agree."""
    from concurrent.futures import ThreadPoolExecutor

    from collector.helpdesk.signing import load_or_create_secret
    from collector.storage.database import make_engine, migrate

    engine = make_engine(fresh_postgres_database(postgres_url))
    migrate(engine)
    start = threading.Barrier(8)

    def one_replica(_: int) -> str:
        start.wait()
        return load_or_create_secret(engine)

    with ThreadPoolExecutor(8) as pool:
        values = set(pool.map(one_replica, range(8)))
    engine.dispose()
    assert len(values) == 1
