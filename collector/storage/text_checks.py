"""Text that cannot be stored: lone surrogates (a JSON "\\ud800" escape decodes to one; UTF-8 has none)."""

from __future__ import annotations

from typing import Any

LONE_SURROGATE = "contains a lone surrogate (a \\ud800-\\udfff escape); send valid Unicode text"


def is_storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_path(data: Any, path: str = "") -> str | None:
    """Where in a decoded JSON document the first unstorable string (key or value) is, else None."""
    if isinstance(data, str):
        return None if is_storable(data) else path or "body"
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}/{key}" if path else str(key)
            if isinstance(key, str) and not is_storable(key):
                return path or "body"
            found = unstorable_path(value, where)
            if found:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = unstorable_path(value, f"{path}/{index}" if path else str(index))
            if found:
                return found
    return None


def refuse_unstorable(data: Any) -> Any:
    """A pydantic "before" model validator: a clear 422 instead of a 500 when the text is stored."""
    where = unstorable_path(data)
    if where is not None:
        raise ValueError(f"{where.encode('utf-8', 'backslashreplace').decode()} {LONE_SURROGATE}")
    return data
