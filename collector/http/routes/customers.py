"""Customers (with their contract in force and instances) and the contract book as one JSON document."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

from collector.contracts.book import ContractFileError, apply_contracts, contract_in_force, parse_contracts
from collector.http.api_models import iso
from collector.http.deps import ClockDep, CollectorDep, EngineDep
from collector.http.errors import bad
from collector.storage import tables as t

router = APIRouter()


@router.get("/api/v1/customers")
def customers(engine: EngineDep) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(t.customers).order_by(t.customers.c.key)).all()
        return [{"key": r.key, "name": r.name, "language": r.language} for r in rows]


@router.get("/api/v1/customers/{key}")
def customer(key: str, engine: EngineDep, clock: ClockDep) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(select(t.customers).where(t.customers.c.key == key)).first()
        if row is None:
            raise HTTPException(404, f"customer {key!r} does not exist")
        contract = contract_in_force(conn, row.id, clock.now().date())
        instances = conn.execute(select(t.instances).where(t.instances.c.customer_id == row.id)).all()
        return {
            "key": row.key,
            "name": row.name,
            "language": row.language,
            "account_manager": row.account_manager,
            "contract": contract.__dict__ if contract else None,
            "instances": [
                {
                    "name": i.name,
                    "url": i.url,
                    "odoo_version": i.odoo_version,
                    "last_report_at": iso(i.last_report_at),
                }
                for i in instances
            ],
        }


def _read_dates(data: dict[str, Any]) -> None:
    """JSON has no dates: `effective_from` arrives as YYYY-MM-DD text, the TOML file's reader wants a date."""
    for customer in data.get("customer", []) if isinstance(data.get("customer"), list) else []:
        for contract in customer.get("contract", []) if isinstance(customer, dict) else []:
            if isinstance(contract, dict) and isinstance(contract.get("effective_from"), str):
                contract["effective_from"] = date.fromisoformat(contract["effective_from"])


@router.put("/api/v1/contracts")
async def put_contracts(request: Request, collector: CollectorDep) -> dict[str, int]:
    """The same document as the TOML file, as JSON (dates as YYYY-MM-DD)."""
    try:
        data = await request.json()
        if not isinstance(data, dict):
            raise ContractFileError("the body must be a JSON object with a 'customer' list")
        _read_dates(data)
        specs = parse_contracts(data)
    except (ValueError, AttributeError, TypeError, RecursionError) as exc:  # RecursionError: deep JSON
        raise bad(exc) from None
    counts = apply_contracts(collector.engine, specs)
    collector.directory.forget()
    collector.limits.forget()
    return counts
