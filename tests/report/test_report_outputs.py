"""The report as a user gets it: the command, and its HTML, CSV and JSON outputs."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from collector.evaluation.cli import register
from tests.report.fixture_data import GENERATED_AT

AS_OF = GENERATED_AT.isoformat()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    register(root)

    @root.command("version")
    def _version() -> None:  # a second command keeps `report` a named sub-command, as in the root CLI
        """Unused."""

    return root


def _run(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def test_html_report_is_printable_and_has_the_figures(
    app: typer.Typer, sqlite_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "acme.html"
    code, _, err = _run(
        app, "--customer", "acme", "--period", "2026-10", "--database-url", sqlite_url, "--as-of", AS_OF,
        "--output", str(target),
    )  # fmt: skip
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
    assert "<script" not in page.lower()
    assert page.count("<svg") == 4
    assert "Evaluatie support: Acme Tuinmeubelen B.V." in page
    assert "PS-2026-00004" in page and "2 d 18 h" in page  # the open breach and its overrun
    assert "60.0%" in page  # response attainment
    assert "99.60%" in page and "98.79%" in page  # prod and webshop availability
    assert "16.000" in page  # peak custom lines, Dutch thousands separator
    assert "@page" in page


def test_html_in_english_on_request(app: typer.Typer, sqlite_url: str) -> None:
    code, out, err = _run(
        app, "--customer", "acme", "--period", "2026-10", "--database-url", sqlite_url, "--as-of", AS_OF,
        "--language", "en",
    )  # fmt: skip
    assert code == 0, err
    assert "Support evaluation: Acme" in out and "SLA attainment" in out


def test_csv_has_one_row_per_ticket_of_the_period(app: typer.Typer, sqlite_url: str) -> None:
    code, out, err = _run(
        app, "--customer", "acme", "--period", "2026-10", "--format", "csv", "--database-url", sqlite_url,
        "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["number"] for row in rows] == [f"PS-2026-0000{n}" for n in range(1, 6)]
    second = rows[1]
    assert (second["response_business_hours"], second["response_wall_hours"]) == ("5.000", "69.000")
    assert (second["resolution_business_hours"], second["resolution_outcome"]) == ("15.000", "met")


def test_json_carries_every_figure(app: typer.Typer, sqlite_url: str) -> None:
    code, out, err = _run(
        app, "--customer", "acme", "--period", "2026-10", "--format", "json", "--database-url", sqlite_url,
        "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    assert (document["format"], document["kind"], document["customer"]) == (
        "prioritysupport-report",
        "customer",
        "acme",
    )
    assert document["response"]["median_business"] == 3 * 3600
    assert document["resolution_attainment"] == {"met": 2, "breached": 0, "pending": 1, "share": 1.0}
    assert len(document["usage"]) == 31


def test_overview_across_customers(app: typer.Typer, sqlite_url: str) -> None:
    code, out, err = _run(
        app, "--all", "--period", "2026-10", "--format", "csv", "--database-url", sqlite_url, "--as-of", AS_OF
    )
    assert code == 0, err
    rows = {row["customer"]: row for row in csv.DictReader(io.StringIO(out))}
    assert set(rows) == {"acme", "bakker"}
    acme, bakker = rows["acme"], rows["bakker"]
    figures = ("package", "tickets", "incidents_ab", "breaches", "open_at_end")
    assert tuple(acme[name] for name in figures) == ("medium", "5", "2", "2", "3")
    assert (acme["response_attainment"], acme["peak_users"], acme["users_limit"]) == ("0.6000", "30", "75")
    assert (bakker["package"], bakker["tickets"], bakker["breaches"]) == ("large", "1", "0")
    code, page, err = _run(
        app, "--all", "--period", "2026-10", "--database-url", sqlite_url, "--as-of", AS_OF
    )
    assert code == 0, err
    assert "Bakkerij Bakker (bakker)" in page and "<script" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--customer", "acme", "--period", "oktober"], "write it as YYYY-MM"),
        (["--customer", "acme", "--period", "2026-13"], "write it as YYYY-MM"),
        (["--period", "2026-10"], "either --customer KEY or --all"),
        (["--customer", "acme", "--all", "--period", "2026-10"], "either --customer KEY or --all"),
        (["--customer", "acme", "--period", "2026-10", "--format", "pdf"], "--format must be one of"),
        (["--customer", "nobody", "--period", "2026-10"], "no customer has the key 'nobody'"),
        (["--customer", "acme", "--period", "2026-10", "--as-of", "yesterday"], "is not a date-time"),
        (["--customer", "acme", "--period", "2026-10", "--as-of", "2026-11-02T09:00"], "needs a UTC offset"),
    ],
)
def test_bad_input_is_one_sentence_not_a_traceback(
    app: typer.Typer, sqlite_url: str, args: list[str], message: str
) -> None:
    code, _, err = _run(app, *args, "--database-url", sqlite_url)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_an_empty_database_says_to_migrate(app: typer.Typer, tmp_path: Path) -> None:
    code, _, err = _run(
        app, "--customer", "acme", "--period", "2026-10", "--database-url", f"sqlite:///{tmp_path}/x.db"
    )
    assert code == 1
    assert re.search(r"run 'prioritysupport collector migrate' first", err)


def test_the_report_judges_by_the_catalogue_the_collector_runs_with(
    app: typer.Typer, sqlite_url: str, tmp_path: Path
) -> None:
    (tmp_path / "catalogue.toml").write_text("[packages.medium]\nmax_users = 80\n")
    config = tmp_path / "collector.toml"
    config.write_text(f'[database]\nurl = "{sqlite_url}"\n[policy]\ncatalogue = "catalogue.toml"\n')
    code, out, err = _run(
        app, "--all", "--period", "2026-10", "--format", "csv", "--config", str(config), "--as-of", AS_OF
    )  # fmt: skip
    assert code == 0, err
    acme = next(row for row in csv.DictReader(io.StringIO(out)) if row["customer"] == "acme")
    assert acme["users_limit"] == "80"  # the configured catalogue's limit, not the shipped 75
