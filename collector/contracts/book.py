"""Customers, contacts, instances and contracts: parsed from TOML (all checks first), then applied at once."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from collector.contracts.lookup import instance_named
from collector.storage import tables as t
from collector.storage.database import writing
from prioritysupport.config_keys import (
    BOOLEAN,
    DATE,
    LIST,
    STRINGS,
    TABLE,
    TEXT,
    ConfigKeyError,
    Key,
    Keys,
    one_of,
    read_table,
)

PACKAGES = ("small", "medium", "large")
LANGUAGES = ("nl", "en")


def _email(value: str) -> str:
    if "@" not in value or value.startswith("@") or value.endswith("@") or " " in value:
        raise ValueError(f"must be an e-mail address, got {value!r}")
    return value


def _email_or_unset(value: str) -> str | None:
    return _email(value) if value else None


def _customer_key(value: str) -> str:
    if not value or not value.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"must be letters, digits, '-' or '_', got {value!r}")
    return value


def _url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value


def _package(value: str) -> str:
    if value not in PACKAGES:
        raise ValueError(f"must be one of {', '.join(PACKAGES)} (an extension needs a base)")
    return value


def _distinct(value: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(value)) != len(value):
        raise ValueError("lists an integration twice")
    return value


def _unique(field_name: str, problem: str) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """A check on a list of tables: no two tables share `field_name`."""

    def check(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
        values = [table[field_name] for table in tables]
        if len(set(values)) != len(values):
            raise ValueError(problem)
        return tables

    return check


def _at_least_one_customer(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not tables:
        raise ValueError("needs at least one [[customer]] table")
    return _unique("key", "has two tables with the same key")(tables)


_LANGUAGE = one_of(*LANGUAGES)

CONTACT_KEYS: Keys = {
    "name": Key(TEXT, "Full name.", required=True),
    "email": Key(TEXT, "E-mail address.", required=True, check=_email),
    "language": Key(TEXT, "Language for this contact: " + ", ".join(LANGUAGES) + ".", "nl", check=_LANGUAGE),
    "phone": Key(TEXT, "Phone number."),
}
INSTANCE_KEYS: Keys = {
    "name": Key(TEXT, "Instance name, unique within the customer (as in the agent's file).", required=True),
    "url": Key(TEXT, "Base URL (http:// or https://).", required=True, check=_url),
}
CONTRACT_KEYS: Keys = {
    "effective_from": Key(DATE, "First day the contract is in force.", required=True),
    "package": Key(TEXT, "Package: " + ", ".join(PACKAGES) + ".", required=True, check=_package),
    "premium": Key(BOOLEAN, "Premium support (extended hours, emergency line).", False),
    "migration": Key(BOOLEAN, "Migration extension.", False),
    "integrations": Key(STRINGS, "Names of the integrations covered by the contract.", [], check=_distinct),
    "notify_customer_incidents": Key(BOOLEAN, "Tell the customer's contacts about incidents.", True),
    "excluded_authors": Key(STRINGS, "Module authors whose code lines do not count.", []),
}
CUSTOMER_KEYS: Keys = {
    "key": Key(TEXT, "Stable identifier: letters, digits, '-' or '_'.", required=True, check=_customer_key),
    "name": Key(TEXT, "Customer name.", required=True),
    "language": Key(
        TEXT, "Language of customer-facing texts: " + ", ".join(LANGUAGES) + ".", "nl", check=_LANGUAGE
    ),
    "account_manager": Key(TEXT, "E-mail address of the partner's account manager.", check=_email_or_unset),
    "contact": Key(
        LIST,
        "Contact persons ([[customer.contact]]); replaced on every import.",
        [],
        each=Key(TABLE, "One contact person.", keys=CONTACT_KEYS),
    ),
    "instance": Key(
        LIST,
        "Odoo instances ([[customer.instance]]).",
        [],
        each=Key(TABLE, "One Odoo instance.", keys=INSTANCE_KEYS),
        check=_unique("name", "names must be unique within the customer"),
    ),
    "contract": Key(
        LIST,
        "Contracts by effective date ([[customer.contract]]).",
        [],
        each=Key(TABLE, "One contract.", keys=CONTRACT_KEYS),
        check=_unique("effective_from", "has two contracts with the same effective_from"),
    ),
}
# The whole contracts file: [[customer]] with its [[customer.contact]], [[customer.instance]] and
# [[customer.contract]] tables. Parsing, defaults and the reference come from here.
CONTRACT_FILE_KEYS: Keys = {
    "customer": Key(
        LIST,
        "One [[customer]] table per customer.",
        required=True,
        each=Key(TABLE, "One customer.", keys=CUSTOMER_KEYS),
        check=_at_least_one_customer,
    ),
}


class ContractFileError(ValueError):
    """The contracts file is wrong; the message names the key."""


@dataclass(frozen=True)
class ContactSpec:
    name: str
    email: str
    language: str = "nl"
    phone: str | None = None


@dataclass(frozen=True)
class InstanceSpec:
    name: str
    url: str


@dataclass(frozen=True)
class ContractSpec:
    effective_from: date
    package: str | None
    premium: bool = False
    migration: bool = False
    integrations: tuple[str, ...] = ()
    notify_customer_incidents: bool = True
    excluded_authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerSpec:
    key: str
    name: str
    language: str = "nl"
    account_manager: str | None = None
    contacts: tuple[ContactSpec, ...] = ()
    instances: tuple[InstanceSpec, ...] = ()
    contracts: tuple[ContractSpec, ...] = field(default_factory=tuple)


def _contract(values: dict[str, Any]) -> ContractSpec:
    return ContractSpec(
        **{
            **values,
            "integrations": tuple(values["integrations"]),
            "excluded_authors": tuple(values["excluded_authors"]),
        }
    )


def _customer(values: dict[str, Any]) -> CustomerSpec:
    return CustomerSpec(
        key=values["key"],
        name=values["name"],
        language=values["language"],
        account_manager=values["account_manager"],
        contacts=tuple(ContactSpec(**contact) for contact in values["contact"]),
        instances=tuple(InstanceSpec(**instance) for instance in values["instance"]),
        contracts=tuple(_contract(contract) for contract in values["contract"]),
    )


def parse_contracts(data: dict[str, Any]) -> list[CustomerSpec]:
    """Validate the whole document before anything is written (all-or-nothing)."""
    try:
        values = read_table(data, CONTRACT_FILE_KEYS)
    except ConfigKeyError as error:
        raise ContractFileError(str(error)) from None
    return [_customer(customer) for customer in values["customer"]]


def read_contracts_file(path: Path) -> list[CustomerSpec]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractFileError(f"{path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContractFileError(f"{path} is not valid TOML: {exc}") from None
    return parse_contracts(data)


def apply_contracts(engine: Engine, customers: list[CustomerSpec]) -> dict[str, int]:
    """Upsert everything in one transaction; running the same file twice changes nothing."""
    counts = {"customers": 0, "contacts": 0, "instances": 0, "contracts": 0}
    with writing(engine).begin() as conn:
        for spec in customers:
            customer_id = _upsert_customer(conn, spec)
            counts["customers"] += 1
            conn.execute(delete(t.contacts).where(t.contacts.c.customer_id == customer_id))
            for contact in spec.contacts:
                conn.execute(t.contacts.insert().values(customer_id=customer_id, **contact.__dict__))
                counts["contacts"] += 1
            for instance in spec.instances:
                _upsert_instance(conn, customer_id, instance)
                counts["instances"] += 1
            conn.execute(delete(t.contracts).where(t.contracts.c.customer_id == customer_id))
            for contract in spec.contracts:
                values = {**contract.__dict__}
                values["integrations"] = list(contract.integrations)
                values["excluded_authors"] = list(contract.excluded_authors)
                conn.execute(t.contracts.insert().values(customer_id=customer_id, **values))
                counts["contracts"] += 1
    return counts


def _upsert_customer(conn: Connection, spec: CustomerSpec) -> int:
    values = {"name": spec.name, "language": spec.language, "account_manager": spec.account_manager}
    existing = conn.execute(select(t.customers.c.id).where(t.customers.c.key == spec.key)).scalar()
    if existing is None:
        return int(
            conn.execute(
                t.customers.insert().values(key=spec.key, **values).returning(t.customers.c.id)
            ).scalar_one()
        )
    conn.execute(update(t.customers).where(t.customers.c.id == existing).values(**values))
    return int(existing)


def _upsert_instance(conn: Connection, customer_id: int, spec: InstanceSpec) -> None:
    existing = instance_named(conn, customer_id, spec.name)
    if existing is None:
        conn.execute(t.instances.insert().values(customer_id=customer_id, name=spec.name, url=spec.url))
    else:
        conn.execute(update(t.instances).where(t.instances.c.id == existing).values(url=spec.url))


@dataclass(frozen=True)
class ContractInForce:
    package: str | None
    premium: bool
    migration: bool
    integrations: tuple[str, ...]
    notify_customer_incidents: bool
    excluded_authors: tuple[str, ...]


def contract_in_force(conn: Connection, customer_id: int, day: date) -> ContractInForce | None:
    """The contract with the latest effective date on or before `day`."""
    row = conn.execute(
        select(t.contracts)
        .where((t.contracts.c.customer_id == customer_id) & (t.contracts.c.effective_from <= day))
        .order_by(t.contracts.c.effective_from.desc())
        .limit(1)
    ).first()
    return None if row is None else _in_force(row)


def contracts_in_force(conn: Connection, day: date) -> dict[int, ContractInForce]:
    """Every customer's contract in force on `day` (customers without one are absent), in one query."""
    c = t.contracts.c
    rows = conn.execute(select(t.contracts).where(c.effective_from <= day).order_by(c.effective_from))
    return {row.customer_id: _in_force(row) for row in rows}  # the latest effective date wins


def _in_force(row: Any) -> ContractInForce:
    return ContractInForce(
        package=row.package,
        premium=bool(row.premium),
        migration=bool(row.migration),
        integrations=tuple(row.integrations or ()),
        notify_customer_incidents=bool(row.notify_customer_incidents),
        excluded_authors=tuple(row.excluded_authors or ()),
    )
