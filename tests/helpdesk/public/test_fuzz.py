"""Fuzzed API and form input: always a 4xx with a message, never a 5xx, never a stored ticket."""

from __future__ import annotations

import re
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpdesk.conftest import Rig, ticket_count

junk_text = st.text(max_size=60) | st.sampled_from(
    ["", " ", "\x00", "storing", "A" * 400, "hoog", "<script>"]
)
junk_value = junk_text | st.integers() | st.none() | st.booleans() | st.lists(st.integers(), max_size=2)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {"subject": junk_value, "category": junk_value},
        optional={"impact": junk_value, "scope": junk_value, "reporter": junk_value, "bogus": junk_value},
    )
)
def test_fuzzed_api_bodies_get_4xx_with_message(rig: Rig, body: dict[str, Any]) -> None:
    # The reporter is never a registered contact, so no valid ticket can come out of this.
    if body.get("reporter") == "jan@acme.example":
        body["reporter"] = "x"
    answer = rig.api("acme").post(f"{rig.url}/api/client/v1/tickets", json=body)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.json()["error"]
    assert ticket_count(rig.collector) == 0


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["name", "email", "kind", "severity", "reach", "subject", "description", "phone"]),
        junk_text,
    )
)
def test_fuzzed_form_posts_get_4xx_with_message(rig: Rig, fields: dict[str, str]) -> None:
    fields = {k: v.replace("\x00", "") for k, v in fields.items()}
    fields["email"] = "fuzz@nowhere.example"  # never a contact: nothing may be stored
    rig.collector.extras["helpdesk_runtime"].form_limiter.limit = 10**6
    session = requests.Session()
    page = session.get(f"{rig.url}/melding")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    answer = session.post(f"{rig.url}/melding", data={**fields, "csrf": token})
    assert 400 <= answer.status_code < 500
    assert 'role="alert"' in answer.text
    assert ticket_count(rig.collector) == 0
