"""Customers, contacts, instances and contracts: parsed from TOML (all checks first), then applied at once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, delete, select, update

from collector.contracts.lookup import instance_named
from collector.storage import tables as t
from collector.storage.database import writing
from collector.type_words import type_words

PACKAGES = ("small", "medium", "large")
LANGUAGES = ("nl", "en")


class Key(NamedTuple):
    """One key of the contracts file: the parser's allowed keys come from here, and so does the reference."""

    type: str
    help: str
    default: Any = None
    required: bool = False
    secret: bool = False


# The contracts file by table: [[customer]] with its [[customer.contact]], [[customer.instance]] and
# [[customer.contract]] tables.
CONTRACT_FILE_KEYS: dict[str, dict[str, Key]] = {
    "": {"customer": Key("list", "One [[customer]] table per customer.", required=True)},
    "customer": {
        "key": Key("str", "Stable identifier: letters, digits, '-' or '_'.", required=True),
        "name": Key("str", "Customer name.", required=True),
        "language": Key("str", "Language of customer-facing texts: " + ", ".join(LANGUAGES) + ".", "nl"),
        "account_manager": Key("str", "E-mail address of the partner's account manager."),
        "contact": Key("list", "Contact persons ([[customer.contact]]); replaced on every import.", []),
        "instance": Key("list", "Odoo instances ([[customer.instance]]).", []),
        "contract": Key("list", "Contracts by effective date ([[customer.contract]]).", []),
    },
    "customer.contact": {
        "name": Key("str", "Full name.", required=True),
        "email": Key("str", "E-mail address.", required=True),
        "language": Key("str", "Language for this contact: " + ", ".join(LANGUAGES) + ".", "nl"),
        "phone": Key("str", "Phone number."),
    },
    "customer.instance": {
        "name": Key(
            "str", "Instance name, unique within the customer (as in the agent's file).", required=True
        ),
        "url": Key("str", "Base URL (http:// or https://).", required=True),
    },
    "customer.contract": {
        "effective_from": Key("date", "First day the contract is in force.", required=True),
        "package": Key("str", "Package: " + ", ".join(PACKAGES) + ".", required=True),
        "premium": Key("bool", "Premium support (extended hours, emergency line).", False),
        "migration": Key("bool", "Migration extension.", False),
        "integrations": Key("list", "Names of the integrations covered by the contract.", []),
        "notify_customer_incidents": Key("bool", "Tell the customer's contacts about incidents.", True),
        "excluded_authors": Key("list", "Module authors whose code lines do not count.", []),
    },
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


def _take(table: dict[str, Any], where: str, key: str, kind: type, *, required: bool = False) -> Any:
    if key not in table:
        if required:
            raise ContractFileError(f"{where}.{key} is required")
        return None
    value = table[key]
    if (kind is not bool and isinstance(value, bool)) or not isinstance(value, kind):
        raise ContractFileError(f"{where}.{key} must be {type_words(kind)}, got {value!r}")
    return value


def _no_unknown(table: dict[str, Any], where: str, allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise ContractFileError(
                f"{where}.{key} is not a known key; expected one of {', '.join(sorted(allowed))}"
            )


def _tables(value: Any, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ContractFileError(f"{where} must be a list of tables ([[{where.rsplit('.', 1)[-1]}]] in TOML)")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ContractFileError(f"{where} must be a list of non-empty strings")
    return tuple(value)


def _language(value: Any, where: str) -> str:
    language = value or "nl"
    if language not in LANGUAGES:
        raise ContractFileError(f"{where} must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return str(language)


def _email(value: str, where: str) -> str:
    if "@" not in value or value.startswith("@") or value.endswith("@") or " " in value:
        raise ContractFileError(f"{where} must be an e-mail address, got {value!r}")
    return value


def _contract(table: dict[str, Any], where: str) -> ContractSpec:
    _no_unknown(table, where, set(CONTRACT_FILE_KEYS["customer.contract"]))
    effective = table.get("effective_from")
    if not isinstance(effective, date) or hasattr(effective, "hour"):
        raise ContractFileError(f"{where}.effective_from is required and must be a date like 2026-01-01")
    package = _take(table, where, "package", str)
    if package not in PACKAGES:
        raise ContractFileError(
            f"{where}.package must be one of {', '.join(PACKAGES)} (an extension needs a base)"
        )
    integrations = _strings(table.get("integrations"), f"{where}.integrations")
    if len(set(integrations)) != len(integrations):
        raise ContractFileError(f"{where}.integrations lists an integration twice")
    notify = _take(table, where, "notify_customer_incidents", bool)
    return ContractSpec(
        effective_from=effective,
        package=package,
        premium=bool(_take(table, where, "premium", bool)),
        migration=bool(_take(table, where, "migration", bool)),
        integrations=integrations,
        notify_customer_incidents=True if notify is None else notify,
        excluded_authors=_strings(table.get("excluded_authors"), f"{where}.excluded_authors"),
    )


def _customer(table: dict[str, Any], where: str) -> CustomerSpec:
    _no_unknown(table, where, set(CONTRACT_FILE_KEYS["customer"]))
    key = _take(table, where, "key", str, required=True)
    if not key or not key.replace("-", "").replace("_", "").isalnum():
        raise ContractFileError(f"{where}.key must be letters, digits, '-' or '_', got {key!r}")
    manager = _take(table, where, "account_manager", str)
    contacts = []
    for index, raw in enumerate(_tables(table.get("contact"), f"{where}.contact")):
        at = f"{where}.contact[{index}]"
        _no_unknown(raw, at, set(CONTRACT_FILE_KEYS["customer.contact"]))
        contacts.append(
            ContactSpec(
                name=_take(raw, at, "name", str, required=True),
                email=_email(_take(raw, at, "email", str, required=True), f"{at}.email"),
                language=_language(raw.get("language"), f"{at}.language"),
                phone=_take(raw, at, "phone", str),
            )
        )
    instances = []
    for index, raw in enumerate(_tables(table.get("instance"), f"{where}.instance")):
        at = f"{where}.instance[{index}]"
        _no_unknown(raw, at, set(CONTRACT_FILE_KEYS["customer.instance"]))
        url = _take(raw, at, "url", str, required=True)
        if not url.startswith(("http://", "https://")):
            raise ContractFileError(f"{at}.url must start with http:// or https://")
        instances.append(InstanceSpec(name=_take(raw, at, "name", str, required=True), url=url))
    if len({i.name for i in instances}) != len(instances):
        raise ContractFileError(f"{where}.instance names must be unique within the customer")
    contracts = tuple(
        _contract(raw, f"{where}.contract[{i}]")
        for i, raw in enumerate(_tables(table.get("contract"), f"{where}.contract"))
    )
    if len({c.effective_from for c in contracts}) != len(contracts):
        raise ContractFileError(f"{where}.contract has two contracts with the same effective_from")
    return CustomerSpec(
        key=key,
        name=_take(table, where, "name", str, required=True),
        language=_language(table.get("language"), f"{where}.language"),
        account_manager=_email(manager, f"{where}.account_manager") if manager else None,
        contacts=tuple(contacts),
        instances=tuple(instances),
        contracts=contracts,
    )


def parse_contracts(data: dict[str, Any]) -> list[CustomerSpec]:
    """Validate the whole document before anything is written (all-or-nothing)."""
    _no_unknown(data, "file", set(CONTRACT_FILE_KEYS[""]))
    raw_customers = _tables(data.get("customer"), "customer")
    if not raw_customers:
        raise ContractFileError("the file needs at least one [[customer]] table")
    customers = [_customer(raw, f"customer[{i}]") for i, raw in enumerate(raw_customers)]
    if len({c.key for c in customers}) != len(customers):
        raise ContractFileError("two [[customer]] tables have the same key")
    return customers


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
    if row is None:
        return None
    return ContractInForce(
        package=row.package,
        premium=bool(row.premium),
        migration=bool(row.migration),
        integrations=tuple(row.integrations or ()),
        notify_customer_incidents=bool(row.notify_customer_incidents),
        excluded_authors=tuple(row.excluded_authors or ()),
    )
