"""The report schema as msgspec types: parsing and validating the usual report in one pass in C.

A yes-or-don't-know decoder for the hot ingest path. It accepts a body only when the JSON Schema
accepts it and the result is exactly the document json would parse (same keys, same int or float);
anything else it cannot vouch for (an integer written as 1.0, a lone surrogate, an unknown field, a
value out of range) it leaves to the reference path: parse, the compiled fast check, the complete
validator with its field-naming error. Only keywords whose meaning msgspec shares exactly are compiled;
any other keyword refuses, so a schema change can never widen what the fast path lets through.
"""

from __future__ import annotations

import itertools
import keyword
import math
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union

import msgspec

from collector.ingest.fast_schema import SUPPORTED_KEYWORDS, UnsupportedSchema

Decode = Callable[[bytes], dict[str, Any] | None]


class _Compiler:
    def __init__(self) -> None:
        self.names = itertools.count()

    def schema(self, schema: dict[str, Any]) -> Any:
        unknown = set(schema) - SUPPORTED_KEYWORDS
        if unknown:
            raise UnsupportedSchema(f"keywords {sorted(unknown)} are not supported by the typed decoder")
        names = schema.get("type")
        names = names if isinstance(names, list) else [names] if names is not None else None
        if "const" in schema or "enum" in schema:
            return _options([schema["const"]] if "const" in schema else list(schema["enum"]), names)
        if names is None:
            raise UnsupportedSchema("a schema without a type")  # any JSON value: not a msgspec type
        solid = [name for name in names if name != "null"]
        if len(solid) != 1:
            raise UnsupportedSchema(f"type {names}: one type (perhaps nullable) only")
        kind = self.typed(schema, solid[0])
        return Union[kind, None] if "null" in names else kind  # noqa: UP007 (built at run time)

    def typed(self, schema: dict[str, Any], kind: str) -> Any:
        if kind == "string":
            return _annotated(
                str,
                min_length=schema.get("minLength"),
                max_length=schema.get("maxLength"),
                pattern=schema.get("pattern"),
            )
        if kind == "boolean":
            return bool
        if kind == "integer":
            return _integer(schema)
        if kind == "number":
            # int and float stay apart, as json parses them: 88 stays 88, 88.0 stays 88.0.
            real = _annotated(float, ge=schema.get("minimum"), le=schema.get("maximum"))
            return Union[_integer(schema), real]  # noqa: UP007
        if kind == "array":
            if "items" not in schema:
                raise UnsupportedSchema("an array without items")
            return _annotated(
                list[self.schema(schema["items"])],  # type: ignore[misc]
                min_length=schema.get("minItems"),
                max_length=schema.get("maxItems"),
            )
        if kind == "object":
            return self.object(schema)
        raise UnsupportedSchema(f"type {kind!r}")

    def object(self, schema: dict[str, Any]) -> Any:
        if schema.get("additionalProperties", True) is not False:
            # A struct would drop unknown fields instead of keeping them as json does.
            raise UnsupportedSchema("objects need additionalProperties: false for the typed decoder")
        required = set(schema.get("required", ()))
        properties: dict[str, Any] = schema.get("properties", {})
        if not required <= set(properties):
            raise UnsupportedSchema("a required field without a schema")
        fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
        for name, sub in properties.items():
            if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
                raise UnsupportedSchema(f"field name {name!r}")
            kind = self.schema(sub)
            if name in required:
                fields.append((name, kind))
            else:  # absent stays absent (to_builtins leaves UNSET out); null stays null
                fields.append((name, Union[kind, msgspec.UnsetType], msgspec.UNSET))  # noqa: UP007
        return msgspec.defstruct(
            f"Object{next(self.names)}", fields, kw_only=True, forbid_unknown_fields=True
        )


def _options(options: list[Any], names: list[str] | None) -> Any:
    """enum or const: strings (perhaps null) as a Literal, or a single integer."""
    if names is None and len(options) == 1 and type(options[0]) is int:
        # const 1 as Literal[1]: 1.0 (which the schema takes) falls back; true never matches.
        return Literal[options[0]]
    if names is not None and not set(names) <= {"string", "null"}:
        raise UnsupportedSchema(f"enum {options!r} with type {names}")
    if not all(isinstance(option, str) or option is None for option in options):
        raise UnsupportedSchema(f"enum {options!r}: strings and null only")
    strings = tuple(option for option in options if option is not None)
    nullable = None in options and (names is None or "null" in names)
    if not strings:
        raise UnsupportedSchema(f"enum {options!r} without a string")
    kind: Any = Literal[strings]
    return Union[kind, None] if nullable else kind  # noqa: UP007


def _integer(schema: dict[str, Any]) -> Any:
    low, high = schema.get("minimum"), schema.get("maximum")
    return _annotated(
        int,
        ge=None if low is None else math.ceil(low),
        le=None if high is None else math.floor(high),
    )


def _annotated(kind: Any, **constraints: Any) -> Any:
    given = {key: value for key, value in constraints.items() if value is not None}
    return Annotated[kind, msgspec.Meta(**given)] if given else kind


def compile_decoder(schema: dict[str, Any]) -> Decode:
    """A decoder returning the document (plain dicts and lists) when the body is JSON the schema
    accepts, or None when it cannot say (the caller takes the reference path)."""
    if schema.get("type") != "object":
        raise UnsupportedSchema("the document must be an object")
    decoder = msgspec.json.Decoder(_Compiler().schema(schema))
    to_builtins = msgspec.to_builtins
    failures = (msgspec.ValidationError, msgspec.DecodeError)

    def decode(body: bytes) -> dict[str, Any] | None:
        try:
            document: dict[str, Any] = to_builtins(decoder.decode(body))
        except failures:
            return None
        return document

    return decode
