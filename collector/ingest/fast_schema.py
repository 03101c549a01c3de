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

_IGNORED = {"$schema", "$id", "title", "description", "format", "$comment", "examples", "default"}
_SUPPORTED = _IGNORED | {
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


class _Generator:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: list[Any] = []
        self.names = itertools.count()

    def constant(self, value: Any) -> str:
        self.constants.append(value)
        return f"K[{len(self.constants) - 1}]"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def schema(self, schema: dict[str, Any], v: str, indent: int) -> None:
        unknown = set(schema) - _SUPPORTED
        if unknown:
            raise UnsupportedSchema(f"keywords {sorted(unknown)} are not supported by the fast check")
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if any(name not in _TYPE_TESTS for name in names):
                raise UnsupportedSchema(f"unknown type in {names}")
            test = " or ".join(f"({_TYPE_TESTS[name].format(v=v)})" for name in names)
            self.emit(indent, f"if not ({test}): return False")
        options = [schema["const"]] if "const" in schema else schema.get("enum")
        if options is not None:
            if all(isinstance(o, str) or o is None for o in options):
                k = self.constant(frozenset(options))
                self.emit(indent, f"if type({v}) not in (str, NoneType) or {v} not in {k}: return False")
            else:
                k = self.constant(tuple(options))
                self.emit(indent, f"if not any(EQ({v}, o) for o in {k}): return False")
        for keyword, test in (("minLength", "<"), ("maxLength", ">")):
            if keyword in schema:
                self.emit(
                    indent, f"if type({v}) is str and len({v}) {test} {int(schema[keyword])}: return False"
                )
        if "pattern" in schema:
            k = self.constant(re.compile(schema["pattern"]))
            self.emit(indent, f"if type({v}) is str and {k}.search({v}) is None: return False")
        for keyword, test in (("minimum", "<"), ("maximum", ">")):
            if keyword in schema:
                k = self.constant(schema[keyword])
                self.emit(indent, f"if type({v}) in (int, float) and {v} {test} {k}: return False")
        for keyword, test in (("minItems", "<"), ("maxItems", ">")):
            if keyword in schema:
                self.emit(
                    indent, f"if type({v}) is list and len({v}) {test} {int(schema[keyword])}: return False"
                )
        if "items" in schema:
            item = f"x{next(self.names)}"
            self.emit(indent, f"if type({v}) is list:")
            self.emit(indent + 1, f"for {item} in {v}:")
            self.emit(indent + 2, "pass")
            self.schema(schema["items"], item, indent + 2)
        self.object(schema, v, indent)

    def object(self, schema: dict[str, Any], v: str, indent: int) -> None:
        required = schema.get("required", [])
        properties = schema.get("properties", {})
        additional = schema.get("additionalProperties", True)
        if additional not in (True, False):
            raise UnsupportedSchema("additionalProperties must be true or false for the fast check")
        if not (required or properties or additional is False):
            return
        self.emit(indent, f"if type({v}) is dict:")
        self.emit(indent + 1, "pass")
        for name in required:
            self.emit(indent + 1, f"if {name!r} not in {v}: return False")
        if not properties and additional is not False:
            return
        key, value = f"k{next(self.names)}", f"v{next(self.names)}"
        self.emit(indent + 1, f"for {key}, {value} in {v}.items():")
        keyword = "if"
        for name, sub in properties.items():
            self.emit(indent + 2, f"{keyword} {key} == {name!r}:")
            self.emit(indent + 3, "pass")
            self.schema(sub, value, indent + 3)
            keyword = "elif"
        if additional is False:
            self.emit(indent + 2, "else: return False" if properties else "return False")


def compile_schema(schema: dict[str, Any]) -> Check:
    generator = _Generator()
    generator.emit(0, "def check(document):")
    generator.schema(schema, "document", 1)
    generator.emit(1, "return True")
    namespace: dict[str, Any] = {"K": generator.constants, "EQ": json_equal, "NoneType": type(None)}
    exec(compile("\n".join(generator.lines), "<report schema>", "exec"), namespace)
    check: Check = namespace["check"]
    return check
