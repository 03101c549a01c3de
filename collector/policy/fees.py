"""Monthly fee and package advice (policy section 1)."""

from __future__ import annotations

from dataclasses import dataclass

from collector.policy.catalogue import Catalogue, Contract, validate_contract


@dataclass(frozen=True)
class FeeLine:
    item: str
    eur: int


def fee_lines(contract: Contract, catalogue: Catalogue) -> list[FeeLine]:
    """The lines of the monthly fee; raises ContractError for a contract the catalogue does not allow."""
    validate_contract(contract, catalogue)
    if contract.package is None:
        return []
    package = catalogue.package(contract.package)
    lines = [FeeLine(package.label, package.monthly_eur)]
    extensions = catalogue.extensions
    if contract.premium:
        lines.append(FeeLine(extensions["premium"].label, extensions["premium"].monthly_eur))
    if contract.koppelingen:
        koppeling = extensions["koppeling"]
        count = contract.koppelingen
        lines.append(FeeLine(f"{koppeling.label} x {count}", koppeling.monthly_eur * count))
    if contract.migration:
        lines.append(FeeLine(extensions["migration"].label, extensions["migration"].monthly_eur))
    return lines


def monthly_fee(contract: Contract, catalogue: Catalogue) -> int | None:
    """Base + premium + koppeling x N + migration; None when the contract has no package yet."""
    if contract.package is None:
        validate_contract(contract, catalogue)
        return None
    return sum(line.eur for line in fee_lines(contract, catalogue))


def advise_package(users: int, lines: int, catalogue: Catalogue) -> str | None:
    """The smallest package whose (inclusive) limits cover the usage; None means a custom quote."""
    if users < 0 or lines < 0:
        raise ValueError("users and custom code lines cannot be negative")
    for package in catalogue.packages:
        if users <= package.max_users and lines <= package.max_custom_lines:
            return package.name
    return None
