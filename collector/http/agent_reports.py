"""POST /api/v1/reports: bearer token, size limit, schema, instance binding, group-committed storage."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import orjson
from starlette.responses import JSONResponse, Response

from collector.http.body_limits import size_text
from collector.ingest.agent_auth import AgentDirectory
from collector.ingest.pipeline import IncomingReport
from collector.ingest.report_schema import ReportInvalid, check_formats, decode_valid, validate_report
from collector.service import Collector

log = logging.getLogger("prioritysupport.collector.ingest")


class _TooLarge(Exception):
    pass


class _Gone(Exception):
    """The agent went away before its report arrived whole: nothing to store, nobody to answer."""


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_headers(body: bytes) -> list[tuple[bytes, bytes]]:
    return [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _header(scope: Any, name: bytes) -> str | None:
    # Straight from the ASGI scope (names are lower case there): building starlette's Headers for
    # two look-ups costs more than the rest of the request line handling.
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _read_limited(scope: Any, receive: Any, limit: int) -> bytes:
    declared = _header(scope, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Gone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _parse(text: str) -> Any:
    """The parsed report, or the answer for a body that is not JSON. orjson parses the usual report in
    less than half json's time; anything it refuses is parsed again by json, whose answers (and
    exceptions) are the reference (it takes lone surrogate escapes, which orjson refuses)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(text, parse_constant=_no_constants)
    except ValueError:
        return _error(400, "the body is not valid JSON (NaN and Infinity are not JSON either)")
    except RecursionError:
        return _error(400, "the JSON is nested too deeply; a report is a few levels deep")


def _valid_document(raw: bytes, text: str) -> Any:
    """The report, or the answer for a body that is not JSON; ReportInvalid when the schema refuses it."""
    document = decode_valid(raw)  # the usual report: parsed and validated in one pass
    if document is not None:
        check_formats(document, text)
        return document
    document = _parse(text)
    if not isinstance(document, JSONResponse):
        validate_report(document, text)
    return document


def _reference_problem(text: str) -> ReportInvalid | None:
    """The schema's complaint about the report as json parses it: orjson reads an integer past 64 bits
    as a float, which the schema refuses too, but the message should name the number as sent."""
    try:
        validate_report(json.loads(text, parse_constant=_no_constants), text)
    except ReportInvalid as exc:
        return exc
    except (ValueError, RecursionError):
        return None
    return None


def _sync_quietly(directory: AgentDirectory, wait: bool) -> None:
    try:
        directory.sync(wait=wait)
    except Exception as exc:  # the database is away: answer from memory, storing fails with 503 anyway
        log.warning("could not check agent tokens for changes: %s", exc)


def _preload_limits(collector: Collector) -> None:
    try:
        with collector.engine.connect() as conn:
            collector.limits.preload(conn)
    except Exception as exc:  # the database is away: the writer reads them on first need instead
        log.warning("could not preload contracts and limit states: %s", exc)


class _FreshDirectory:
    """Keeps the agent directory fresh from the request path: a change check ahead of need in a worker
    thread (the request does not wait), and a wait only when the snapshot is past its stale limit."""

    def __init__(self, directory: AgentDirectory) -> None:
        self.directory = directory
        self._ahead: asyncio.Future[None] | None = None

    async def customer(self, token: str) -> object:
        directory = self.directory
        if directory.stale():
            await asyncio.to_thread(_sync_quietly, directory, True)
        elif directory.sync_due() and (self._ahead is None or self._ahead.done()):
            self._ahead = asyncio.get_running_loop().run_in_executor(None, _sync_quietly, directory, False)
        known = directory.cached_customer(token)
        if known is AgentDirectory._MISS:
            return await asyncio.to_thread(directory.customer_for_token, token)
        return known

    async def instance(self, customer_id: int, name: str) -> object:
        known = self.directory.cached_instance(customer_id, name)
        if known is AgentDirectory._MISS:
            return await asyncio.to_thread(self.directory.instance_id, customer_id, name)
        return known


def make_report_endpoint(collector: Collector) -> Any:
    limit = collector.config.server.max_report_bytes
    metrics = collector.ingest_metrics
    fresh = _FreshDirectory(collector.directory)
    too_large = f"the report is larger than {size_text(limit)}; send fewer modules or checks"
    # Warm start: every token, instance, contract and limit state in memory before the first report,
    # not a miss storm after.
    _sync_quietly(collector.directory, True)
    _preload_limits(collector)

    outcomes: dict[int, Any] = {}  # status -> its labelled counter, looked up once

    async def receive_report(scope: Any, receive: Any, send: Any) -> None:
        """The ASGI endpoint itself (collector/http/ingest_shortcut.py routes reports here)."""
        started = time.perf_counter()
        try:
            outcome = await _handle(scope, receive)
        except _Gone:
            return
        if isinstance(outcome, Response):
            status = outcome.status_code
            await outcome(scope, receive, send)
        else:  # stored: the answer sent as is, without building a Response
            status, answer = outcome
            await send({"type": "http.response.start", "status": status, "headers": _json_headers(answer)})
            await send({"type": "http.response.body", "body": answer})
        counter = outcomes.get(status)
        if counter is None:
            counter = outcomes[status] = metrics.reports.labels(outcome=str(status))
        counter.inc()
        metrics.latency.observe(time.perf_counter() - started)

    async def _handle(scope: Any, receive: Any) -> Response | tuple[int, bytes]:
        authorization = _header(scope, b"authorization") or ""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error(401, "send the agent token as 'Authorization: Bearer <token>'")
        customer_id = await fresh.customer(token.strip())
        if not isinstance(customer_id, int):
            return _error(401, "the agent token is unknown, revoked or expired; enrol the agent again")
        try:
            raw = await _read_limited(scope, receive, limit)
        except _TooLarge:
            # The rest of the body stays unread: the connection cannot be reused.
            return JSONResponse({"error": too_large}, status_code=413, headers={"connection": "close"})
        try:
            # RFC 8259 8.1: JSON between systems must be UTF-8. json.loads(bytes) would also take
            # UTF-16/32, which the stored body (UTF-8 text) cannot hold: refuse those plainly instead.
            text = raw.decode("utf-8")
            if "\x00" in text[:4]:  # UTF-16/32 without a byte order mark: ASCII with NULs between
                raise UnicodeDecodeError("utf-8", raw[:4], 0, 4, "UTF-16 or UTF-32")
        except UnicodeDecodeError:
            return _error(415, "send UTF-8 JSON (Content-Type: application/json; charset=utf-8)")
        try:
            document = _valid_document(raw, text)
            if isinstance(document, JSONResponse):
                return document
        except ReportInvalid as exc:
            problem = _reference_problem(text) or exc
            return _error(422, f"the report does not match schema v1 at {problem}", field=problem.field)
        name = document["instance"]["name"]
        instance_id = await fresh.instance(customer_id, name)
        if not isinstance(instance_id, int):
            return _error(403, f"instance {name!r} is not registered for this agent's customer")
        incoming = IncomingReport(
            report_id=document["report_id"],
            customer_id=customer_id,
            instance_id=instance_id,
            received_at=collector.clock.now(),
            document=document,
            body=text,
        )
        try:
            stored = await collector.writer.submit_from_loop(incoming)
        except Exception:
            return _error(503, "the report could not be stored; the agent keeps it and retries")
        # What JSONResponse would send, serialised by orjson (a fifth of json.dumps' time here).
        return 201 if stored else 200, orjson.dumps({"report_id": incoming.report_id, "stored": stored})

    return receive_report
