"""The staff queue in pages: every open ticket once, in the urgency order of queue.sort_key across the
pages, page links that keep the filters and the language, and forgiving page numbers."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from collector.helpdesk.staff.queue import sla_view, sort_key
from collector.helpdesk.staff.queue_query import PAGE_SIZE
from collector.storage import tables as core
from collector.storage.helpdesk_tables import assignments
from collector.tickets.core import OPEN_STATES
from tests.collector.conftest import fresh_postgres_database
from tests.helpdesk.conftest import Rig, running_rig

TICKETS = 250
ROW = re.compile(r'<td class="number"><a href="/staff/tickets/(PS-\d{4}-\d{5})\?')


def seed(rig: Rig, count: int = TICKETS) -> None:
    """Open tickets with deadlines all around now: breached, at risk, paused, answered and equal ones."""
    rng = random.Random(3)
    now = rig.clock.now()
    with rig.collector.engine.begin() as conn:
        customers = list(conn.execute(select(core.customers.c.id)).scalars())
        rows = []
        for n in range(count):
            # Whole hours, so several tickets share a deadline and the tie-break (newest first) counts.
            due = now + timedelta(hours=rng.randint(-30, 30))
            answered = rng.random() < 0.4
            rows.append(
                {
                    "number": f"PS-2025-{n + 1:05d}",
                    "customer_id": customers[n % len(customers)],
                    "source": "web",
                    "subject": f"Melding {n + 1}",
                    "category": "incident",
                    "proposed_priority": "ABCD"[n % 4],
                    "priority": "ABCD"[n % 4],
                    "state": rng.choice(OPEN_STATES),
                    "registered_at": due - timedelta(hours=4),
                    "first_response_at": due - timedelta(hours=3) if answered else None,
                    "response_due": due,
                    "resolution_due": due + timedelta(days=2) if rng.random() < 0.9 else None,
                    "prebreach_at": due - timedelta(hours=1),
                    "response_breached": not answered and due < now and rng.random() < 0.8,
                    "updated_at": now,
                }
            )
        conn.execute(insert(core.tickets), rows)
        ids = list(conn.execute(select(core.tickets.c.id)).scalars())
        conn.execute(
            insert(assignments),
            [{"ticket_id": i, "username": "eva", "assigned_at": now} for i in ids if i % 3 == 0],
        )


def expected_order(rig: Rig, **where: Any) -> list[str]:
    """The reference: every matching open ticket, newest first, then Python's stable urgency sort."""
    query = select(core.tickets).where(core.tickets.c.state.in_(OPEN_STATES))
    for column, value in where.items():
        query = query.where(core.tickets.c[column] == value)
    with rig.collector.engine.connect() as conn:
        rows = conn.execute(query.order_by(core.tickets.c.id.desc())).all()
    now = rig.clock.now()
    return [row.number for row in sorted(rows, key=lambda row: sort_key(sla_view(row, now)))]


def numbers(page: str) -> list[str]:
    return ROW.findall(page)


def test_the_queue_pages_through_every_open_ticket_most_urgent_first(rig: Rig) -> None:
    pages_in_urgency_order(rig)


def test_the_database_orders_the_queue_the_same_on_postgres(postgres_url: str) -> None:
    with running_rig(fresh_postgres_database(postgres_url)) as rig:
        pages_in_urgency_order(rig)


def pages_in_urgency_order(rig: Rig) -> None:
    seed(rig)
    staff = rig.staff()
    first = staff.get(f"{rig.url}/staff")
    assert first.status_code == 200
    assert "250 tickets · pagina 1 van 5" in first.text
    assert 'rel="next" href="/staff?lang=nl&amp;state=open&amp;page=2"' in first.text
    assert 'rel="prev"' not in first.text
    seen: list[str] = []
    for number in range(1, 6):
        page = staff.get(f"{rig.url}/staff", params={"page": str(number)})
        assert f'aria-current="page" href="/staff?lang=nl&amp;state=open&amp;page={number}"' in page.text
        rows = numbers(page.text)
        assert len(rows) == (PAGE_SIZE if number < 5 else TICKETS - 4 * PAGE_SIZE)
        seen += rows
    assert seen == expected_order(rig)  # each ticket once, the order unbroken across page boundaries


def test_page_links_keep_the_filters_and_the_language(rig: Rig) -> None:
    seed(rig)
    staff = rig.staff()
    page = staff.get(f"{rig.url}/staff", params={"priority": "B", "lang": "en", "page": "2"})
    assert "page 2 of 2" in page.text
    link = 'href="/staff?lang=en&amp;priority=B&amp;state=open&amp;page=1"'
    assert f'rel="prev" {link}' in page.text
    expected = expected_order(rig, priority="B")
    assert len(expected) > PAGE_SIZE
    assert numbers(page.text) == expected[PAGE_SIZE:]
    mine = staff.get(f"{rig.url}/staff", params={"assignee": "me"})
    assert "assignee=eva" in mine.text and "pagina 1 van 2" in mine.text


def test_unreadable_or_too_large_page_numbers_show_a_page_anyway(rig: Rig) -> None:
    seed(rig)
    staff = rig.staff()
    order = expected_order(rig)
    for asked in ("abc", "-3", "0", "99999999999999999999"):
        answer = staff.get(f"{rig.url}/staff", params={"page": asked})
        assert answer.status_code == 200, asked
        assert numbers(answer.text) == order[:PAGE_SIZE], asked
    last = staff.get(f"{rig.url}/staff", params={"page": "999"})
    assert "pagina 5 van 5" in last.text
    assert numbers(last.text) == order[4 * PAGE_SIZE :]
    assert 'rel="next"' not in last.text


def test_one_page_shows_no_page_links(rig: Rig) -> None:
    seed(rig, count=12)
    page = rig.staff().get(f"{rig.url}/staff").text
    assert "12 tickets" in page and "pagina" not in page.split('id="queue-count"')[1].split("</p>")[0]
    assert 'class="pages"' not in page
