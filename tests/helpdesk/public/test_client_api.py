"""The client ticket API over real HTTP: tokens, confirmation mail, scoping to one customer."""

from __future__ import annotations

from typing import Any

from tests.helpdesk.conftest import Rig, ticket_count

API = "/api/client/v1/tickets"


def new_incident(rig: Rig, customer: str = "acme", reporter: str = "jan@acme.example") -> dict[str, Any]:
    answer = rig.api(customer).post(
        rig.url + API,
        json={
            "subject": "Facturen blijven hangen",
            "description": "Sinds vanochtend.",
            "category": "incident",
            "impact": "hoog",
            "scope": "organisation",
            "reporter": reporter,
        },
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_create_sends_confirmation_in_contact_language_with_number_category_priority_deadline(
    rig: Rig,
) -> None:
    ticket = new_incident(rig)
    assert ticket["category"] == "incident" and ticket["priority"] == "A"
    assert "proposed_priority" not in ticket and "priority_reason" not in ticket
    mail = next(m for m in rig.deliver(1) if "jan@acme.example" in m.recipients)
    assert ticket["number"] in mail.subject
    assert "Uw melding is ontvangen" in mail.subject  # Dutch contact
    assert "storing" in mail.text and "prioriteit: A" in mail.text and "uiterlijk" in mail.text


def test_english_contact_gets_english_confirmation(rig: Rig) -> None:
    answer = rig.api("globex").post(
        rig.url + API,
        json={"subject": "How do I export?", "category": "question", "reporter": "HANK@globex.example"},
    )
    assert answer.status_code == 201, answer.text
    mail = next(m for m in rig.deliver(1) if "hank@globex.example" in m.recipients)
    assert "We received your request" in mail.subject and "question" in mail.text


def test_tokens_are_required_and_stored_hashed(rig: Rig) -> None:
    import requests
    from sqlalchemy import select

    from collector.storage.helpdesk_tables import api_clients

    assert requests.get(rig.url + API).status_code == 401
    assert requests.get(rig.url + API, headers={"Authorization": "Bearer psc_wrong"}).status_code == 401
    with rig.collector.engine.connect() as conn:
        stored = list(conn.execute(select(api_clients.c.token_hash)).scalars())
    assert rig.tokens["acme"] not in stored and len(stored[0]) == 64


def test_customer_never_sees_another_customers_ticket(rig: Rig) -> None:
    acme_ticket = new_incident(rig)
    globex = rig.api("globex")
    number = acme_ticket["number"]
    missing = globex.get(f"{rig.url}{API}/{number}")
    assert missing.status_code == 404 and "does not exist" in missing.json()["error"]
    assert globex.get(f"{rig.url}{API}/PS-2026-99999").json() == missing.json() | {
        "error": missing.json()["error"].replace(str(number), "PS-2026-99999")
    }
    assert globex.patch(f"{rig.url}{API}/{number}", json={"message": "hi"}).status_code == 404
    assert number not in globex.get(rig.url + API).text
    # A's reporter address cannot be used by B's token either.
    stolen = globex.post(
        rig.url + API, json={"subject": "x", "category": "question", "reporter": "jan@acme.example"}
    )
    assert stolen.status_code == 422


def test_read_list_filter_and_update(rig: Rig) -> None:
    acme = rig.api("acme")
    ticket = new_incident(rig)
    acme.post(rig.url + API, json={"subject": "Vraag", "category": "vraag", "reporter": "jan@acme.example"})
    listed = acme.get(rig.url + API, params={"category": "question"}).json()
    assert [t["category"] for t in listed] == ["question"]
    assert acme.get(rig.url + API, params={"state": "bogus"}).status_code == 422
    # Staff ask a question (internal note too), the customer answers through the API: the clock resumes.
    with rig.collector.engine.begin() as conn:
        rig.collector.tickets.pause(conn, str(ticket["number"]), actor="eva")
        rig.collector.tickets.event(conn, 1, "note", "internal: customer is grumpy", actor="eva")
    updated = acme.patch(f"{rig.url}{API}/{ticket['number']}", json={"message": "Hier is de info"})
    assert updated.status_code == 200 and updated.json()["state"] == "in_progress"
    detail = acme.get(f"{rig.url}{API}/{ticket['number']}").json()
    kinds = [e["kind"] for e in detail["timeline"]]
    assert "customer_reply" in kinds and "note" not in kinds and "notification" not in kinds
    assert "grumpy" not in str(detail)


def test_invalid_input_is_refused_with_a_sentence_and_nothing_is_stored(rig: Rig) -> None:
    acme = rig.api("acme")
    for body in (
        {"subject": "x", "category": "incident", "reporter": "jan@acme.example"},  # incident without impact
        {"subject": "x", "category": "nonsense", "reporter": "jan@acme.example"},
        {"subject": "x", "category": "question", "reporter": "nobody@acme.example"},
        {"subject": "x", "category": "question", "reporter": "jan@acme.example", "extra": 1},
        {"subject": " ", "category": "question", "reporter": "jan@acme.example"},
    ):
        answer = acme.post(rig.url + API, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"]
    assert (
        acme.post(rig.url + API, data="not json", headers={"Content-Type": "application/json"}).status_code
        == 422
    )
    assert ticket_count(rig.collector) == 0
