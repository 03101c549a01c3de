"""Routing rules from collector.toml replace the defaults; bad rules are refused naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from alerts.tables import outbox
from collector.config import ConfigError, load_config, parse_config
from collector.routing.rules import DEFAULT_RULES
from collector.service import Collector, build_collector
from prioritysupport.clock import FixedClock
from tests.collector.conftest import prepared_engine
from tests.collector.tickets.test_tickets import open_ticket

RULES = """
[[routing.rules]]
name = "incidents-to-the-manager"
match = { event = "ticket_opened", category = "incident", priority = ["A", "B"] }
kind = "page"
recipients = ["support-manager"]
continue = true
[routing.rules.escalation]
A = [{ after_minutes = 10, recipients = ["ops"] }]

[[routing.rules]]
name = "everything-else"
match = { event = "ticket_opened" }
kind = "team_notice"
recipients = ["support-team"]
calendar = "support"
"""


def test_rules_from_the_config_replace_the_defaults(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "collector.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "c.db"}"\n{RULES}', encoding="utf-8")
    config = load_config(path)
    assert config.routing_rules is not None and [r.name for r in config.routing_rules] == [
        "incidents-to-the-manager",
        "everything-else",
    ]
    collector = build_collector(config, clock=clock, engine=prepared_engine(config.database_url))
    try:
        number = open_ticket(collector)  # globex incident, high, organisation: A, no reporter
        with collector.engine.connect() as conn:
            sent = conn.execute(
                select(outbox.c.kind, outbox.c.recipients, outbox.c.escalation).where(
                    outbox.c.subject_ref == number
                )
            ).all()
    finally:
        collector.engine.dispose()
    kinds = sorted((kind, tuple(recipients)) for kind, recipients, _ in sent)
    assert kinds == [("page", ("support-manager",)), ("team_notice", ("support-team",))]
    assert "ops" in str([chain for kind, _, chain in sent if kind == "page"])


def test_without_rules_the_defaults_apply(tmp_path: Path, collector: Collector) -> None:
    assert parse_config({}, tmp_path).routing_rules is None
    assert collector.router.rules == DEFAULT_RULES


def rule(**changes: Any) -> dict[str, Any]:
    return {
        "name": "r",
        "match": {"event": "ticket_opened"},
        "kind": "team_notice",
        "recipients": ["x"],
        **changes,
    }


@pytest.mark.parametrize(
    ("rules", "named"),
    [
        ([], "routing.rules"),
        ([rule(calendar="weekend")], "routing.rules[0].calendar"),
        ([rule(), rule(recipients=[])], "routing.rules[1].recipients"),
        ([rule(kind="")], "routing.rules[0].kind"),
        ([rule(colour="red")], "routing.rules[0].colour"),
        ([rule(match={"priority": {"A": 1}})], "routing.rules[0].match.priority"),
        ([rule(escalation={"Z": []})], "routing.rules[0].escalation"),
        (
            [rule(escalation={"A": [{"after_minutes": 0, "recipients": ["x"]}]})],
            "escalation.A[0].after_minutes",
        ),
        ([rule(), rule()], "unique"),
        ([rule(**{"continue": "yes"})], "routing.rules[0].continue"),
    ],
)
def test_bad_rules_name_the_key(tmp_path: Path, rules: list[Any], named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.").replace("[", r"\[").replace("]", r"\]")):
        parse_config({"routing": {"rules": rules}}, tmp_path)


def test_short_secrets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"server\.alertmanager_token"):
        parse_config({"server": {"alertmanager_token": "short"}}, tmp_path)
