"""One way to declare the keys of a TOML file, shared by the collector and alerts (standard library only).

Each key is declared once as a `Key`: its kind, default, help, whether it is required or secret, and an
optional check. Reading (`read_table`), the defaults and the generated reference (docs/config_reference.py)
all come from those declarations, so a key cannot be accepted without being documented. Errors name the
dotted key (`routing.rules[2].calendar`) and say in plain words what was expected.

A dataclass can carry its declarations on its fields with `setting(...)`; `keys_of(cls)` collects them.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

KEY_METADATA = "config_key"


class ConfigKeyError(ValueError):
    """A key of a configuration file is wrong; `key` is its dotted path, the message one sentence."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def problem(key: str, text: str) -> ConfigKeyError:
    """'<key> <text>': the usual shape of an error about one key."""
    return ConfigKeyError(key, f"{key} {text}" if key else text)


# -- kinds: what a value must be, how that reads in an error and in the reference ----------------------


@dataclass(frozen=True)
class Kind:
    """A kind of value. `parse` turns an accepted value into the stored one; ValueError('') means 'not this
    kind' (the plain-words type error), any other ValueError message is the problem to report."""

    name: str  # in the reference: string, integer, number, ...
    words: str  # in an error: "must be <words>"
    types: tuple[type, ...]
    parse: Callable[[Any], Any] | None = None

    def read(self, value: object, key: str) -> Any:
        # bool is an int in Python: refuse true/false where a number is wanted.
        wrong_bool = isinstance(value, bool) and bool not in self.types
        if wrong_bool or not isinstance(value, self.types):
            raise self.mismatch(value, key)
        if self.parse is None:
            return value
        try:
            return self.parse(value)
        except ValueError as error:
            if not str(error):
                raise self.mismatch(value, key) from None
            raise problem(key, str(error)) from None

    def mismatch(self, value: object, key: str) -> ConfigKeyError:
        return problem(key, f"must be {self.words}, got {value!r}")


def _as_float(value: int | float) -> float:
    return float(value)


def _plain_date(value: date) -> date:
    if isinstance(value, datetime):
        raise ValueError("")
    return value


def _date_time(value: datetime | date | str) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"is not a valid date-time: write it as 2026-03-28T09:00, got {value!r}"
            ) from None
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0))


def _non_empty_strings(value: list[Any]) -> tuple[str, ...]:
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError("")
    return tuple(item.strip() for item in value)


TEXT = Kind("string", "text in quotes", (str,))
WHOLE = Kind("integer", "a whole number", (int,))
NUMBER = Kind("number", "a number", (int, float), _as_float)
BOOLEAN = Kind("boolean", "true or false", (bool,))
LIST = Kind("array", "a list", (list,))
STRINGS = Kind("array", "a list of non-empty strings", (list,), _non_empty_strings)
TABLE = Kind("table", "a table", (dict,))
PATH = Kind("path", "text in quotes (a file path)", (str,))  # relative to the file that names it
DATE = Kind("date", "a date like 2026-01-01", (date,), _plain_date)
DATE_TIME = Kind("date-time", "a date-time like 2026-03-28T09:00", (datetime, date, str), _date_time)

_WORDS = {int: WHOLE.words, float: NUMBER.words, str: TEXT.words, bool: BOOLEAN.words, list: LIST.words}


def type_words(kind: type | tuple[type, ...]) -> str:
    """How a Python type reads in an error message: 'a whole number', never 'a int'."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_WORDS.get(k, TABLE.words if k is dict else f"a {k.__name__}") for k in kinds)


# -- keys ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key of a file. A table's own keys are `keys`; a free-named table's entries or a list's items
    each follow `each`. `check` validates (and may convert) the value, raising ValueError('must be ...')."""

    kind: Kind
    help: str
    default: Any = None
    required: bool = False
    secret: bool = False
    check: Callable[[Any], Any] | None = None
    keys: Mapping[str, Key] | None = None
    each: Key | None = None
    default_text: str | None = None  # the reference's default when it depends on other keys
    entry: str = "name"  # what names an entry of a free-named table, for the reference: [people.<id>]

    @property
    def is_section(self) -> bool:
        """A [table] with declared keys (as opposed to a free table or a value)."""
        return self.kind is TABLE and self.keys is not None

    @property
    def is_table_list(self) -> bool:
        """A [[list]] of tables with declared keys."""
        return self.kind is LIST and self.each is not None and self.each.is_section


Keys = Mapping[str, Key]


