"""Every JSON route in the real app's OpenAPI, fed bodies generated from its own schema and arbitrary
JSON: never a 5xx, and a rejected request stores nothing (every table's row count unchanged).

Deterministic: hypothesis runs derandomized, without its example database, with a fixed budget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, table

from collector.helpdesk.public.clients import create_client
from collector.helpdesk.settings import HelpdeskSettings
from collector.service import Collector
from collector.web.app import create_app
from tests.collector.conftest import staff_headers
from tests.reliability.figures import record

EXAMPLES = 8  # per route and kind of body
BODY_METHODS = ("post", "put", "patch", "delete")
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
PATH_VALUES = {"number": "PS-2026-00001", "window_id": "1", "condition_id": "1", "token": "x"}
TALLY: dict[str, int] = {"requests": 0, "server_errors": 0, "stored_from_rejected": 0}


def from_schema(schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values that fit the subset of JSON Schema FastAPI writes (types, properties, enums, anyOf, bounds);
    anything else becomes arbitrary JSON, which the route must refuse cleanly just the same."""
    if not isinstance(schema, dict) or depth > 6:
        return _json
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        return st.one_of([from_schema(option, depth + 1) for option in options])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum")) | st.integers()
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "string":
        if schema.get("format") == "date-time":
            return st.datetimes().map(lambda at: at.isoformat() + "Z") | st.text(max_size=30)
        if schema.get("format") == "date":
            return st.dates().map(str) | st.text(max_size=12)
        return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 60), 60))
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), depth + 1), max_size=4)
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = [name for name in schema.get("required", []) if name in properties]
        optional = {k: from_schema(v, depth + 1) for k, v in properties.items() if k not in required}
        return st.fixed_dictionaries(
            {name: from_schema(properties[name], depth + 1) for name in required}, optional=optional
        )
    return _json


def _inline(node: Any, components: dict[str, Any], depth: int = 0) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/") and depth < 8:
            return _inline(components[ref.rsplit("/", 1)[1]], components, depth + 1)
        return {key: _inline(value, components, depth) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, components, depth) for item in node]
    return node


def _json_routes(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    components = spec.get("components", {}).get("schemas", {})
    found = []
    for path, operations in sorted(spec["paths"].items()):
        for method, operation in sorted(operations.items()):
            if method not in BODY_METHODS:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {"type": "object"})
            found.append((path, method, _inline(schema, components)))
    return found


@pytest.fixture
def client(collector: Collector) -> Iterator[TestClient]:
    collector.extras["helpdesk"] = HelpdeskSettings(cookie_secure=False, secret_key="test-secret")
    with TestClient(create_app(collector, run_background=False), raise_server_exceptions=False) as test:
        yield test


def _counts(collector: Collector) -> dict[str, int]:
    with collector.engine.connect() as conn:
        names = inspect(conn).get_table_names()
        return {
            name: conn.execute(select(func.count()).select_from(table(name))).scalar_one() for name in names
        }


def _headers(collector: Collector, path: str) -> dict[str, str]:
    if path.startswith("/api/client/"):
        if "client_token" not in collector.extras:
            with collector.engine.begin() as conn:
                collector.extras["client_token"] = create_client(conn, "acme", "fuzz", collector.clock.now())
        return {"Authorization": f"Bearer {collector.extras['client_token']}"}
    return staff_headers(collector)


def _check(client: TestClient, collector: Collector, method: str, path: str, body: Any) -> None:
    url = path.format(**{name: value for name, value in PATH_VALUES.items() if "{" + name + "}" in path})
    before = _counts(collector)
    answer = client.request(method.upper(), url, json=body, headers=_headers(collector, path))
    TALLY["requests"] += 1
    if answer.status_code >= 500:
        TALLY["server_errors"] += 1
    assert answer.status_code < 500, (method, url, body, answer.status_code, answer.text[:300])
    if answer.status_code >= 400:
        after = _counts(collector)
        if after != before:
            TALLY["stored_from_rejected"] += 1
        assert after == before, (
            method,
            url,
            answer.status_code,
            {k: (before.get(k), after[k]) for k in after},
        )


def _runner(client: TestClient, collector: Collector, path: str, method: str, schema: dict[str, Any]) -> Any:
    @given(body=from_schema(schema) | _json)
    def run(body: Any) -> None:
        _check(client, collector, method, path, body)

    return run


def test_every_json_route_survives_generated_bodies(collector: Collector, client: TestClient) -> None:
    routes = _json_routes(client.app.openapi())  # type: ignore[attr-defined]
    assert len(routes) >= 10, routes  # the management API, Alertmanager, acks, the client API
    fuzz = settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    _headers(collector, "/api/client/")  # the tokens are made before any count is taken
    staff_headers(collector)
    for path, method, schema in routes:
        fuzz(_runner(client, collector, path, method, schema))()
    record("openapi_fuzz", routes=len(routes), examples_per_route=EXAMPLES, **TALLY)
