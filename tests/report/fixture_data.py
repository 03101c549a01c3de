"""A hand-built October 2026 for the evaluation report, with every expected figure worked out by hand.

Times are written in local time (Europe/Amsterdam; CEST +02:00 until Sunday 25 October 03:00, CET +01:00
after). The support calendar is Monday to Friday 09:00-17:00; 1 October 2026 is a Thursday; October has no
Dutch public holiday. The period runs from 2026-09-30 22:00 UTC to 2026-10-31 23:00 UTC: 745 hours.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert

from collector.storage import raw_bodies
from collector.storage import tables as t
from collector.storage.usage import record_usage

AMS = ZoneInfo("Europe/Amsterdam")
GENERATED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=AMS)  # ticket outcomes are judged at this instant


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# Each ticket: the registration, the deadlines the collector stored (checked against the policy in
# test_fixture_deadlines_follow_the_policy), and what happened.
# fmt: off
TICKETS: list[dict[str, Any]] = [
    # A incident, standard customer: response due 2 support hours later (12:00), resolution 1 working day
    # (Friday 10:00). Responded after 1 h, resolved after 6 h: both met.
    dict(
        number="PS-2026-00001", category="incident", priority="A", subject="Login fails for everyone",
        registered_at=local(2026, 10, 1, 10), response_due=local(2026, 10, 1, 12),
        resolution_due=local(2026, 10, 2, 10), first_response_at=local(2026, 10, 1, 11),
        resolved_at=local(2026, 10, 1, 16), closed_at=local(2026, 10, 2, 9), state="closed",
    ),
    # B incident, Friday 16:00: response 4 h = Fri 16-17 + Mon 09-12 -> due Mon 5 Oct 12:00; answered 13:00:
    # breached by 1 h (business 5 h, wall 69 h). Waiting for the customer Mon 14:00 - Tue 10:00 (4 business
    # hours paused): resolution 16 h lands on Wed 12:00; resolved Wed 11:00, met. Business 1+8+8+2-4 = 15 h,
    # wall 115 h.
    dict(
        number="PS-2026-00002", category="incident", priority="B", subject="Invoices print blank",
        registered_at=local(2026, 10, 2, 16), response_due=local(2026, 10, 5, 12),
        resolution_due=local(2026, 10, 7, 12), first_response_at=local(2026, 10, 5, 13),
        resolved_at=local(2026, 10, 7, 11), state="resolved",
        pauses=[(local(2026, 10, 5, 14), local(2026, 10, 6, 10))],
    ),
    # Question (D): response 5 working days -> Mon 19 Oct 09:30; answered Tue 09:30 (8 h business, 24 h
    # wall). Resolution by agreement, no date: not judged. Resolved Thu 15 Oct 12:00: 7.5+8+8+3 = 26.5 h
    # business, 74.5 h wall.
    dict(
        number="PS-2026-00003", category="question", priority="D", subject="How do I export a price list?",
        registered_at=local(2026, 10, 12, 9, 30), response_due=local(2026, 10, 19, 9, 30),
        resolution_due=None, first_response_at=local(2026, 10, 13, 9, 30),
        resolved_at=local(2026, 10, 15, 12), state="resolved",
    ),
    # Change request (D), Friday 23 Oct 15:00 CEST: 40 h = 2 + 4x8 + 6 -> due Fri 30 Oct 15:00 CET. Never
    # answered: breached, 2 d 18 h late at generation (Mon 2 Nov 09:00 CET). Open at the period's end, aged
    # 8 d 10 h there (the night of 25 October has 25 hours).
    dict(
        number="PS-2026-00004", category="change", priority="D", subject="Add a field to the sales order",
        registered_at=local(2026, 10, 23, 15), response_due=local(2026, 10, 30, 15),
        resolution_due=None, state="assessed",
    ),
    # C incident, Wed 28 Oct 10:00: response 2 working days -> Fri 30 Oct 10:00; answered after 30 min.
    # Resolution by agreement, agreed for 10 Nov 17:00: pending at generation. Open at the end, aged 3 d 14 h.
    dict(
        number="PS-2026-00005", category="incident", priority="C", subject="Webshop orders arrive late",
        registered_at=local(2026, 10, 28, 10), response_due=local(2026, 10, 30, 10),
        resolution_due=None, agreed_resolution_at=local(2026, 11, 10, 17),
        first_response_at=local(2026, 10, 28, 10, 30), state="in_progress",
    ),
    # September ticket still open at the end of October: only in the backlog, aged 33 d 15 h.
    dict(
        number="PS-2026-00000", category="incident", priority="C", subject="Stock report is slow",
        registered_at=local(2026, 9, 28, 10), response_due=local(2026, 9, 30, 10), resolution_due=None,
        first_response_at=local(2026, 9, 28, 11), state="in_progress",
    ),
    # September ticket (registered on a Sunday) resolved in September: in no figure of October.
    dict(
        number="PS-2026-09999", category="question", priority="D", subject="Old question",
        registered_at=local(2026, 9, 20, 10), response_due=local(2026, 9, 25, 17), resolution_due=None,
        first_response_at=local(2026, 9, 21, 10), resolved_at=local(2026, 9, 25, 10), state="closed",
        closed_at=local(2026, 9, 26, 10),
    ),
]

# A premium customer's A incident on Saturday 10 Oct 22:30: premium response 1 h in the premium calendar
# (06:00-23:00 every day) -> Sun 06:30; answered 22:50 (20 min). Resolution 1 working day runs in the support
# calendar from Mon 09:00 -> Mon 17:00; resolved Sun 12:00, so 0 business hours and 13.5 h wall.
PREMIUM_TICKET: dict[str, Any] = dict(
    number="PS-2026-00010", category="incident", priority="A", subject="Server down", premium=True,
    registered_at=local(2026, 10, 10, 22, 30), response_due=local(2026, 10, 11, 6, 30),
    resolution_due=local(2026, 10, 12, 17), first_response_at=local(2026, 10, 10, 22, 50),
    resolved_at=local(2026, 10, 11, 12), state="resolved",
)

# Conditions of acme/prod and their flips (UTC). Login and health overlap on 5 Oct (10:00-11:30, one outage
# of 1.5 h); health also failed from before the period until 1 Oct 00:00 UTC (2 h inside it): 3.5 h down in
# 2 outages -> 1 - 3.5/745. The cron condition is not availability. The webshop integration failed 6 h on
# 20 Oct and from 31 Oct 20:00 UTC to the end (3 h): 9 h in 2 outages -> 1 - 9/745. acme/test was
# unreachable from outside for 2 h: 1 - 2/745.
CONDITIONS: list[dict[str, Any]] = [
    dict(check_key="odoo.login", kind="login_page", integration=None,
         flips=[(utc(10, 5, 10), "ok", "failing"), (utc(10, 5, 11), "failing", "recovered")]),
    dict(check_key="odoo.health", kind="health", integration=None,
         flips=[(utc(9, 30, 21), "ok", "failing"), (utc(10, 1, 0), "failing", "recovered"),
                (utc(10, 5, 10, 30), "recovered", "failing"), (utc(10, 5, 11, 30), "failing", "recovered")]),
    dict(check_key="odoo.cron.invoicing", kind="odoo_cron", integration=None,
         flips=[(utc(10, 7, 3), "ok", "failing")]),
    dict(check_key="integration:webshop", kind="http", integration="webshop",
         flips=[(utc(10, 20, 8), "ok", "failing"), (utc(10, 20, 14), "failing", "recovered"),
                (utc(10, 31, 20), "recovered", "failing")]),
    # The test instance's agent fell silent and the collector's own probe failed for 2 h on 10 Oct.
    dict(check_key="collector.probe", kind="unreachable", integration=None, instance="test",
         flips=[(utc(10, 10, 6), "ok", "failing"), (utc(10, 10, 8), "failing", "recovered")]),
]

# Planned maintenance on acme/prod, 5 Oct 10:45-11:15 UTC, inside the login/health outage: those 30 min
# leave the measured time (745 -> 744.5 h for prod and its webshop integration) and the downtime (3.5 -> 3 h).
MAINTENANCE = [("prod", utc(10, 5, 10, 45), utc(10, 5, 11, 15))]

# Counts in agent reports (UTC): (instance, received, users, lines, modules). Per local day the highest
# count over the instances, each held against the limit on its own (as the collector's limit watch does).
# Small (25 users, 2,500 lines) until 14 Oct; medium (75, 15,000) from 15 Oct, leaving out OCA modules.
# 1 Oct: 22 users, 2,000 lines. 14 Oct: 26 users (over small). 16 Oct: prod 30 / 16,000 beats test
# 5 / 100 (lines over medium). 31 Oct 22:30 UTC is 23:30 local on the 31st: 30 users, 14,000 lines of
# which 1,000 by the OCA: 13,000 count.
OCA_MODULES = (
    {"name": "acme_sale", "code": 13000, "author": "Acme"},
    {"name": "sale_workflow", "code": 1000, "author": "Camptocamp, Odoo Community Association (OCA), OCA"},
)
SAMPLES: list[tuple[str, datetime, int | None, int | None, tuple[dict[str, Any], ...]]] = [
    ("prod", utc(10, 1, 10), 20, 2000, ()),
    ("prod", utc(10, 1, 18), 22, None, ()),
    ("prod", utc(10, 14, 9), 26, 2400, ()),
    ("prod", utc(10, 16, 9), 30, 16000, ()),
    ("test", utc(10, 16, 10), 5, 100, ()),
    ("prod", utc(10, 31, 22, 30), 30, 14000, OCA_MODULES),
    ("prod", utc(11, 1, 9), 99, 99999, ()),  # after the period: ignored
]
# fmt: on


def _report_body(
    instance: str,
    users: int | None,
    lines: int | None,
    sequence: int,
    modules: tuple[dict[str, Any], ...] = (),
) -> str:
    counts: dict[str, Any] | None = None
    if users is not None or lines is not None:
        counts = {"counted_at": "2026-10-01T00:00:00+00:00", "internal_users": users, "custom_lines": lines}
        if modules:
            counts["modules"] = list(modules)
    return json.dumps(
        {"schema_version": 1, "instance": {"name": instance}, "counts": counts, "seq": sequence}
    )


def _new_id(conn: Connection, statement: Any) -> int:
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def _add_contracts(conn: Connection, acme: int, bakker: int) -> None:
    """acme moves from small to medium on 15 October (and leaves OCA's modules out); bakker is premium."""
    conn.execute(
        insert(t.contracts),
        [
            dict(
                customer_id=acme,
                effective_from=date(2026, 1, 1),
                package="small",
                premium=False,
                migration=False,
                integrations=["webshop"],
                notify_customer_incidents=True,
                excluded_authors=[],
            ),
            dict(
                customer_id=acme,
                effective_from=date(2026, 10, 15),
                package="medium",
                premium=False,
                migration=False,
                integrations=["webshop"],
                notify_customer_incidents=True,
                excluded_authors=["OCA"],
            ),
            dict(
                customer_id=bakker,
                effective_from=date(2026, 3, 1),
                package="large",
                premium=True,
                migration=False,
                integrations=[],
                notify_customer_incidents=True,
                excluded_authors=[],
            ),
        ],
    )


def _add_tickets(conn: Connection, acme: int, bakker: int, now: datetime) -> None:
    for ticket in [*TICKETS, PREMIUM_TICKET]:
        values = dict(ticket)
        pauses = values.pop("pauses", [])
        premium = values.pop("premium", False)
        ticket_id = _new_id(
            conn,
            insert(t.tickets).values(
                customer_id=bakker if premium else acme,
                source="web",
                description="",
                language="nl",
                proposed_priority=values["priority"],
                premium=premium,
                updated_at=now,
                **values,
            ),
        )
        for start, end in pauses:
            conn.execute(insert(t.ticket_pauses).values(ticket_id=ticket_id, started_at=start, ended_at=end))


def _add_conditions(conn: Connection, instances: dict[str, int], now: datetime) -> None:
    for condition in CONDITIONS:
        flips = condition["flips"]
        condition_id = _new_id(
            conn,
            insert(t.conditions).values(
                instance_id=instances[condition.get("instance", "prod")],
                check_key=condition["check_key"],
                kind=condition["kind"],
                integration=condition["integration"],
                state=flips[-1][2],
                consecutive_failures=0,
                since=flips[-1][0],
                last_checked_at=now,
            ),
        )
        for at, old, new in flips:
            conn.execute(
                insert(t.flips).values(condition_id=condition_id, at=at, old_state=old, new_state=new)
            )


def populate(engine: Engine) -> None:
    """Customers acme (standard, two instances) and bakker (premium), with the data above."""
    now = utc(11, 2, 8)
    with engine.begin() as conn:
        acme = _new_id(
            conn,
            insert(t.customers).values(key="acme", name="Acme Tuinmeubelen B.V.", language="nl"),
        )
        bakker = _new_id(
            conn,
            insert(t.customers).values(key="bakker", name="Bakkerij Bakker", language="en"),
        )
        _add_contracts(conn, acme, bakker)
        instances: dict[str, int] = {}
        for customer_id, name in ((acme, "prod"), (acme, "test"), (bakker, "erp")):
            instances[name] = _new_id(
                conn,
                insert(t.instances).values(
                    customer_id=customer_id, name=name, url=f"https://{name}.example", agent_silent=False
                ),
            )
        _add_tickets(conn, acme, bakker, now)
        _add_conditions(conn, instances, now)
        for sequence, (instance, received, users, lines, modules) in enumerate(SAMPLES):
            body = _report_body(instance, users, lines, sequence, modules)
            conn.execute(
                insert(t.reports).values(
                    report_id=f"00000000-0000-4000-8000-{sequence:012d}",
                    customer_id=acme,
                    instance_id=instances[instance],
                    received_at=received,
                    sequence=sequence,
                    body_z=raw_bodies.pack(body),
                )
            )
            # What ingest keeps of a counts report (collector/ingest/pipeline.py).
            record_usage(conn, acme, instances[instance], received, json.loads(body)["counts"])
        for instance, starts_at, ends_at in MAINTENANCE:
            conn.execute(
                insert(t.maintenance_windows).values(
                    customer_id=acme,
                    instance_id=instances[instance],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    reason="Upgrade",
                    created_at=utc(10, 1, 8),
                )
            )
        # A report without counts (most reports carry none).
        conn.execute(
            insert(t.reports).values(
                report_id="00000000-0000-4000-8000-999999999999",
                customer_id=acme,
                instance_id=instances["prod"],
                received_at=utc(10, 2, 12),
                sequence=999,
                body_z=raw_bodies.pack(_report_body("prod", None, None, 999)),
            )
        )
