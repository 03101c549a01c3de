"""How a Python type reads in an error message: "must be a whole number", never "must be a int"."""

from __future__ import annotations

_TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "str": "text in quotes",
    "bool": "true or false",
    "list": "a list",
    "dict": "a table",
}


def type_words(kind: type | tuple[type, ...]) -> str:
    """'a whole number' for int; 'a whole number or a number' for (int, float)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_WORDS.get(k.__name__, f"a {k.__name__}") for k in kinds)
