"""The slow counts: users (policy section 2) and custom code lines (installed modules plus database code)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from agent.odoo import OdooClient, OdooClientError
from agent.report import Counts, ModuleLines, utc_iso

ACTIVE_WINDOW = timedelta(days=15)
PUBLISHER_WARRANTY_KEY = "publisher_warranty.cloc"


def count_users(client: OdooClient, now: datetime) -> tuple[int, int, int]:
    """Active internal users, active share users, active users who logged in within 15 days."""
    cutoff = (now - ACTIVE_WINDOW).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    internal = client.search_count("res.users", [("share", "=", False)])
    share = client.search_count("res.users", [("share", "=", True)])
    recent = client.search_count("res.users", [("login_date", ">=", cutoff)])
    return internal, share, recent


def stored_code(
    client: OdooClient, extensions: tuple[str, ...] = (".py", ".js", ".xml", ".css", ".scss")
) -> list[Any]:
    """Server actions, computed manual fields and imported modules' views and files, as Odoo selects them."""
    from agent.cloc.stored import select_stored_code

    return select_stored_code(
        lambda model, domain, fields: client.search_read(model, domain, fields), extensions
    )


def _publisher_warranty(client: OdooClient) -> list[ModuleLines] | None:
    rows = client.search_read(
        "ir.config_parameter", [("key", "=", PUBLISHER_WARRANTY_KEY)], ["value"], limit=1
    )
    if not rows or not rows[0].get("value"):
        return None
    try:
        value = json.loads(str(rows[0]["value"]))
    except ValueError:
        return None
    if isinstance(value, dict) and isinstance(value.get("modules"), dict):
        value = value["modules"]
    if isinstance(value, int):
        return [ModuleLines(name="(all modules)", code=value, source=None)]
    if not isinstance(value, dict):
        return None
    modules = []
    for name, lines in sorted(value.items()):
        code = lines.get("code") if isinstance(lines, dict) else lines
        if isinstance(code, int) and code >= 0:
            modules.append(ModuleLines(name=str(name), code=code, source=None))
    return modules


def readable_folders(paths: list[Path]) -> list[Path]:
    return [path for path in paths if path.is_dir() and os.access(path, os.R_OK | os.X_OK)]


def count_lines(
    client: OdooClient, server_version: str | None, addons_paths: list[Path], cache_dir: Path | None
) -> tuple[int | None, str, list[ModuleLines]]:
    """Custom lines, the source they came from ("addons", "publisher_warranty", "unavailable"), per module."""
    folders = readable_folders(addons_paths)
    if folders:
        from agent.cloc import book_stored_code, count_addons, rules_for_version
        from agent.cloc.stored import imported_modules

        installed = client.search_read("ir.module.module", [("state", "=", "installed")], ["name", "author"])
        imported = imported_modules(lambda model, domain, fields: client.search_read(model, domain, fields))
        # Modules imported as data have no folder: Odoo counts them from the database only.
        names = [str(row["name"]) for row in installed if str(row["name"]) not in imported.all]
        authors = {str(row["name"]): row.get("author") or None for row in installed}
        rules = rules_for_version(server_version)
        report = count_addons(
            [str(folder) for folder in folders],
            installed=names,
            rules=rules,
            cache_dir=cache_dir,
            workers=1,
        )
        file_modules = set(report.modules)
        book_stored_code(report, stored_code(client, rules.extensions), rules.max_line_size)
        modules = [
            ModuleLines(
                name=name,
                code=entry.code,
                total=entry.total,
                author=authors.get(name) or entry.author,  # Odoo's API decodes the manifest right
                source="file" if name in file_modules else "database",
            )
            for name, entry in sorted(report.modules.items())
        ]
        return report.code, "addons", modules
    fallback = _publisher_warranty(client)
    if fallback is not None:
        return sum(module.code for module in fallback), "publisher_warranty", fallback
    return None, "unavailable", []


def collect_counts(
    client: OdooClient,
    server_version: str | None,
    addons_paths: list[Path],
    cache_dir: Path | None = None,
    now: datetime | None = None,
) -> Counts:
    moment = now or datetime.now(UTC)
    counts = Counts(counted_at=utc_iso(moment))
    # Without the users there is no count worth sending: the error goes up, and the count is retried.
    counts.internal_users, counts.share_users, counts.active_users_15d = count_users(client, moment)
    try:
        counts.custom_lines, source, counts.modules = count_lines(
            client, server_version, addons_paths, cache_dir
        )
        counts.custom_lines_source = source  # type: ignore[assignment]
    except OdooClientError:
        counts.custom_lines_source = "unavailable"
    return counts
