"""A table of hostile bodies for every route that takes one, written to the intended behaviour: a
clear 4xx (413 too large, 400 unreadable, 415 wrong encoding, 422 unstorable or invalid), never a
5xx, never a body read far past its limit, and nothing stored from any of them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, table

from collector.helpdesk.public.clients import create_client
from collector.helpdesk.settings import HelpdeskSettings
from collector.service import Collector
from collector.web.app import create_app
from tests.collector.conftest import staff_headers, token_for
from tests.reliability.asgi_call import call
from tests.reliability.figures import record

MB = 1024 * 1024
HUGE = 40 * MB  # beyond every route's limit (the web form's is the largest, about 20 MB)
READ_AT_MOST = 24 * MB  # a refused huge body may be read up to the limit, not to its end
Body = Callable[[], Iterator[bytes]]


def _chunks(total: int, size: int = MB) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        step = min(size, total - sent)
        sent += step
        yield b"x" * step


def _once(data: bytes) -> Body:
    return lambda: iter([data])


DEEP = b"[" * 100_000 + b"]" * 100_000
SURROGATE = b'{"subject": "Kapot \\ud800", "detail": "\\udfff", "name": "\\ud800"}'
JSON_CASES: dict[str, tuple[Body, bool, set[int]]] = {
    # name: (body, declare Content-Length, accepted answers)
    "huge, with Content-Length": (lambda: _chunks(HUGE), True, {413}),
    "huge, chunked": (lambda: _chunks(HUGE), False, {413}),
    "nested 100,000 deep": (_once(DEEP), True, {400, 422}),
    "UTF-16": (
        _once(json.dumps({"subject": "x", "status": "firing"}).encode("utf-16")),
        True,
        {400, 415, 422},
    ),
    "UTF-32 without BOM": (_once(json.dumps({"a": 1}).encode("utf-32-be")), True, {400, 415, 422}),
    "lone surrogates": (_once(SURROGATE), True, {400, 404, 422}),
    "not JSON": (_once(b"\xff\xfe\x00garbage{"), True, {400, 415, 422}),
}
FORM_CASES: dict[str, tuple[Body, bool, set[int]]] = {
    "huge, with Content-Length": (lambda: _chunks(HUGE), True, {413}),
    # Without a length the form may also be refused on its missing CSRF cookie, before reading any of it.
    "huge, chunked": (lambda: _chunks(HUGE), False, {400, 403, 413}),
    "broken multipart": (_once(b"--nope\r\ngarbage"), True, {400, 403, 422}),
}
INVALID_LINK = {404}  # /ack/<token> with a made-up token: refused before the body matters


@pytest.fixture
def app(collector: Collector) -> Any:
    collector.extras["helpdesk"] = HelpdeskSettings(cookie_secure=False, secret_key="test-secret")
    return create_app(collector, run_background=False)


def _routes(app: Any, collector: Collector) -> list[tuple[str, str, dict[str, str], bool]]:
    """(method, path, headers with the right credentials, is a form) for every route with a body."""
    staff = staff_headers(collector)
    with collector.engine.begin() as conn:
        client = {"authorization": f"Bearer {create_client(conn, 'acme', 'hostile', collector.clock.now())}"}
    agent = {"authorization": f"Bearer {token_for(collector, 'acme')}"}
    routes = [("POST", "/api/v1/reports", agent, False)]
    values = {"number": "PS-2026-00001", "window_id": "1", "condition_id": "1", "token": "x"}
    for path, operations in sorted(app.openapi()["paths"].items()):
        for method in sorted(operations):
            if method not in ("post", "put", "patch"):
                continue
            url = path.format(**{k: v for k, v in values.items() if "{" + k + "}" in path})
            headers = client if path.startswith("/api/client/") else staff
            routes.append((method.upper(), url, headers, path.startswith("/ack/")))
    routes += [("POST", "/melding", {}, True), ("POST", "/staff/login", {}, True)]
    return routes


def _counts(collector: Collector) -> dict[str, int]:
    with collector.engine.connect() as conn:
        names = inspect(conn).get_table_names()
        row = conn.execute(
            select(*[select(func.count()).select_from(table(n)).scalar_subquery() for n in names])
        )
        return dict(zip(names, row.one(), strict=True))


def test_hostile_bodies_on_every_route(app: Any, collector: Collector) -> None:
    routes = _routes(app, collector)
    before = _counts(collector)
    wrong: list[str] = []
    attempts = server_errors = overread = 0
    for method, path, credentials, is_form in routes:
        cases = FORM_CASES if is_form else JSON_CASES
        for name, (body, declared, accepted) in cases.items():
            kind = "multipart/form-data; boundary=nope" if is_form else "application/json"
            headers = {**credentials, "content-type": kind}
            if declared:
                headers["content-length"] = str(sum(len(chunk) for chunk in body()))
            answer = call(app, method, path, headers, body())
            attempts += 1
            server_errors += answer.status >= 500
            overread += answer.bytes_read > READ_AT_MOST
            allowed = accepted | INVALID_LINK if path.startswith("/ack/") else accepted
            if answer.status not in allowed or answer.bytes_read > READ_AT_MOST:
                wrong.append(f"{method} {path} [{name}]: {answer.status}, read {answer.bytes_read // MB} MB")
    after = _counts(collector)
    stored = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    record(
        "hostile_bodies",
        routes=len(routes),
        attempts=attempts,
        server_errors=server_errors,
        read_past_limit=overread,
        not_as_intended=len(wrong),
        rows_stored=sum(stored.values()),
    )
    assert wrong == [], "\n".join(wrong)
    assert stored == {}
