"""The shared key declarations: reading, defaults, errors that name the dotted key, the declared tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest

from prioritysupport.config_keys import (
    BOOLEAN,
    DATE,
    DATE_TIME,
    LIST,
    NUMBER,
    STRINGS,
    TABLE,
    TEXT,
    WHOLE,
    ConfigKeyError,
    Key,
    Keys,
    at_least,
    declared_tables,
    dotted,
    keys_of,
    one_of,
    read_table,
    setting,
    type_words,
)

ITEM: Keys = {
    "name": Key(TEXT, "Name.", required=True),
    "size": Key(WHOLE, "Size.", 1, check=at_least(1)),
}
FILE: Keys = {
    "mode": Key(TEXT, "Mode.", "fast", check=one_of("fast", "slow")),
    "ratio": Key(NUMBER, "Ratio.", 0.5),
    "on": Key(BOOLEAN, "Switch.", False),
    "day": Key(DATE, "Day."),
    "at": Key(DATE_TIME, "Instant."),
    "tags": Key(STRINGS, "Tags.", []),
    "section": Key(TABLE, "A section.", keys={"depth": Key(WHOLE, "Depth.", 3)}),
    "items": Key(LIST, "Items.", [], each=Key(TABLE, "One item.", keys=ITEM)),
    "limits": Key(TABLE, "Per name.", {}, each=Key(WHOLE, "A limit.", check=at_least(0)), entry="kind"),
}


def test_absent_keys_take_their_defaults_and_sections_their_keys_defaults() -> None:
    values = read_table({}, FILE)
    assert values == {
        "mode": "fast",
        "ratio": 0.5,
        "on": False,
        "day": None,
        "at": None,
        "tags": [],
        "section": {"depth": 3},
        "items": [],
        "limits": {},
    }


def test_given_values_are_checked_and_converted() -> None:
    values = read_table(
        {
            "ratio": 2,
            "day": date(2026, 1, 5),
            "at": "2026-03-28T09:00",
            "tags": [" a ", "b"],
            "items": [{"name": "x"}],
            "limits": {"disk": 0},
        },
        FILE,
    )
    assert values["ratio"] == 2.0 and isinstance(values["ratio"], float)
    assert values["at"] == datetime(2026, 3, 28, 9, 0)
    assert values["tags"] == ("a", "b")
    assert values["items"] == [{"name": "x", "size": 1}]
    assert values["limits"] == {"disk": 0}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colour": 1}, "unknown key colour; expected one of at, day, items, limits, mode, on, ratio"),
        ({"section": {"deep": 1}}, "unknown key section.deep; expected one of depth"),
        ({"ratio": "1"}, "ratio must be a number, got '1'"),
        ({"ratio": True}, "ratio must be a number, got True"),
        ({"on": 1}, "on must be true or false, got 1"),
        ({"day": datetime(2026, 1, 5, 9)}, "day must be a date like 2026-01-01"),
        ({"at": "soon"}, "at is not a valid date-time: write it as 2026-03-28T09:00"),
        ({"tags": ["a", ""]}, "tags must be a list of non-empty strings"),
        ({"mode": "warp"}, "mode must be one of fast, slow, got 'warp'"),
        ({"items": [{"size": 2}]}, r"items\[0\]\.name is required"),
        ({"items": [{"name": "x", "size": 0}]}, r"items\[0\]\.size must be at least 1"),
        ({"items": {"name": "x"}}, r"items must be a list of tables \(\[\[items\]\] in TOML\)"),
        ({"limits": {"disk.usage": -1}}, r'limits\."disk\.usage" must be at least 0'),
        ({"section": 3}, "section must be a table, got 3"),
    ],
)
def test_errors_name_the_dotted_key_in_plain_words(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigKeyError, match=message):
        read_table(data, FILE)


def test_a_top_level_of_sections_speaks_of_sections() -> None:
    with pytest.raises(ConfigKeyError, match=r"unknown section \[nonsense\]; expected one of section"):
        read_table({"nonsense": {}}, {"section": FILE["section"]})


def test_a_default_passes_through_the_keys_check() -> None:
    keys = {"pair": Key(TEXT, "A pair.", "a b", check=lambda text: tuple(text.split()))}
    assert read_table({}, keys) == {"pair": ("a", "b")}


@dataclass(frozen=True)
class Model:
    port: int = setting(WHOLE, 80, "Port.", check=at_least(1))
    names: list[str] = setting(LIST, ["a"], "Names.")
    plain: str = "not a key"


def test_a_dataclass_declares_its_keys_on_its_fields() -> None:
    keys = keys_of(Model)
    assert list(keys) == ["port", "names"]
    assert keys["port"].default == Model().port == 80
    assert Model().names == ["a"] and Model().names is not Model().names
    assert Model(**read_table({"port": 8080}, keys)) == Model(port=8080)


def test_declared_tables_follow_the_toml_headings() -> None:
    headings = [(table.path, table.heading) for table in declared_tables(FILE)]
    assert headings == [("", "top level"), ("section", "[section]"), ("items", "[[items]]")]
    named = {"people": Key(TABLE, "People.", {}, each=Key(TABLE, "One.", keys=ITEM), entry="id")}
    assert [table.heading for table in declared_tables(named)] == ["top level", "[people.<id>]"]


def test_words_and_paths() -> None:
    assert type_words(int) == "a whole number"
    assert type_words((int, float)) == "a whole number or a number"
    assert dotted("", "a") == "a"
    assert dotted("a", "b.c") == 'a."b.c"'
