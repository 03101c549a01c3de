"""Triage: category, impact and scope give a priority (policy sections 3-4).

The matrix is data; the parse functions accept the English names and the Dutch labels of the offer.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")


class Category(StrEnum):
    INCIDENT = "incident"
    QUESTION = "question"
    CHANGE = "change"


class Impact(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Scope(StrEnum):
    ONE_USER = "one-user"
    MULTIPLE_USERS = "multiple-users"
    ORGANISATION = "organisation"


class Priority(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


# Scope -> impact -> priority, exactly the incident matrix of the offer.
INCIDENT_MATRIX: Mapping[Scope, Mapping[Impact, Priority]] = {
    Scope.ONE_USER: {Impact.LOW: Priority.D, Impact.MEDIUM: Priority.C, Impact.HIGH: Priority.B},
    Scope.MULTIPLE_USERS: {Impact.LOW: Priority.D, Impact.MEDIUM: Priority.C, Impact.HIGH: Priority.A},
    Scope.ORGANISATION: {Impact.LOW: Priority.C, Impact.MEDIUM: Priority.B, Impact.HIGH: Priority.A},
}

# Questions and change requests always get D.
NON_INCIDENT_PRIORITY = Priority.D

CATEGORY_ALIASES: Mapping[str, Category] = {
    "incident": Category.INCIDENT,
    "question": Category.QUESTION,
    "vraag": Category.QUESTION,
    "change": Category.CHANGE,
    "change-request": Category.CHANGE,
    "wijzigingsverzoek": Category.CHANGE,
}

IMPACT_ALIASES: Mapping[str, Impact] = {
    "low": Impact.LOW,
    "laag": Impact.LOW,
    "medium": Impact.MEDIUM,
    "high": Impact.HIGH,
    "hoog": Impact.HIGH,
}

SCOPE_ALIASES: Mapping[str, Scope] = {
    "one-user": Scope.ONE_USER,
    "een-gebruiker": Scope.ONE_USER,
    "multiple-users": Scope.MULTIPLE_USERS,
    "meerdere-gebruikers": Scope.MULTIPLE_USERS,
    "organisation": Scope.ORGANISATION,
    "organisation-wide": Scope.ORGANISATION,
    "organization": Scope.ORGANISATION,
    "organization-wide": Scope.ORGANISATION,
    "organisatie-breed": Scope.ORGANISATION,
    "organisatiebreed": Scope.ORGANISATION,
}

PRIORITY_ALIASES: Mapping[str, Priority] = {p.value.lower(): p for p in Priority}


def _normalise(value: str) -> str:
    # "Een gebruiker", "een_gebruiker" and "een-gebruiker" are the same label.
    return "-".join(value.strip().lower().replace("_", " ").split())


def _parse(value: str, aliases: Mapping[str, T], what: str) -> T:
    found = aliases.get(_normalise(value))
    if found is None:
        accepted = ", ".join(aliases)
        raise ValueError(f"unknown {what} {value!r}: use one of {accepted}")
    return found


def parse_category(value: str) -> Category:
    return _parse(value, CATEGORY_ALIASES, "category")


def parse_impact(value: str) -> Impact:
    return _parse(value, IMPACT_ALIASES, "impact")


def parse_scope(value: str) -> Scope:
    return _parse(value, SCOPE_ALIASES, "scope")


def parse_priority(value: str) -> Priority:
    return _parse(value, PRIORITY_ALIASES, "priority")


def priority_for(category: Category, impact: Impact | None = None, scope: Scope | None = None) -> Priority:
    """The matrix priority. Incidents need impact and scope; other categories are always D."""
    if category is not Category.INCIDENT:
        return NON_INCIDENT_PRIORITY
    if impact is None or scope is None:
        raise ValueError("an incident needs both an impact and a scope to get a priority")
    return INCIDENT_MATRIX[scope][impact]
