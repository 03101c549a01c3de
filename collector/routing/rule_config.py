"""Routing rules from the collector configuration: a TOML list that replaces the default rules.

```toml
[[routing.rules]]
name = "premium-emergency-page"
match = { event = "ticket_opened", category = "incident", priority = ["A", "B"], premium = true }
kind = "page"
recipients = ["oncall-primary"]
calendar = "premium"            # any (default) | support | premium: held until the calendar opens
continue = false                # true: later rules may match the same event too
[routing.rules.escalation]      # per priority: steps after the first send, until acknowledged
A = [
  { after_minutes = 15, recipients = ["oncall-secondary"] },
  { after_minutes = 15, recipients = ["support-manager"] },
]
```

Everything is checked before any rule is used; an error names the key (`routing.rules[2].calendar ...`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prioritysupport.config_keys import (
    BOOLEAN,
    LIST,
    STRINGS,
    TABLE,
    TEXT,
    WHOLE,
    ConfigKeyError,
    Key,
    Keys,
    Kind,
    at_least,
    non_empty,
    one_of,
    read_value,
)

if TYPE_CHECKING:
    from collector.routing.rules import Chain, Rule

CALENDARS = ("any", "support", "premium")
PRIORITIES = ("A", "B", "C", "D")
Scalar = str | bool | int


class RoutingConfigError(ValueError):
    """A routing rule that cannot be used; the message names the key."""


def _match_value(value: object) -> Any:
    if isinstance(value, list):
        if not value or not all(isinstance(item, Scalar) for item in value):
            raise ValueError("must list strings, numbers or booleans")
        return tuple(value)
    if not isinstance(value, Scalar):
        raise ValueError("must be a string, number, boolean or a list of them")
    return value


def _priorities(chains: dict[str, Any]) -> dict[str, Any]:
    wrong = [priority for priority in chains if priority not in PRIORITIES]
    if wrong:
        raise ValueError(f"keys are priorities {', '.join(PRIORITIES)}, got {wrong[0]!r}")
    return chains


MATCH_VALUE = Kind(
    "value", "a string, number, boolean or a list of them", (str, int, bool, list), _match_value
)

ESCALATION_STEP_KEYS: Keys = {
    "after_minutes": Key(WHOLE, "Minutes after the previous send.", required=True, check=at_least(1)),
    "recipients": Key(STRINGS, "Recipient tags of this step.", required=True, check=non_empty),
}

# The keys of one [[routing.rules]] table; collector/config.py declares the list, the reference shows both.
RULE_KEYS: Keys = {
    "name": Key(TEXT, "Unique name of the rule.", required=True, check=non_empty),
    "match": Key(
        TABLE,
        "Event fields and the value (or list of values) each must have.",
        {},
        each=Key(MATCH_VALUE, "A value or a list of values."),
    ),
    "kind": Key(TEXT, "Kind of notification, e.g. page or mail.", required=True, check=non_empty),
    "recipients": Key(
        STRINGS, "Recipient tags, e.g. oncall-primary or support-team.", required=True, check=non_empty
    ),
    "calendar": Key(
        TEXT, "any, support or premium: held until that calendar opens.", "any", check=one_of(*CALENDARS)
    ),
    "continue": Key(BOOLEAN, "true: later rules may match the same event too.", False),
    "escalation": Key(
        TABLE,
        "Per priority: steps { after_minutes, recipients } until acknowledged.",
        {},
        each=Key(LIST, "Steps of one priority.", each=Key(TABLE, "One step.", keys=ESCALATION_STEP_KEYS)),
        check=_priorities,
        entry="priority",
    ),
}


def _rule(table: dict[str, Any]) -> Rule:
    from collector.routing.rules import Rule

    chains: dict[str, Chain] = {
        priority: tuple((step["after_minutes"], step["recipients"]) for step in steps)
        for priority, steps in table["escalation"].items()
    }
    return Rule(
        name=table["name"],
        match=table["match"],
        kind=table["kind"],
        recipients=table["recipients"],
        calendar=table["calendar"],
        escalation=chains,
        continue_matching=table["continue"],
    )


def rules_from_tables(tables: list[dict[str, Any]]) -> tuple[Rule, ...]:
    """The checked [[routing.rules]] tables as rules; names must be unique."""
    if not tables:
        raise ValueError("must be a non-empty list of tables ([[routing.rules]] in TOML)")
    names = [table["name"] for table in tables]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"must have unique rule names; repeated: {', '.join(duplicates)}")
    return tuple(_rule(table) for table in tables)


RULES = Key(
    LIST,
    "Notification routing rules ([[routing.rules]]); given, they replace the built-in rules.",
    each=Key(TABLE, "One rule, tried in order.", keys=RULE_KEYS),
    check=rules_from_tables,
)


def parse_rules(raw: object, where: str = "routing.rules") -> tuple[Rule, ...]:
    """Rules from a decoded TOML list, everything checked before any rule is used."""
    try:
        rules: tuple[Rule, ...] = read_value(raw, RULES, where)
    except ConfigKeyError as error:
        raise RoutingConfigError(str(error)) from None
    return rules
