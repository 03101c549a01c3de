"""`triage`, `sla` and `quote`: the policy on the command line.

Only typer, rich and the standard library are imported at module level; the policy modules load inside
the commands. Bad input prints one sentence on stderr and exits 2; a broken catalogue exits 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

CATALOGUE_HELP = "A catalogue TOML file merged over the shipped default (prices, limits, hours, holidays)."
JSON_HELP = "Print one JSON object instead of a table."
CATEGORY_HELP = "incident, question (vraag) or change (wijzigingsverzoek)."
IMPACT_HELP = "low (laag), medium or high (hoog)."
SCOPE_HELP = (
    "one-user (een-gebruiker), multiple-users (meerdere-gebruikers) or organisation (organisatie-breed)."
)


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _print_json(data: dict[str, Any]) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False))


def _table(rows: list[tuple[str, str]], title: str) -> None:
    table = Table(title=title, show_header=False)
    table.add_column("label", style="bold", no_wrap=True)
    table.add_column("value", no_wrap=True)
    for label, value in rows:
        table.add_row(label, value)
    console = Console()
    # Piped output has no terminal width; keep each row on one line for grep and friends.
    Console(width=max(console.width, 120)).print(table) if not console.is_terminal else console.print(table)


def _catalogue(path: Path | None) -> Any:
    from collector.policy.catalogue import CatalogueError, load_catalogue

    try:
        return load_catalogue(path)
    except CatalogueError as error:
        _fail(str(error), code=1)


def _priority(
    category_text: str, impact_text: str | None, scope_text: str | None, *, priority_option: bool = False
) -> tuple[Any, Any]:
    """(category, priority) from the matrix; questions and change requests need no impact or scope.

    A given value is checked before a missing one is asked for, so a typo is named even when the other
    option is missing; `priority_option` says whether the command has --priority to mention.
    """
    from collector.policy.triage import Category, parse_category, parse_impact, parse_scope, priority_for

    try:
        category = parse_category(category_text)
        if category is not Category.INCIDENT:
            return category, priority_for(category)
        impact = parse_impact(impact_text) if impact_text is not None else None
        scope = parse_scope(scope_text) if scope_text is not None else None
    except ValueError as error:
        _fail(str(error))
    if impact is None or scope is None:
        missing = [
            (name, values.rstrip("."))
            for name, value, values in (("--impact", impact, IMPACT_HELP), ("--scope", scope, SCOPE_HELP))
            if value is None
        ]
        alternative = " (or give --priority)" if priority_option else ""
        needed = " and ".join(name for name, _ in missing)
        valid = "; ".join(f"{name} is {values}" for name, values in missing)
        _fail(f"an incident needs {needed}{alternative}. {valid}")
    return category, priority_for(category, impact, scope)


def triage(
    category: str = typer.Option(..., "--category", help=CATEGORY_HELP),
    impact: str | None = typer.Option(None, "--impact", help=IMPACT_HELP),
    scope: str | None = typer.Option(None, "--scope", help=SCOPE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """The priority of a ticket from the matrix (prioriteit volgens de matrix)."""
    parsed_category, priority = _priority(category, impact, scope)
    if as_json:
        _print_json({"priority": priority.value, "category": parsed_category.value})
        return
    _table(
        [("Category / Categorie", parsed_category.value), ("Priority / Prioriteit", priority.value)],
        "Triage",
    )


def sla(
    package: str = typer.Option(..., "--package", help="small, medium or large."),
    premium: bool = typer.Option(False, "--premium", help="The customer has the premium extension."),
    category: str = typer.Option(..., "--category", help=CATEGORY_HELP),
    priority: str | None = typer.Option(None, "--priority", help="A, B, C or D: overrides the matrix."),
    impact: str | None = typer.Option(None, "--impact", help=IMPACT_HELP),
    scope: str | None = typer.Option(None, "--scope", help=SCOPE_HELP),
    created: str = typer.Option(
        ..., "--created", help="Registration time, ISO 8601; without an offset it is Europe/Amsterdam time."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    catalogue_path: Path | None = typer.Option(None, "--catalogue", help=CATALOGUE_HELP),
) -> None:
    """Response and resolution deadlines of a ticket (reactie- en oplostermijn)."""
    from collector.policy.catalogue import ContractError
    from collector.policy.sla import SlaPolicy, compute_deadlines
    from collector.policy.timeinput import format_instant, parse_instant
    from collector.policy.triage import parse_category, parse_priority

    catalogue = _catalogue(catalogue_path)
    try:
        catalogue.package(package.strip().lower())
    except ContractError as error:
        _fail(str(error))
    if priority is not None:
        try:
            parsed_category, chosen = parse_category(category), parse_priority(priority)
        except ValueError as error:
            _fail(str(error))
    else:
        parsed_category, chosen = _priority(category, impact, scope, priority_option=True)
    policy = SlaPolicy.from_catalogue(catalogue)
    zone = policy.support.tz
    try:
        registered = parse_instant(created, zone)
    except ValueError as error:
        _fail(str(error))
    deadlines = compute_deadlines(chosen, parsed_category, premium, registered, policy=policy)
    response_due = format_instant(deadlines.response_due, zone)
    resolution_due = (
        None if deadlines.resolution_due is None else format_instant(deadlines.resolution_due, zone)
    )
    if as_json:
        _print_json(
            {
                "priority": chosen.value,
                "response_due": response_due,
                "resolution_due": resolution_due,
                "response_calendar": deadlines.response_calendar,
                "resolution_calendar": deadlines.resolution_calendar,
                "registered_at": format_instant(registered, zone),
                "resolution_by_agreement": deadlines.resolution_by_agreement,
            }
        )
        return
    _table(
        [
            ("Priority / Prioriteit", chosen.value),
            ("Registered / Geregistreerd", format_instant(registered, zone)),
            ("Response due / Reactie uiterlijk", response_due),
            ("Response calendar / Kalender reactie", deadlines.response_calendar),
            (
                "Resolution due / Oplossing uiterlijk",
                resolution_due or "by agreement / in overleg met planning",
            ),
            ("Resolution calendar / Kalender oplossing", deadlines.resolution_calendar),
        ],
        "SLA",
    )


def quote(
    package: str | None = typer.Option(None, "--package", help="small, medium or large."),
    premium: bool = typer.Option(False, "--premium", help="Add the premium extension."),
    koppelingen: int = typer.Option(0, "--koppelingen", min=0, help="Number of contracted integrations."),
    migration: bool = typer.Option(False, "--migration", help="Add PriorityMigration."),
    users: int | None = typer.Option(None, "--users", min=0, help="Active internal users (for advice)."),
    custom_lines: int | None = typer.Option(
        None, "--custom-lines", min=0, help="Custom code lines (for advice)."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    catalogue_path: Path | None = typer.Option(None, "--catalogue", help=CATALOGUE_HELP),
) -> None:
    """Monthly fee of a contract and package advice (maandbedrag en pakketadvies)."""
    from collector.policy.catalogue import Contract, ContractError
    from collector.policy.fees import advise_package, fee_lines, monthly_fee

    if (
        package is None
        and not (premium or koppelingen or migration)
        and users is None
        and custom_lines is None
    ):
        _fail(
            "nothing to quote: give --package small|medium|large (with --premium, --koppelingen N, "
            "--migration), or --users N --custom-lines N for package advice"
        )
    catalogue = _catalogue(catalogue_path)
    if (users is None) != (custom_lines is None):
        _fail("package advice needs both --users and --custom-lines")
    contract = Contract(package.strip().lower() if package else None, premium, koppelingen, migration)
    try:
        lines = fee_lines(contract, catalogue)
        total = monthly_fee(contract, catalogue)
    except ContractError as error:
        _fail(str(error))
    advised = None
    if users is not None and custom_lines is not None:
        advised = advise_package(users, custom_lines, catalogue)
    if as_json:
        _print_json(
            {
                "monthly_eur": total,
                "fee_lines": [{"item": line.item, "eur": line.eur} for line in lines],
                "advised_package": advised,
                "custom_quote": users is not None and advised is None,
            }
        )
        return
    rows = [(line.item, f"EUR {line.eur}") for line in lines]
    rows.append(("Monthly total / Totaal per maand", "-" if total is None else f"EUR {total}"))
    if users is not None:
        advice = advised or "no standard package: custom quote / geen standaardpakket: offerte op maat"
        rows.append(("Advised package / Geadviseerd pakket", advice))
    _table(rows, "Quote / Offerte")


def register(app: typer.Typer) -> None:
    """Add this package's commands to the root application."""
    app.command("triage")(triage)
    app.command("sla")(sla)
    app.command("quote")(quote)
