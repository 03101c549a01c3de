"""The compiled fast check agrees with the full JSON Schema validator on valid and mutated reports."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collector.ingest.fast_schema import UnsupportedSchema, compile_schema
from collector.ingest.report_schema import _fast_check, _validator
from tests.collector.conftest import failing, report

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def full_report() -> dict[str, Any]:
    body = report(
        checks=[failing(), {"key": "disk", "kind": "disk", "status": "ok", "value": 91.0, "unit": "%"}]
    )
    body["counts"] = {
        "counted_at": "2026-11-27T11:00:00+00:00",
        "internal_users": 3,
        "modules": [{"name": "m", "code": 1, "author": "A", "source": "file"}],
    }
    body["host"] = {"hostname": "h", "disks": [{"mount": "/", "percent": 50}], "postgres_running": True}
    return body


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


PATHS = paths(full_report())


def mutated(path: tuple[Any, ...], value: Any, drop: bool) -> dict[str, Any]:
    """The full report with the field at `path` set to `value`, or removed (`drop`, in an object)."""
    document = copy.deepcopy(full_report())
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if drop and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


@settings(max_examples=400, deadline=None)
@given(path=st.sampled_from(PATHS), value=json_values, drop=st.booleans())
def test_agrees_with_jsonschema(path: tuple[Any, ...], value: Any, drop: bool) -> None:
    document = mutated(path, value, drop)
    assert _fast_check()(document) == _validator().is_valid(document)


@settings(max_examples=200, deadline=None)
@given(document=json_values)
def test_agrees_on_arbitrary_json(document: Any) -> None:
    assert _fast_check()(document) == _validator().is_valid(document)


def test_booleans_are_not_numbers_and_unknown_keywords_refuse() -> None:
    check = compile_schema({"properties": {"v": {"const": 1}}, "required": ["v"]})
    assert check({"v": 1}) and check({"v": 1.0}) and not check({"v": True})
    with pytest.raises(UnsupportedSchema):
        compile_schema({"oneOf": [{"type": "string"}]})
