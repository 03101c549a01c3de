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


def _external_ids(client: OdooClient, model: str, ids: list[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    rows = client.search_read(
        "ir.model.data", [("model", "=", model), ("res_id", "in", ids)], ["module", "res_id"]
    )
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(int(row["res_id"]), []).append(str(row["module"]))
    return found


def stored_code(client: OdooClient) -> list[Any]:
    """Server actions with code and computed manual fields no real module defines (Odoo's selection)."""
    from agent.cloc import StoredCode

    actions = client.search_read("ir.actions.server", [("state", "=", "code")], ["name", "code"])
    fields = client.search_read(
        "ir.model.fields", [("state", "=", "manual"), ("compute", "!=", False)], ["name", "compute"]
    )
    action_xmlids = _external_ids(client, "ir.actions.server", [int(row["id"]) for row in actions])
    field_xmlids = _external_ids(client, "ir.model.fields", [int(row["id"]) for row in fields])
    mentioned = sorted(
        {module for modules in (*action_xmlids.values(), *field_xmlids.values()) for module in modules}
    )
    real_modules: set[str] = set()
    if mentioned:
        rows = client.search_read("ir.module.module", [("name", "in", mentioned)], ["name"])
        real_modules = {str(row["name"]) for row in rows}

    records: list[Any] = []
    for model, rows, xmlids, code_field in (
        ("ir.actions.server", actions, action_xmlids, "code"),
        ("ir.model.fields", fields, field_xmlids, "compute"),
    ):
        for row in rows:
            modules = xmlids.get(int(row["id"]), [])
            # Odoo keeps a record only through external ids outside real modules (or none at all).
            kept = [module for module in modules if module not in real_modules]
            if modules and not kept:
                continue
            records.append(
                StoredCode(
                    module=None,
                    item=f"{model}/{row['id']}: {row.get('name')}",
                    source=str(row.get(code_field) or ""),
                    excluded="__cloc_exclude__" in kept,
                )
            )
    return records


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

        installed = client.search_read("ir.module.module", [("state", "=", "installed")], ["name", "author"])
        names = [str(row["name"]) for row in installed]
        authors = {str(row["name"]): row.get("author") or None for row in installed}
        report = count_addons(
            [str(folder) for folder in folders],
            installed=names,
            rules=rules_for_version(server_version),
            cache_dir=cache_dir,
            workers=1,
        )
        file_modules = set(report.modules)
        book_stored_code(report, stored_code(client))
        modules = [
            ModuleLines(
                name=name,
                code=entry.code,
                total=entry.total,
                author=entry.author or authors.get(name),
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
