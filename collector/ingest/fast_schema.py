"""A JSON Schema subset compiled to Python source once: a fast yes/no check for the hot ingest path.

Generic validators walk the schema for every document (about 1 ms per report here); the generated
function is straight-line code. Only the keywords the report schema uses are supported, and an unknown
keyword refuses to compile, so a schema change can never weaken validation silently. The complete
validator still runs for documents this check rejects, to name the field in the error.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# The keywords both compiled checks know (fast_schema here, typed_schema for msgspec); any other refuses.
_IGNORED = {"$schema", "$id", "title", "description", "format", "$comment", "examples", "default"}
SUPPORTED_KEYWORDS = _IGNORED | {
    "type",
    "const",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "maxItems",
    "minItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "pattern",
}
_TYPE_TESTS = {
    "string": "type({v}) is str",
    "object": "type({v}) is dict",
    "array": "type({v}) is list",
    "null": "{v} is None",
    "boolean": "type({v}) is bool",
    "number": "type({v}) in (int, float)",
    "integer": "(type({v}) is int or (type({v}) is float and {v}.is_integer()))",
}


class UnsupportedSchema(ValueError):
    pass


def json_equal(a: Any, b: Any) -> bool:
    # JSON keeps booleans apart from numbers; Python's True == 1 does not.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


_APPLIES = {  # the keywords that constrain a value of each type (JSON Schema ignores the others)
    "string": ("minLength", "maxLength", "pattern"),
    "number": ("minimum", "maximum"),
    "integer": ("minimum", "maximum"),
    "array": ("minItems", "maxItems", "items"),
    "object": ("required", "properties", "additionalProperties"),
    "boolean": (),
    "null": (),
}


class _Generator:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.names = itertools.count()

    def constant(self, value: Any) -> str:
        # A global name each: one dictionary look-up in the generated code, not a look-up and an index.
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def schema(self, schema: dict[str, Any], v: str, indent: int) -> None:
        unknown = set(schema) - SUPPORTED_KEYWORDS
        if unknown:
            raise UnsupportedSchema(f"keywords {sorted(unknown)} are not supported by the fast check")
        names = schema.get("type")
        names = names if isinstance(names, list) or names is None else [names]
        if names is not None and any(name not in _TYPE_TESTS for name in names):
            raise UnsupportedSchema(f"unknown type in {names}")
        solid = [name for name in names or () if name != "null"]
        if names and len(solid) == 1 and "const" not in schema and "enum" not in schema:
            # One type, perhaps nullable: test it once, then the keywords that apply to it, unguarded.
            if len(names) == 2:
                self.emit(indent, f"if {v} is not None:")
                indent += 1
            self.emit(indent, f"if not ({_TYPE_TESTS[solid[0]].format(v=v)}): return False")
            self.emit(indent, "pass")
            self.narrowed(schema, v, indent, solid[0])
            return
        if names is not None:
            test = " or ".join(f"({_TYPE_TESTS[name].format(v=v)})" for name in names)
            self.emit(indent, f"if not ({test}): return False")
        self.options(schema, v, indent)
        for kind in ("string", "number", "array", "object"):
            if any(keyword in schema for keyword in _APPLIES[kind]):
                self.emit(indent, f"if {_TYPE_TESTS[kind].format(v=v)}:")
                self.emit(indent + 1, "pass")
                self.narrowed(schema, v, indent + 1, kind)

    def options(self, schema: dict[str, Any], v: str, indent: int) -> None:
        options = [schema["const"]] if "const" in schema else schema.get("enum")
        if options is None:
            return
        if all(isinstance(o, str) or o is None for o in options):
            k = self.constant(frozenset(options))
            self.emit(indent, f"if type({v}) not in (str, NoneType) or {v} not in {k}: return False")
        else:
            k = self.constant(tuple(options))
            self.emit(indent, f"if not any(EQ({v}, o) for o in {k}): return False")

    def narrowed(self, schema: dict[str, Any], v: str, indent: int, kind: str) -> None:
        """Checks for a value already known to be of `kind`."""
        self.options(schema, v, indent)
        if kind == "string":
            for keyword, test in (("minLength", "<"), ("maxLength", ">")):
                if keyword in schema:
                    self.emit(indent, f"if len({v}) {test} {int(schema[keyword])}: return False")
            if "pattern" in schema:
                k = self.constant(re.compile(schema["pattern"]))
                self.emit(indent, f"if {k}.search({v}) is None: return False")
        elif kind in ("number", "integer"):
            for keyword, test in (("minimum", "<"), ("maximum", ">")):
                if keyword in schema:
                    k = self.constant(schema[keyword])
                    self.emit(indent, f"if {v} {test} {k}: return False")
        elif kind == "array":
            for keyword, test in (("minItems", "<"), ("maxItems", ">")):
                if keyword in schema:
                    self.emit(indent, f"if len({v}) {test} {int(schema[keyword])}: return False")
            if "items" in schema:
                item = f"x{next(self.names)}"
                self.emit(indent, f"for {item} in {v}:")
                self.emit(indent + 1, "pass")
                self.schema(schema["items"], item, indent + 1)
        elif kind == "object":
            self.object(schema, v, indent)

    def object(self, schema: dict[str, Any], v: str, indent: int) -> None:
        """Checks for a value known to be a dict."""
        required = schema.get("required", [])
        properties = schema.get("properties", {})
        additional = schema.get("additionalProperties", True)
        if additional not in (True, False):
            raise UnsupportedSchema("additionalProperties must be true or false for the fast check")
        if required:
            k = self.constant(frozenset(required))
            self.emit(indent, f"if not ({v}.keys() >= {k}): return False")
        if additional is False:
            # One set test in C instead of comparing every key with every declared name.
            k = self.constant(frozenset(properties))
            self.emit(indent, f"if not ({v}.keys() <= {k}): return False")
        for name, sub in properties.items():
            value = f"v{next(self.names)}"
            self.emit(indent, f"{value} = {v}.get({name!r}, MISSING)")
            self.emit(indent, f"if {value} is not MISSING:")
            self.emit(indent + 1, "pass")
            self.schema(sub, value, indent + 1)


def compile_schema(schema: dict[str, Any]) -> Check:
    generator = _Generator()
    generator.emit(0, "def check(document):")
    generator.schema(schema, "document", 1)
    generator.emit(1, "return True")
    namespace: dict[str, Any] = {
        **generator.constants,
        "EQ": json_equal,
        "NoneType": type(None),
        "MISSING": object(),
    }
    exec(compile("\n".join(generator.lines), "<report schema>", "exec"), namespace)
    check: Check = namespace["check"]
    return check
