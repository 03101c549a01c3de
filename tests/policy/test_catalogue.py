"""The shipped catalogue, overrides merged over it, errors that name the key, contract validation."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from collector.policy.catalogue import (
    CatalogueError,
    Contract,
    ContractError,
    load_catalogue,
    validate_contract,
)
from collector.policy.sla import SlaPolicy, compute_deadlines
from collector.policy.targets import TargetUnit, parse_target
from collector.policy.triage import Category, Priority
from tests.policy.conftest import ams


def test_shipped_catalogue_matches_the_offer() -> None:
    catalogue = load_catalogue()
    assert [(p.name, p.monthly_eur, p.max_users, p.max_custom_lines) for p in catalogue.packages] == [
        ("small", 195, 25, 2500),
        ("medium", 545, 75, 15000),
        ("large", 995, 150, 50000),
    ]
    assert {name: e.monthly_eur for name, e in catalogue.extensions.items()} == {
        "premium": 795,
        "koppeling": 295,
        "migration": 425,
    }
    assert catalogue.working_day == timedelta(hours=8)
    assert catalogue.prebreach_fraction == 0.75
    assert str(catalogue.sla_targets[Priority.D].premium_response) == "3 working days"
    assert catalogue.sla_targets[Priority.C].resolution.by_agreement
    support = catalogue.support_calendar
    assert (support.opens, support.closes, support.good_friday_off, support.liberation_day) == (
        time(9),
        time(17),
        False,
        "lustrum",
    )
    assert catalogue.premium_calendar.weekdays == frozenset(range(7))
    assert not catalogue.premium_calendar.public_holidays


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_override_changes_only_its_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[packages.small]
monthly_eur = 210

[calendar.support]
opens = "08:30"
good_friday_off = true
extra_closed_days = ["2026-12-24"]

[sla.targets.A]
response = "3 hours"
""",
    )
    catalogue = load_catalogue(path)
    assert catalogue.package("small").monthly_eur == 210
    assert catalogue.package("small").max_users == 25
    assert catalogue.support_calendar.opens == time(8, 30)
    assert catalogue.support_calendar.extra_closed_days == (date(2026, 12, 24),)
    policy = SlaPolicy.from_catalogue(catalogue)
    d = compute_deadlines(Priority.A, Category.INCIDENT, False, ams(2026, 4, 3, 16), policy=policy)
    # Registered on Good Friday, now closed: the clock starts Tuesday 08:30 (Easter Monday is closed too),
    # and A's response target is 3 hours in this override.
    assert d.response_due == ams(2026, 4, 7, 11, 30)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[packages.small]\nmonthly_eur = "cheap"', "packages.small.monthly_eur"),
        ("[packages.small]\nmax_users = -1", "packages.small.max_users"),
        ('[sla.targets.B]\nresponse = "soon"', "sla.targets.B.response"),
        ('[sla.targets.B]\nresponse = "by agreement"', "sla.targets.B"),
        ('[calendar.support]\ncloses = "08:00"', "calendar.support.closes"),
        ('[calendar.support]\nopens = "nine"', "calendar.support.opens"),
        ('[calendar.support]\nweekdays = ["mon", "funday"]', "calendar.support.weekdays"),
        ('[calendar.support]\nliberation_day = "never"', "calendar.support.liberation_day"),
        ('[calendar.support]\nextra_closed_days = ["24 Dec"]', "calendar.support.extra_closed_days"),
        ('[calendar]\ntimezone = "Mars/Olympus"', "calendar.timezone"),
        ("[limits]\nnear_fraction = 1.5", "limits.near_fraction"),
        ("[limits]\nleave_near_fraction = 0.95", "limits.leave_near_fraction"),
        ('extensions = "none"', "extensions"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(CatalogueError, match=key.replace(".", r"\.")):
        load_catalogue(write(tmp_path, text))


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="does not exist"):
        load_catalogue(tmp_path / "nope.toml")
    with pytest.raises(CatalogueError, match="not valid TOML"):
        load_catalogue(write(tmp_path, "[packages\n"))


@pytest.mark.parametrize(
    "contract",
    [Contract("small"), Contract("large", True, 3, True), Contract(None)],
)
def test_valid_contracts(contract: Contract) -> None:
    validate_contract(contract, load_catalogue())


@pytest.mark.parametrize(
    ("contract", "message"),
    [
        (Contract(None, premium=True), "premium extension needs a base package"),
        (Contract(None, koppelingen=1), "koppeling extension needs a base package"),
        (Contract(None, migration=True), "migration extension needs a base package"),
        (Contract("huge"), "unknown package 'huge'"),
        (Contract("small", koppelingen=-1), "cannot be negative"),
    ],
)
def test_invalid_contracts(contract: Contract, message: str) -> None:
    with pytest.raises(ContractError, match=message):
        validate_contract(contract, load_catalogue())


@pytest.mark.parametrize(
    ("text", "unit", "amount"),
    [
        ("2 hours", TargetUnit.HOURS, 2),
        ("1 hour", TargetUnit.HOURS, 1),
        ("1 working day", TargetUnit.WORKING_DAYS, 1),
        ("5 werkdagen", TargetUnit.WORKING_DAYS, 5),
        ("in overleg met planning", TargetUnit.AGREEMENT, None),
    ],
)
def test_target_texts(text: str, unit: TargetUnit, amount: int | None) -> None:
    target = parse_target(text)
    assert (target.unit, target.amount) == (unit, amount)
