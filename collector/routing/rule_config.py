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

from typing import Any

from collector.routing.rules import Chain, Rule

CALENDARS = ("any", "support", "premium")
PRIORITIES = ("A", "B", "C", "D")
RULE_KEYS = {"name", "match", "kind", "recipients", "calendar", "continue", "escalation"}
Scalar = str | bool | int


class RoutingConfigError(ValueError):
    """A routing rule that cannot be used; the message names the key."""


def parse_rules(raw: object, where: str = "routing.rules") -> tuple[Rule, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(item, dict) for item in raw):
        raise RoutingConfigError(f"{where} must be a non-empty list of tables ([[{where}]] in TOML)")
    rules = tuple(_rule(item, f"{where}[{index}]") for index, item in enumerate(raw))
    names = [rule.name for rule in rules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise RoutingConfigError(f"{where}: rule names must be unique; repeated: {', '.join(duplicates)}")
    return rules


def _rule(table: dict[str, Any], where: str) -> Rule:
    unknown = sorted(set(table) - RULE_KEYS)
    if unknown:
        raise RoutingConfigError(
            f"unknown key {where}.{unknown[0]}; expected one of {', '.join(sorted(RULE_KEYS))}"
        )
    name = _text(table.get("name"), f"{where}.name")
    kind = _text(table.get("kind"), f"{where}.kind")
    recipients = _texts(table.get("recipients"), f"{where}.recipients")
    calendar = table.get("calendar", "any")
    if calendar not in CALENDARS:
        raise RoutingConfigError(f"{where}.calendar must be one of {', '.join(CALENDARS)}, got {calendar!r}")
    proceed = table.get("continue", False)
    if not isinstance(proceed, bool):
        raise RoutingConfigError(f"{where}.continue must be true or false, got {proceed!r}")
    return Rule(
        name=name,
        match=_match(table.get("match", {}), f"{where}.match"),
        kind=kind,
        recipients=recipients,
        calendar=calendar,
        escalation=_escalation(table.get("escalation", {}), f"{where}.escalation"),
        continue_matching=proceed,
    )


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RoutingConfigError(f"{where} must be a non-empty string, got {value!r}")
    return value.strip()


def _texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise RoutingConfigError(f"{where} must be a non-empty list of strings, got {value!r}")
    return tuple(_text(item, f"{where}[{index}]") for index, item in enumerate(value))


def _match(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RoutingConfigError(f"{where} must be a table of field = value (or a list of values)")
    match: dict[str, Any] = {}
    for key, wanted in value.items():
        if isinstance(wanted, list):
            if not wanted or not all(isinstance(item, Scalar) for item in wanted):
                raise RoutingConfigError(f"{where}.{key} must list strings, numbers or booleans")
            match[key] = tuple(wanted)
        elif isinstance(wanted, Scalar):
            match[key] = wanted
        else:
            raise RoutingConfigError(f"{where}.{key} must be a string, number, boolean or a list of them")
    return match


def _escalation(value: object, where: str) -> dict[str, Chain]:
    if not isinstance(value, dict):
        raise RoutingConfigError(f"{where} must be a table by priority (A = [...])")
    chains: dict[str, Chain] = {}
    for priority, steps in value.items():
        at = f"{where}.{priority}"
        if priority not in PRIORITIES:
            raise RoutingConfigError(f"{where} keys are priorities {', '.join(PRIORITIES)}, got {priority!r}")
        if not isinstance(steps, list) or not all(isinstance(step, dict) for step in steps):
            raise RoutingConfigError(f"{at} must be a list of {{ after_minutes = ..., recipients = [...] }}")
        chain = []
        for index, step in enumerate(steps):
            unknown = sorted(set(step) - {"after_minutes", "recipients"})
            if unknown:
                raise RoutingConfigError(
                    f"unknown key {at}[{index}].{unknown[0]}; use after_minutes, recipients"
                )
            minutes = step.get("after_minutes")
            if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
                raise RoutingConfigError(f"{at}[{index}].after_minutes must be a whole number of at least 1")
            chain.append((minutes, _texts(step.get("recipients"), f"{at}[{index}].recipients")))
        chains[priority] = tuple(chain)
    return chains
