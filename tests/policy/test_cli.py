"""`triage`, `sla` and `quote` as a user runs them: JSON keys, local times with offset, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from collector.policy.cli import register

app = typer.Typer(pretty_exceptions_enable=False)
register(app)
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> dict[str, Any]:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.mark.parametrize(
    ("args", "priority"),
    [
        (["--category", "incident", "--impact", "high", "--scope", "organisation"], "A"),
        (["--category", "incident", "--impact", "hoog", "--scope", "een-gebruiker"], "B"),
        (["--category", "incident", "--impact", "medium", "--scope", "meerdere-gebruikers"], "C"),
        (["--category", "incident", "--impact", "laag", "--scope", "organisatie-breed"], "C"),
        (["--category", "incident", "--impact", "low", "--scope", "organisation-wide"], "C"),
        (["--category", "incident", "--impact", "low", "--scope", "one-user"], "D"),
        (["--category", "vraag"], "D"),
        (["--category", "wijzigingsverzoek"], "D"),
        (["--category", "change", "--impact", "high", "--scope", "organisation"], "D"),
    ],
)
def test_triage(args: list[str], priority: str) -> None:
    assert run_json("triage", *args)["priority"] == priority


def test_triage_table_has_dutch_labels() -> None:
    code, out, _ = run("triage", "--category", "question")
    assert code == 0 and "Prioriteit" in out and "Priority" in out


def test_triage_incident_needs_impact_and_scope() -> None:
    code, _, err = run("triage", "--category", "incident", "--impact", "high")
    assert code == 2
    assert err.strip().count("\n") == 0 and "--scope" in err


SLA_KEYS = {"priority", "response_due", "resolution_due", "response_calendar", "resolution_calendar"}


def test_sla_worked_example_standard() -> None:
    data = run_json(
        "sla", "--package", "small", "--category", "incident", "--impact", "high",
        "--scope", "multiple-users", "--created", "2026-11-27T16:30",
    )  # fmt: skip
    assert data.keys() >= SLA_KEYS
    assert data["priority"] == "A"
    assert data["response_due"] == "2026-11-30T10:30:00+01:00"
    assert data["resolution_due"] == "2026-11-30T16:30:00+01:00"
    assert (data["response_calendar"], data["resolution_calendar"]) == ("support", "support")


def test_sla_worked_example_premium_with_offset_input() -> None:
    data = run_json(
        "sla", "--package", "large", "--premium", "--category", "incident", "--priority", "A",
        "--created", "2026-11-27T15:30:00Z",
    )  # fmt: skip
    assert data["response_due"] == "2026-11-27T17:30:00+01:00"
    assert data["response_calendar"] == "premium"
    assert data["resolution_calendar"] == "support"


def test_sla_kings_day_example() -> None:
    data = run_json(
        "sla", "--package", "medium", "--category", "incident", "--impact", "medium",
        "--scope", "organisatie-breed", "--created", "2026-04-24T15:00",
    )  # fmt: skip
    assert data["priority"] == "B"
    assert data["response_due"] == "2026-04-28T11:00:00+02:00"


def test_sla_question_needs_no_impact_and_resolution_is_by_agreement() -> None:
    data = run_json("sla", "--package", "small", "--category", "vraag", "--created", "2026-11-27T16:30")
    assert data["priority"] == "D"
    assert data["response_due"] == "2026-12-04T16:30:00+01:00"
    assert data["resolution_due"] is None


def test_sla_spring_gap_is_an_error() -> None:
    code, out, err = run(
        "sla", "--package", "small", "--category", "vraag", "--created", "2026-03-29T02:30"
    )  # fmt: skip
    assert code == 2 and out == ""
    assert "does not exist" in err and err.strip().count("\n") == 0


def test_sla_autumn_hour_means_the_summer_time_instant() -> None:
    data = run_json(
        "sla", "--package", "small", "--premium", "--category", "incident", "--priority", "A",
        "--created", "2026-10-25T02:30",
    )  # fmt: skip
    assert data["registered_at"] == "2026-10-25T02:30:00+02:00"
    assert data["response_due"] == "2026-10-25T07:00:00+01:00"


@pytest.mark.parametrize(
    "args",
    [
        ["--package", "tiny", "--category", "vraag", "--created", "2026-11-27T10:00"],
        ["--package", "small", "--category", "bug", "--created", "2026-11-27T10:00"],
        ["--package", "small", "--category", "vraag", "--created", "yesterday"],
        ["--package", "small", "--category", "vraag", "--priority", "Z", "--created", "2026-11-27T10:00"],
    ],
)
def test_sla_bad_input_is_one_sentence(args: list[str]) -> None:
    code, _, err = run("sla", *args)
    assert code == 2 and err.startswith("error: ") and err.strip().count("\n") == 0


def test_triage_names_the_bad_value_and_the_valid_ones() -> None:
    code, out, err = run("triage", "--category", "incident", "--impact", "huge")
    assert (code, out) == (2, "")
    assert err.startswith("error: unknown impact 'huge': use one of low, laag, medium, high, hoog")
    assert "--priority" not in err


def test_triage_without_scope_says_which_values_fit_and_no_priority_option() -> None:
    code, _, err = run("triage", "--category", "incident", "--impact", "high")
    assert code == 2 and err.startswith("error: an incident needs --scope.") and "--priority" not in err
    assert "one-user" in err and "organisation" in err
    created = "2026-11-27T10:00"
    _, _, sla_err = run("sla", "--package", "small", "--category", "incident", "--created", created)
    assert "(or give --priority)" in sla_err  # sla does have --priority


def test_quote_without_arguments_fails_with_a_usage_hint() -> None:
    code, out, err = run("quote")
    assert code == 2 and out == ""
    assert err.startswith("error: nothing to quote: give --package") and "--users" in err


def test_sla_table() -> None:
    code, out, _ = run("sla", "--package", "small", "--category", "vraag", "--created", "2026-11-27T16:30")
    assert code == 0 and "Reactie uiterlijk" in out and "in overleg met planning" in out


def test_quote_full_contract_with_advice() -> None:
    data = run_json(
        "quote", "--package", "medium", "--premium", "--koppelingen", "2", "--migration",
        "--users", "80", "--custom-lines", "1000",
    )  # fmt: skip
    assert data["monthly_eur"] == 545 + 795 + 2 * 295 + 425
    assert data["fee_lines"][0] == {"item": "PrioritySupport Medium", "eur": 545}
    assert sum(line["eur"] for line in data["fee_lines"]) == data["monthly_eur"]
    assert data["advised_package"] == "large"


def test_quote_advice_only() -> None:
    data = run_json("quote", "--users", "25", "--custom-lines", "2500")
    assert data["monthly_eur"] is None and data["fee_lines"] == [] and data["advised_package"] == "small"
    assert run_json("quote", "--users", "151", "--custom-lines", "0")["advised_package"] is None


def test_quote_extension_without_package_fails_on_one_line() -> None:
    code, out, err = run("quote", "--premium", "--json")
    assert code != 0 and out == ""
    assert err.strip().count("\n") == 0 and "needs a base package" in err


def test_quote_table_and_catalogue_override(tmp_path: Path) -> None:
    override = tmp_path / "prices.toml"
    override.write_text("[packages.small]\nmonthly_eur = 200\n", encoding="utf-8")
    code, out, _ = run("quote", "--package", "small", "--catalogue", str(override))
    assert code == 0 and "Totaal per maand" in out and "EUR 200" in out
    broken = tmp_path / "broken.toml"
    broken.write_text("[packages.small]\nmonthly_eur = 'x'\n", encoding="utf-8")
    code, _, err = run("quote", "--package", "small", "--catalogue", str(broken))
    assert code == 1 and "packages.small.monthly_eur" in err


def test_installed_command_end_to_end() -> None:
    """The real console entry point: stdout JSON, and a one-line stderr error with a non-zero exit."""
    command = [sys.executable, "-m", "prioritysupport"]
    ok = subprocess.run(
        [*command, "quote", "--package", "small", "--koppelingen", "1", "--json"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["monthly_eur"] == 195 + 295
    bad = subprocess.run(
        [*command, "quote", "--migration"], capture_output=True, text=True, check=False, timeout=60
    )
    assert bad.returncode != 0 and bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