def setting(kind: Kind, default: Any, help: str, **options: Any) -> Any:
    """A dataclass field carrying its Key (options as on Key); the field's default is the key's default."""
    key = Key(kind, help, default, **options)
    metadata = {KEY_METADATA: key}
    if isinstance(default, dict | list | set):
        return dataclasses.field(default_factory=lambda: copy.deepcopy(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def keys_of(model: type) -> dict[str, Key]:
    """The keys declared on a dataclass's fields with `setting(...)`, in field order."""
    return {
        field.name: field.metadata[KEY_METADATA]
        for field in dataclasses.fields(model)
        if KEY_METADATA in field.metadata
    }


# -- reading ---------------------------------------------------------------------------------------


def dotted(where: str, name: str) -> str:
    """The dotted path of `name` inside `where`; a name with a dot or space is quoted as in TOML."""
    part = f'"{name}"' if any(char in name for char in '. "') or not name else name
    return f"{where}.{part}" if where else part


def refuse_unknown(data: Mapping[str, Any], keys: Keys, where: str) -> None:
    """Refuse the first undeclared key, naming it and the accepted ones."""
    for name in data:
        if name not in keys:
            accepted = ", ".join(sorted(keys))
            if where == "" and all(key.is_section for key in keys.values()):
                raise ConfigKeyError(name, f"unknown section [{name}]; expected one of {accepted}")
            at = dotted(where, name)
            raise ConfigKeyError(at, f"unknown key {at}; expected one of {accepted}")


def read_table(data: object, keys: Keys, where: str = "") -> dict[str, Any]:
    """Every declared key of a table: its checked value, or its default; unknown keys are refused."""
    if not isinstance(data, Mapping):
        raise problem(where, f"must be a table, got {data!r}")
    refuse_unknown(data, keys, where)
    values: dict[str, Any] = {}
    for name, key in keys.items():
        at = dotted(where, name)
        if name in data:
            values[name] = read_value(data[name], key, at)
        elif key.required:
            raise problem(at, "is required")
        elif key.is_section:
            values[name] = read_value({}, key, at)
        else:
            values[name] = default_of(key)
    return values


def default_of(key: Key) -> Any:
    """The value of an absent key: its default (written as in the file) through its check."""
    value = copy.deepcopy(key.default)
    return key.check(value) if key.check is not None and value is not None else value


def read_value(value: object, key: Key, at: str) -> Any:
    """One value checked against its key: kind, nested keys or entries, then the key's own check."""
    tables = isinstance(value, list) and all(isinstance(item, Mapping) for item in value)
    if key.is_table_list and not tables:
        name = at.rsplit(".", 1)[-1].split("[", 1)[0]
        raise problem(at, f"must be a list of tables ([[{name}]] in TOML)")
    result = key.kind.read(value, at)
    if key.keys is not None:
        result = read_table(result, key.keys, at)
    elif key.each is not None and isinstance(result, dict):
        result = {name: read_value(item, key.each, dotted(at, name)) for name, item in result.items()}
    elif key.each is not None and isinstance(result, list):
        result = [read_value(item, key.each, f"{at}[{index}]") for index, item in enumerate(result)]
    if key.check is None:
        return result
    try:
        return key.check(result)
    except ValueError as error:
        raise problem(at, str(error)) from None


# -- the reference: every declared table, nested ones after their parent -----------------------------


@dataclass(frozen=True)
class DeclaredTable:
    path: str  # dotted path of the table; free names as <entry>: "people.<id>"
    heading: str  # as the table is written in TOML: "[server]", "[[routing.rules]]", "top level"
    keys: Keys
    help: str = ""


def declared_tables(
    keys: Keys, path: str = "", heading: str = "top level", help: str = ""
) -> list[DeclaredTable]:
    """The table of `keys` and, depth first, every table declared inside it."""
    tables = [DeclaredTable(path, heading, keys, help)]
    for name, key in keys.items():
        tables += _nested_tables(key, dotted(path, name), in_list=False)
    return tables


def _nested_tables(key: Key, path: str, *, in_list: bool) -> list[DeclaredTable]:
    if key.keys is not None:
        return declared_tables(key.keys, path, f"[[{path}]]" if in_list else f"[{path}]", key.help)
    if key.each is None:
        return []
    if key.kind is LIST:
        return _nested_tables(key.each, path, in_list=True)
    return _nested_tables(key.each, f"{path}.<{key.entry}>", in_list=in_list)


# -- checks: small validators for `check=` ---------------------------------------------------------


def at_least(lowest: float, *, unit: str = "") -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value < lowest:
            raise ValueError(f"must be at least {lowest}{unit}")
        return value

    return check


def between(lowest: float, highest: float) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not lowest <= value <= highest:
            raise ValueError(f"must be between {lowest} and {highest}")
        return value

    return check


def one_of(*choices: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    return check


def min_length(characters: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is not None and len(value) < characters:
            raise ValueError(f"must be at least {characters} characters long")
        return value

    return check


def non_empty(value: Any) -> Any:
    """Text with something in it (stripped), or a list with at least one item."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(f"must be a non-empty string, got {value!r}")
        return value.strip()
    if not value:
        raise ValueError(f"must not be empty, got {value!r}")
    return value
