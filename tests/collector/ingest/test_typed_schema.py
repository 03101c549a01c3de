"""The typed decoder vouches only for what the JSON Schema accepts, and returns exactly json's document."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from collector.ingest.fast_schema import UnsupportedSchema
from collector.ingest.report_schema import _typed_decoder, _validator, decode_valid
from collector.ingest.typed_schema import compile_decoder
from tests.collector.ingest.test_fast_schema import PATHS, full_report, json_values, mutated

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench" / "collector"))
from fleet_bench import fleet_report  # type: ignore[import-not-found]


def typed_json(value: Any) -> bytes:
    """JSON text that tells 88 from 88.0, as the wire does (dict equality would not)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def agrees(body: bytes) -> None:
    decoded = decode_valid(body)
    if decoded is None:
        return  # the reference path decides
    reference = json.loads(body)
    assert _validator().is_valid(reference), "vouched for a report the schema refuses"
    assert typed_json(decoded) == typed_json(reference)


@settings(max_examples=500, deadline=None)
@given(path=st.sampled_from(PATHS), value=json_values, drop=st.booleans())
def test_never_vouches_for_what_the_schema_refuses(path: tuple[Any, ...], value: Any, drop: bool) -> None:
    document = mutated(path, value, drop)
    try:
        body = orjson.dumps(document)
    except TypeError:
        assume(False)  # an integer past 64 bits: json would write it, orjson cannot
        raise
    agrees(body)
    agrees(json.dumps(document).encode())


@settings(max_examples=200, deadline=None)
@given(document=json_values)
def test_arbitrary_json(document: Any) -> None:
    agrees(json.dumps(document).encode())


@pytest.mark.parametrize(
    "body",
    [
        b'{"schema_version": 1.0}',  # 1.0 is const 1 to the schema: the reference path takes it
        b"[]",
        b"not json",
        b'\xef\xbb\xbf{"a": 1}',
        b'{"a": "\\ud800"}',
    ],
)
def test_leaves_the_odd_ones_to_the_reference_path(body: bytes) -> None:
    assert decode_valid(body) is None


def test_vouches_for_the_usual_reports_exactly() -> None:
    """The fast path is taken for real reports: with counts and without, ints and floats as sent."""
    with_counts, without = fleet_report("c3", 17), fleet_report("c3", 18)
    assert with_counts["counts"] and not without.get("counts")
    for document in (with_counts, without, full_report()):
        document["checks"][0]["value"] = 88  # an integer stays an integer
        body = json.dumps(document).encode()
        decoded = decode_valid(body)
        assert decoded is not None
        assert typed_json(decoded) == typed_json(json.loads(body))
    extra = copy.deepcopy(without)
    extra["host"]["cpu_temperature"] = 60
    assert decode_valid(json.dumps(extra).encode()) is None  # unknown field: never dropped silently


def test_schema_keywords_it_cannot_express_refuse_to_compile() -> None:
    assert _typed_decoder() is not None  # the report schema compiles

    def closed(v: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "properties": {"v": v}, "additionalProperties": False}

    for schema in (
        closed({"oneOf": [{"type": "string"}]}),
        {"type": "object", "properties": {"v": {"type": "string"}}},  # unknown fields would be dropped
        closed({"type": ["string", "integer"]}),
        closed({"enum": [1.5, 2]}),
        {"type": "array", "items": {"type": "string"}},
    ):
        with pytest.raises(UnsupportedSchema):
            compile_decoder(schema)


def test_integer_bounds_are_exact() -> None:
    decode = compile_decoder(
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {"n": {"type": "number", "minimum": -1.5, "maximum": 1e15}},
        }
    )
    assert decode(b'{"n": -1}') == {"n": -1}
    assert decode(b'{"n": -1.5}') == {"n": -1.5}
    assert decode(b'{"n": -2}') is None
    assert decode(b'{"n": 1000000000000001}') is None
    assert decode(b'{"n": true}') is None
