"""Contracts from TOML: validated (errors name the key), all-or-nothing, idempotent; the contract in force."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collector.contracts.book import (
    ContractFileError,
    apply_contracts,
    contract_in_force,
    parse_contracts,
    read_contracts_file,
)
from collector.storage import tables as t
from collector.storage.database import make_engine, migrate
from tests.collector.conftest import CONTRACTS


def _counts(engine: object) -> tuple[int, ...]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return tuple(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (t.customers, t.contacts, t.instances, t.contracts)
        )


def test_loading_twice_changes_nothing(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    migrate(engine)
    specs = read_contracts_file(CONTRACTS)
    apply_contracts(engine, specs)
    first = _counts(engine)
    apply_contracts(engine, specs)
    assert _counts(engine) == first == (2, 2, 2, 2)


def test_contract_in_force_follows_effective_dates(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    migrate(engine)
    data = tomllib.loads(CONTRACTS.read_text(encoding="utf-8"))
    data["customer"][1]["contract"].append(
        {"effective_from": date(2026, 12, 1), "package": "large", "premium": True}
    )
    apply_contracts(engine, parse_contracts(data))
    with engine.connect() as conn:
        customer_id = conn.execute(select(t.customers.c.id).where(t.customers.c.key == "globex")).scalar_one()
        november = contract_in_force(conn, customer_id, date(2026, 11, 30))
        december = contract_in_force(conn, customer_id, date(2026, 12, 1))
        before = contract_in_force(conn, customer_id, date(2025, 12, 31))
    assert november is not None and november.package == "medium" and not november.premium
    assert december is not None and december.package == "large" and december.premium
    assert before is None


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda d: d["customer"][0].pop("key"), r"customer\[0\]\.key is required"),
        (
            lambda d: d["customer"][0]["contract"][0].update(package="huge"),
            r"customer\[0\]\.contract\[0\]\.package",
        ),
        (lambda d: d["customer"][0]["contract"][0].pop("package"), r"contract\[0\]\.package"),
        (
            lambda d: d["customer"][1]["contact"][0].update(email="nope"),
            r"customer\[1\]\.contact\[0\]\.email",
        ),
        (lambda d: d["customer"][0]["instance"][0].update(url="ftp://x"), r"instance\[0\]\.url"),
        (lambda d: d["customer"][0].update(colour="red"), r"customer\[0\]\.colour"),
        (lambda d: d["customer"][0]["contract"][0].update(premium="yes"), r"contract\[0\]\.premium"),
        (lambda d: d["customer"][1].update(key="acme"), "same key"),
        (lambda d: d["customer"][0].update(contact=[1]), r"customer\[0\]\.contact must be a list of tables"),
        (lambda d: d.update(customer="acme"), "customer must be a list of tables"),
    ],
)
def test_errors_name_the_key(mutate: object, named: str) -> None:
    data = tomllib.loads(CONTRACTS.read_text(encoding="utf-8"))
    mutate(data)  # type: ignore[operator]
    with pytest.raises(ContractFileError, match=named):
        parse_contracts(data)


def test_a_bad_file_writes_nothing(sqlite_url: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url)
    migrate(engine)
    text = CONTRACTS.read_text(encoding="utf-8").replace('package = "medium"', 'package = "mega"')
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ContractFileError, match=r"customer\[1\]\.contract\[0\]\.package"):
        apply_contracts(engine, read_contracts_file(bad))
    assert _counts(engine) == (0, 0, 0, 0)
