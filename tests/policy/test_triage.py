"""Every cell of the incident matrix, the fixed D for other categories, and the Dutch aliases."""

from __future__ import annotations

import pytest

from collector.policy.triage import (
    Category,
    Impact,
    Priority,
    Scope,
    parse_category,
    parse_impact,
    parse_priority,
    parse_scope,
    priority_for,
)

MATRIX = [
    (Scope.ONE_USER, Impact.LOW, Priority.D),
    (Scope.ONE_USER, Impact.MEDIUM, Priority.C),
    (Scope.ONE_USER, Impact.HIGH, Priority.B),
    (Scope.MULTIPLE_USERS, Impact.LOW, Priority.D),
    (Scope.MULTIPLE_USERS, Impact.MEDIUM, Priority.C),
    (Scope.MULTIPLE_USERS, Impact.HIGH, Priority.A),
    (Scope.ORGANISATION, Impact.LOW, Priority.C),
    (Scope.ORGANISATION, Impact.MEDIUM, Priority.B),
    (Scope.ORGANISATION, Impact.HIGH, Priority.A),
]


@pytest.mark.parametrize(("scope", "impact", "expected"), MATRIX)
def test_every_matrix_cell(scope: Scope, impact: Impact, expected: Priority) -> None:
    assert priority_for(Category.INCIDENT, impact, scope) is expected


@pytest.mark.parametrize("category", [Category.QUESTION, Category.CHANGE])
@pytest.mark.parametrize(("scope", "impact", "_"), MATRIX)
def test_questions_and_changes_are_always_d(
    category: Category, scope: Scope, impact: Impact, _: Priority
) -> None:
    assert priority_for(category, impact, scope) is Priority.D
    assert priority_for(category) is Priority.D


def test_incident_without_impact_or_scope_is_refused() -> None:
    with pytest.raises(ValueError, match="impact and a scope"):
        priority_for(Category.INCIDENT, Impact.HIGH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("incident", Category.INCIDENT),
        ("vraag", Category.QUESTION),
        ("Question", Category.QUESTION),
        ("wijzigingsverzoek", Category.CHANGE),
        ("change", Category.CHANGE),
    ],
)
def test_category_aliases(text: str, expected: Category) -> None:
    assert parse_category(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("laag", Impact.LOW),
        ("low", Impact.LOW),
        ("medium", Impact.MEDIUM),
        ("hoog", Impact.HIGH),
        ("HIGH", Impact.HIGH),
    ],
)
def test_impact_aliases(text: str, expected: Impact) -> None:
    assert parse_impact(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one-user", Scope.ONE_USER),
        ("een-gebruiker", Scope.ONE_USER),
        ("Een gebruiker", Scope.ONE_USER),
        ("multiple-users", Scope.MULTIPLE_USERS),
        ("meerdere-gebruikers", Scope.MULTIPLE_USERS),
        ("meerdere gebruikers", Scope.MULTIPLE_USERS),
        ("organisation", Scope.ORGANISATION),
        ("organisation-wide", Scope.ORGANISATION),
        ("organisatie-breed", Scope.ORGANISATION),
        ("Organisatie breed", Scope.ORGANISATION),
    ],
)
def test_scope_aliases(text: str, expected: Scope) -> None:
    assert parse_scope(text) is expected


def test_unknown_value_lists_what_is_accepted() -> None:
    with pytest.raises(ValueError, match="unknown impact 'enorm': use one of low, laag"):
        parse_impact("enorm")
    with pytest.raises(ValueError, match="unknown priority"):
        parse_priority("E")
    assert parse_priority("b") is Priority.B
