"""The agent's report schema, compiled once; errors are one sentence naming the field."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "agent" / "schema" / "report-v1.json"
# Instants outside this window are a broken clock or a forged report, never a real observation; the
# window is wide on purpose (the collector bounds sent_at against its own clock separately).
EARLIEST = datetime(2020, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class ReportInvalid(ValueError):
    """The report does not match the schema; `field` is a JSON path like checks/2/status."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@lru_cache(maxsize=1)
def _fast_check() -> Any:
    from collector.ingest.fast_schema import UnsupportedSchema, compile_schema

    try:
        return compile_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    except UnsupportedSchema:
        return None  # the schema grew a keyword the fast check lacks: always use the full validator


@lru_cache(maxsize=1)
def _typed_decoder() -> Any:
    from collector.ingest.fast_schema import UnsupportedSchema
    from collector.ingest.typed_schema import compile_decoder

    try:
        return compile_decoder(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    except UnsupportedSchema:
        return None  # the schema grew a keyword msgspec cannot express exactly: the reference path only


def decode_valid(body: bytes) -> dict[str, Any] | None:
    """The report parsed, when it is JSON the schema accepts (then only check_formats remains); None
    when the typed decoder cannot vouch for it: parse it and call validate_report, which names the
    problem if there is one."""
    decode = _typed_decoder()
    return None if decode is None else decode(body)


def _path(parts: Any) -> str:
    return "/".join(str(part) for part in parts) or "(document)"


# A lone surrogate in parsed JSON can only come from a \uD800-\uDFFF escape: UTF-8 text cannot hold one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def validate_report(document: Any, text: str | None = None) -> None:
    """Raise ReportInvalid for the most relevant problem; formats the schema leaves open are checked here.
    `text`: the JSON the document was parsed from, when known (skips a walk for surrogates it lacks)."""
    fast = _fast_check()
    if fast is None or not fast(document):
        _full_validation(document)
    check_formats(document, text)


def check_formats(document: Any, text: str | None = None) -> None:
    """What the schema leaves open, for a document its structure already passed: real instants,
    text that UTF-8 can hold."""
    accepted: set[str] = set()  # checks of one report usually share a few instants: parse each once
    _check_instant(document.get("sent_at"), "sent_at", accepted)
    for index, check in enumerate(document.get("checks", ())):
        _check_instant(check.get("checked_at"), f"checks/{index}/checked_at", accepted)
    counts = document.get("counts") or {}
    _check_instant(counts.get("counted_at"), "counts/counted_at", accepted)
    if text is None or _SURROGATE_ESCAPE.search(text) is not None:
        _check_text(document)


def _check_text(document: Any) -> None:
    """Lone surrogates (JSON allows \\ud800 escapes) can never be stored as UTF-8: refuse them for good."""
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        field = _surrogate_path(document, [])
        raise ReportInvalid(
            field or "(document)", "contains a lone UTF-16 surrogate; send valid Unicode text"
        ) from None


def _surrogate_path(value: Any, path: list[Any]) -> str | None:
    if isinstance(value, str):
        return None if value.isascii() or _encodes(value) else _path(path)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and not _encodes(key):
            return _path([*path, key])
        found = _surrogate_path(item, [*path, key])
        if found is not None:
            return found
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _full_validation(document: Any) -> None:
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    error = best_match(_validator().iter_errors(document))
    if error is not None:
        message = error.message if len(error.message) <= 300 else error.message[:300] + "..."
        raise ReportInvalid(_path(error.absolute_path), message)


def _check_instant(value: Any, field: str, accepted: set[str] | None = None) -> None:
    if value is None or (accepted is not None and isinstance(value, str) and value in accepted):
        return
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ReportInvalid(field, f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise ReportInvalid(field, f"{value!r} needs a UTC offset, for example 2026-11-27T16:30:00+00:00")
    try:
        inside = EARLIEST <= parsed < LATEST
    except OverflowError:  # year 1 or 9999 with an offset that leaves the representable range
        inside = False
    if not inside:
        raise ReportInvalid(
            field, f"{value!r} is outside {EARLIEST.year}-{LATEST.year - 1}: check the agent's clock"
        )
    if accepted is not None:
        accepted.add(value)


def warm_up() -> None:
    """Compile the validators before the first request."""
    _validator()
    _fast_check()
    _typed_decoder()
