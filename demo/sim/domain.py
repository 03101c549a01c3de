"""Odoo search domains evaluated against plain dict records (prefix notation, implicit AND)."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from typing import Any

Record = dict[str, Any]

_OPERATORS = ("&", "|", "!")


class DomainError(ValueError):
    """A domain that Odoo would refuse, with Odoo's wording."""


def _empty(value: Any) -> bool:
    # Odoo sends False for an empty field; 0 is a value, so compare by identity.
    return value is None or value is False


def _compare(value: Any, operator: str, operand: Any) -> bool:
    if operator in ("=", "=="):
        return bool(value == operand or (operand is False and _empty(value)))
    if operator in ("!=", "<>"):
        return not _compare(value, "=", operand)
    if operator == "in":
        return value in list(operand)
    if operator == "not in":
        return value not in list(operand)
    if operator in ("like", "ilike", "not like", "not ilike"):
        text = "" if _empty(value) else str(value)
        needle = str(operand)
        if operator.endswith("ilike"):
            text, needle = text.lower(), needle.lower()
        found = needle in text
        return not found if operator.startswith("not") else found
    if operator in ("=like", "=ilike"):
        text = "" if _empty(value) else str(value)
        pattern = str(operand).replace("%", "*").replace("_", "?")
        if operator == "=ilike":
            return fnmatch.fnmatchcase(text.lower(), pattern.lower())
        return fnmatch.fnmatchcase(text, pattern)
    if operator in ("<", ">", "<=", ">="):
        if _empty(value) or _empty(operand):
            return False
        checks: dict[str, Callable[[Any, Any], bool]] = {
            "<": lambda a, b: a < b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
        }
        return checks[operator](value, operand)
    raise DomainError(f"Invalid leaf {operator!r}")


def _leaf_value(record: Record, field: str) -> Any:
    value = record.get(field.split(".")[0], False)
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
        return value[0]  # many2one as [id, name] compares by id
    return value


def matches(record: Record, domain: Sequence[Any], known_fields: set[str]) -> bool:
    """True when the record satisfies the domain."""
    items = list(domain)
    position = 0

    def parse() -> bool:
        nonlocal position
        if position >= len(items):
            raise DomainError("Invalid domain: missing operand")
        item = items[position]
        position += 1
        if item == "!":
            return not parse()
        if item in ("&", "|"):
            left = parse()
            right = parse()
            return (left and right) if item == "&" else (left or right)
        if isinstance(item, list | tuple) and len(item) == 3:
            field, operator, operand = item
            if field in (1, 0) and operator == "=":
                return bool(field == operand)
            if not isinstance(field, str) or field.split(".")[0] not in known_fields:
                raise DomainError(f"Invalid field {field!r} in leaf {tuple(item)!r}")
            return _compare(_leaf_value(record, field), str(operator).lower(), operand)
        raise DomainError(f"Invalid leaf {item!r}")

    results: list[bool] = []
    while position < len(items):
        results.append(parse())
    return all(results)


def mentions(domain: Sequence[Any], field: str) -> bool:
    """True when a leaf of the domain filters on the field (Odoo's active_test rule)."""
    return any(isinstance(item, list | tuple) and len(item) == 3 and item[0] == field for item in domain)
