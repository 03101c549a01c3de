"""Database code selected as Odoo's cloc selects it, from rows read over the API (items 1 and 2)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from agent.cloc import ClocReport, book_stored_code
from agent.cloc.manifest import read_manifest_rules
from agent.cloc.stored import select_stored_code

EXTENSIONS = (".py", ".js", ".xml", ".css", ".scss")


class FakeOdoo:
    """search_read over in-memory tables, understanding the few domains the selection uses."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.tables = tables

    def __call__(self, model: str, domain: list[Any], fields: list[str]) -> list[dict[str, Any]]:
        rows = self.tables.get(model, [])
        for name, operator, value in domain:
            if operator == "=":
                rows = [row for row in rows if row.get(name) == value]
            elif operator == "!=":
                rows = [row for row in rows if row.get(name) != value]
            elif operator == "in":
                rows = [row for row in rows if row.get(name, True) in value]
        return [{"id": row.get("id"), **{field: row.get(field) for field in fields}} for row in rows]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _odoo(with_import_module: bool = True) -> FakeOdoo:
    fields = [{"id": 1, "model": "ir.module.module", "name": "imported"}] if with_import_module else []
    return FakeOdoo(
        {
            "ir.model.fields": [
                *fields,
                {"id": 50, "state": "manual", "name": "x_total", "compute": "for r in self:\n    r.x = 1\n"},
                {"id": 51, "state": "manual", "name": "x_ps_imp", "compute": "a = 1\n"},
                {"id": 52, "state": "manual", "name": "x_from_studio", "compute": "a = 1\n"},
                {"id": 53, "state": "base", "name": "login", "compute": False},
            ],
            "ir.module.module": [
                {"id": 1, "name": "sale_custom", "state": "installed", "imported": False},
                {"id": 2, "name": "ps_imported", "state": "installed", "imported": True},
                {"id": 3, "name": "old_import", "state": "uninstalled", "imported": True},
            ],
            "ir.actions.server": [
                {"id": 10, "state": "code", "name": "UI action", "code": "a = 1\n"},
                {"id": 11, "state": "code", "name": "From a module", "code": "a = 1\n"},
                {"id": 12, "state": "code", "name": "From an import", "code": "a = 1\nb = 2\n"},
                {"id": 13, "state": "code", "name": "Exported", "code": "a = 1\n"},
                {"id": 14, "state": "code", "name": "Excluded", "code": "a = 1\n"},
            ],
            "ir.model.data": [
                {"model": "ir.actions.server", "res_id": 11, "module": "sale_custom"},
                {"model": "ir.actions.server", "res_id": 12, "module": "ps_imported"},
                {"model": "ir.actions.server", "res_id": 13, "module": "__export__"},
                {"model": "ir.actions.server", "res_id": 14, "module": "__cloc_exclude__"},
                {"model": "ir.model.fields", "res_id": 51, "module": "ps_imported"},
                {"model": "ir.model.fields", "res_id": 52, "module": "studio_customization"},
                {"model": "ir.ui.view", "res_id": 30, "module": "ps_imported"},
                {"model": "ir.ui.view", "res_id": 31, "module": "ps_imported"},
                {"model": "ir.attachment", "res_id": 40, "module": "ps_imported"},
                {"model": "ir.attachment", "res_id": 41, "module": "ps_imported"},
                {"model": "ir.attachment", "res_id": 42, "module": "ps_imported"},
                {"model": "ir.attachment", "res_id": 42, "module": "__cloc_exclude__"},
            ],
            "ir.ui.view": [
                {"id": 30, "type": "qweb", "active": True, "name": "PS banner", "arch_base": "<t>\n<b/></t>"},
                {"id": 31, "type": "form", "active": True, "name": "not qweb", "arch_base": "<form/>"},
            ],
            "ir.attachment": [
                {"id": 40, "name": "a.js", "url": "/ps_imported/static/a.js", "datas": _b64("// c\nvar a;")},
                {"id": 41, "name": "logo.png", "url": "/ps_imported/static/logo.png", "datas": _b64("png")},
                {"id": 42, "name": "b.css", "url": "/ps_imported/static/src/b.css", "datas": _b64("a {}\n")},
            ],
        }
    )


def test_imported_modules_and_database_code_are_booked_like_odoo() -> None:
    report = book_stored_code(ClocReport(), select_stored_code(_odoo(), EXTENSIONS)).to_json()
    studio = report["modules"]["odoo/studio"]["files"]
    imported = report["modules"]["ps_imported"]["files"]
    assert set(studio) == {
        "ir.actions.server/10: UI action",
        "ir.actions.server/13: Exported",
        "ir.model.fields/50: x_total",
    }
    # The server action whose external id belongs to the imported module is kept, under its name.
    assert imported == {
        "ir.actions.server/12: From an import": {"code": 2, "total": 2},
        "ir.model.fields/51: x_ps_imp": {"code": 1, "total": 1},
        "/ps_imported/views/PS banner.xml": {"code": 2, "total": 2},
        "/ps_imported/static/a.js": {"code": 1, "total": 2},
    }
    assert report["excluded"] == {
        "odoo/studio": {"ir.actions.server/14: Excluded": {"code": 1, "total": 1}},
        "ps_imported": {"/ps_imported/static/src/b.css": {"code": 1, "total": 1}},
    }


def test_without_base_import_module_only_actions_and_fields_count() -> None:
    report = book_stored_code(ClocReport(), select_stored_code(_odoo(with_import_module=False), EXTENSIONS))
    assert set(report.modules) == {"odoo/studio"}
    # Without the `imported` field, Odoo keeps only actions outside every known module.
    assert "ir.actions.server/12: From an import" not in report.modules["odoo/studio"].files


def test_utf8_manifest_author(tmp_path: Path) -> None:
    module = tmp_path / "nhom"
    module.mkdir()
    (module / "__manifest__.py").write_text("{'name': 'X', 'author': 'Nhóm 01'}", encoding="utf-8")
    assert read_manifest_rules(str(module)).author == "Nhóm 01"
    (module / "__manifest__.py").write_bytes("{'name': 'X', 'author': 'Ren\xe9'}".encode("latin-1"))
    assert read_manifest_rules(str(module)).author == "René"  # not UTF-8: latin-1 as before
