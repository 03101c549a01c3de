"""The simulator's small data set: one table (list of dict records) per Odoo model."""

from __future__ import annotations

import ast
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from demo.sim.sample_addons import custom_modules, standard_modules
from demo.sim.versions import SeriesFeatures

Record = dict[str, Any]


def odoo_datetime(moment: datetime) -> str:
    """Odoo's wire format for datetimes: naive UTC with a space."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Dataset:
    """Tables keyed by model name; every access goes through the lock (the server is threaded)."""

    features: SeriesFeatures
    tables: dict[str, list[Record]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def next_id(self, model: str) -> int:
        return max((record["id"] for record in self.tables.setdefault(model, [])), default=0) + 1

    def insert(self, model: str, values: Record) -> Record:
        with self.lock:
            record = {"id": self.next_id(model), **values}
            self.tables.setdefault(model, []).append(record)
            return record

    def fields_of(self, model: str) -> set[str]:
        return set(SCHEMAS[model]) | {"id", "display_name"} if model in SCHEMAS else set()

    # --- users -----------------------------------------------------------------------------------
    def add_users(self, count: int, share: bool = False, now: datetime | None = None) -> None:
        moment = now or datetime.now(UTC)
        with self.lock:
            for _ in range(count):
                number = self.next_id("res.users")
                kind = "portal" if share else "user"
                # every other user logged in recently, the rest a month ago
                login = moment - timedelta(days=2 if number % 2 == 0 else 40)
                self.insert(
                    "res.users",
                    {
                        "login": f"{kind}{number}@example.com",
                        "name": f"{kind.title()} {number}",
                        "active": True,
                        "share": share,
                        "login_date": odoo_datetime(login),
                    },
                )

    def remove_users(self, count: int, share: bool = False) -> int:
        """Archive the newest active users of the kind (never admin); return how many were archived."""
        with self.lock:
            candidates = [
                user
                for user in self.tables["res.users"]
                if user["active"] and user["share"] == share and user["login"] != "admin"
            ]
            chosen = sorted(candidates, key=lambda user: user["id"], reverse=True)[:count]
            for user in chosen:
                user["active"] = False
            return len(chosen)


SCHEMAS: dict[str, dict[str, str]] = {
    "res.users": {
        "login": "char",
        "name": "char",
        "active": "boolean",
        "share": "boolean",
        "login_date": "datetime",
    },
    "res.partner": {"name": "char", "create_date": "datetime", "write_date": "datetime", "active": "boolean"},
    "ir.module.module": {"name": "char", "state": "selection", "author": "char", "shortdesc": "char"},
    "ir.cron": {
        "name": "char",
        "cron_name": "char",
        "active": "boolean",
        "nextcall": "datetime",
        "lastcall": "datetime",
        "interval_number": "integer",
        "interval_type": "selection",
    },
    "queue.job": {
        "uuid": "char",
        "name": "char",
        "state": "selection",
        "channel": "char",
        "model_name": "char",
        "method_name": "char",
        "exc_name": "char",
        "exc_message": "text",
        "exc_info": "text",
        "date_created": "datetime",
        "date_done": "datetime",
        "retry": "integer",
        "max_retries": "integer",
    },
    "mail.mail": {
        "subject": "char",
        "state": "selection",
        "failure_type": "selection",
        "failure_reason": "text",
        "create_date": "datetime",
    },
    "ir.actions.server": {"name": "char", "state": "selection", "code": "text", "model_name": "char"},
    "ir.model.fields": {
        "name": "char",
        "model": "char",
        "state": "selection",
        "compute": "text",
        "store": "boolean",
    },
    "ir.model.data": {"module": "char", "name": "char", "model": "char", "res_id": "integer"},
    "ir.config_parameter": {"key": "char", "value": "text"},
    "ir.model": {"model": "char", "name": "char"},
}

STUDIO_ACTION_CODE = (
    "# tag quotations of key accounts\nfor record in records:\n"
    "    if record.partner_id.is_company:\n        record.write({'note': 'key account'})\n"
)
EXPORT_ACTION_CODE = "log('nightly check')\n"
EXCLUDED_ACTION_CODE = "a = 1\nb = 2\n"
MANUAL_FIELD_COMPUTE = "for record in self:\n    record['x_margin'] = record.amount_total * 0.1\n"


def read_manifest(module_dir: Path) -> dict[str, Any] | None:
    for name in ("__manifest__.py", "__openerp__.py"):
        manifest = module_dir / name
        if manifest.is_file():
            try:
                value = ast.literal_eval(manifest.read_text(encoding="latin-1"))
            except (ValueError, SyntaxError):
                return {}
            return value if isinstance(value, dict) else {}
    return None


def modules_on_disk(addons_paths: list[Path]) -> dict[str, str]:
    """Module name -> author for every folder with a manifest in the addons paths."""
    found: dict[str, str] = {}
    for folder in addons_paths:
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            manifest = read_manifest(child) if child.is_dir() else None
            if manifest is not None:
                found.setdefault(child.name, str(manifest.get("author", "")))
    return found


def build_dataset(
    features: SeriesFeatures,
    users: int,
    portal_users: int,
    addons_paths: list[Path],
    sample: bool,
    now: datetime | None = None,
) -> Dataset:
    """The initial data: `users` active internal users (admin included) and `portal_users` portal users."""
    moment = now or datetime.now(UTC)
    data = Dataset(features=features, tables={model: [] for model in SCHEMAS})
    _add_users(data, users, portal_users, moment)
    _add_models(data)
    _add_modules(data, addons_paths, sample)
    _add_partners_and_crons(data, features, moment)
    _add_jobs_and_mail(data, moment)
    _add_custom_code(data)
    _add_parameters(data)
    return data


def _add_users(data: Dataset, users: int, portal_users: int, moment: datetime) -> None:
    never = False
    # Odoo's technical users are inactive: __system__ (OdooBot), the default template and public.
    for login, name, share in (("__system__", "OdooBot", False), ("admin", "Administrator", False)):
        data.insert(
            "res.users",
            {
                "login": login,
                "name": name,
                "active": login == "admin",
                "share": share,
                "login_date": odoo_datetime(moment) if login == "admin" else never,
            },
        )
    for login, name, share in (("default", "Default User Template", False), ("public", "Public user", True)):
        data.insert(
            "res.users", {"login": login, "name": name, "active": False, "share": share, "login_date": never}
        )
    data.add_users(max(users - 1, 0), share=False, now=moment)
    data.add_users(portal_users, share=True, now=moment)


def _add_models(data: Dataset) -> None:
    for model, name in (
        ("res.users", "User"),
        ("res.partner", "Contact"),
        ("ir.module.module", "Module"),
        ("ir.cron", "Scheduled Actions"),
        ("queue.job", "Queue Job"),
        ("mail.mail", "Outgoing Mails"),
        ("ir.actions.server", "Server Action"),
        ("ir.model.fields", "Fields"),
        ("ir.model.data", "Model Data"),
        ("ir.config_parameter", "System Parameter"),
        ("ir.model", "Models"),
    ):
        data.insert("ir.model", {"model": model, "name": name})


def _add_modules(data: Dataset, addons_paths: list[Path], sample: bool) -> None:
    for module in standard_modules():
        data.insert(
            "ir.module.module",
            {"name": module, "state": "installed", "author": "Odoo S.A.", "shortdesc": module},
        )
    if sample:
        for module, (installed, author) in custom_modules().items():
            state = "installed" if installed else "uninstalled"
            data.insert(
                "ir.module.module", {"name": module, "state": state, "author": author, "shortdesc": module}
            )
    else:
        for module, author in modules_on_disk(addons_paths).items():
            if module not in standard_modules():
                data.insert(
                    "ir.module.module",
                    {"name": module, "state": "installed", "author": author, "shortdesc": module},
                )


def _add_partners_and_crons(data: Dataset, features: SeriesFeatures, moment: datetime) -> None:
    for index in range(3):
        stamp = odoo_datetime(moment - timedelta(hours=index * 5))
        data.insert(
            "res.partner",
            {"name": f"Partner {index}", "create_date": stamp, "write_date": stamp, "active": True},
        )

    soon = odoo_datetime(moment + timedelta(hours=1))
    for cron_name in ("Mail: Email Queue Manager", "Webshop: import orders", "Bank: fetch statements"):
        values: Record = {
            "name": cron_name,
            "cron_name": cron_name,
            "active": True,
            "nextcall": soon,
            "lastcall": odoo_datetime(moment - timedelta(minutes=5)),
            "interval_number": 1,
            "interval_type": "hours",
        }
        if features.cron_failure_count:
            values.update({"failure_count": 0, "first_failure_date": False})
        if features.cron_numbercall:
            values.update({"numbercall": -1, "doall": False})
        data.insert("ir.cron", values)


def _add_jobs_and_mail(data: Dataset, moment: datetime) -> None:
    for index in range(3):
        data.insert(
            "queue.job",
            {
                "uuid": f"00000000-0000-4000-8000-{index:012d}",
                "name": f"Export order {index}",
                "state": "done",
                "channel": "root.webshop",
                "model_name": "sale.order",
                "method_name": "export_order",
                "exc_name": False,
                "exc_message": False,
                "exc_info": False,
                "date_created": odoo_datetime(moment - timedelta(minutes=30)),
                "date_done": odoo_datetime(moment - timedelta(minutes=29)),
                "retry": 0,
                "max_retries": 5,
            },
        )
    data.insert(
        "mail.mail",
        {
            "subject": "Your quotation",
            "state": "sent",
            "failure_type": False,
            "failure_reason": False,
            "create_date": odoo_datetime(moment),
        },
    )


def _add_custom_code(data: Dataset) -> None:
    """Server actions and manual fields in the shapes cloc tells apart: exported, excluded, Studio, module."""
    studio = data.insert(
        "ir.actions.server",
        {"name": "Tag key accounts", "state": "code", "code": STUDIO_ACTION_CODE, "model_name": "sale.order"},
    )
    exported = data.insert(
        "ir.actions.server",
        {"name": "Nightly check", "state": "code", "code": EXPORT_ACTION_CODE, "model_name": "res.partner"},
    )
    excluded = data.insert(
        "ir.actions.server",
        {"name": "Scratch", "state": "code", "code": EXCLUDED_ACTION_CODE, "model_name": "res.partner"},
    )
    from_module = data.insert(
        "ir.actions.server",
        {"name": "Module action", "state": "code", "code": "x = 1\n", "model_name": "res.partner"},
    )
    data.insert(
        "ir.actions.server",
        {"name": "Send mail", "state": "email", "code": False, "model_name": "res.partner"},
    )
    data.insert(
        "ir.model.data",
        {
            "module": "__export__",
            "name": "act_nightly",
            "model": "ir.actions.server",
            "res_id": exported["id"],
        },
    )
    data.insert(
        "ir.model.data",
        {
            "module": "__cloc_exclude__",
            "name": "scratch",
            "model": "ir.actions.server",
            "res_id": excluded["id"],
        },
    )
    data.insert(
        "ir.model.data",
        {
            "module": "base",
            "name": "action_module",
            "model": "ir.actions.server",
            "res_id": from_module["id"],
        },
    )
    del studio  # Studio-made: no external id at all
    data.insert(
        "ir.model.fields",
        {
            "name": "x_margin",
            "model": "sale.order",
            "state": "manual",
            "compute": MANUAL_FIELD_COMPUTE,
            "store": False,
        },
    )
    data.insert(
        "ir.model.fields",
        {"name": "x_note", "model": "sale.order", "state": "manual", "compute": False, "store": True},
    )
    data.insert(
        "ir.model.fields",
        {"name": "name", "model": "res.partner", "state": "base", "compute": False, "store": True},
    )


def _add_parameters(data: Dataset) -> None:
    data.insert(
        "ir.config_parameter", {"key": "database.uuid", "value": "8d3c3b8e-1111-4222-8333-444455556666"}
    )
    data.insert("ir.config_parameter", {"key": "web.base.url", "value": "http://127.0.0.1"})


def set_publisher_warranty_cloc(data: Dataset, lines_by_module: dict[str, int]) -> None:
    """Store what Odoo Enterprise keeps after its publisher-warranty message."""
    with data.lock:
        table = data.tables["ir.config_parameter"]
        table[:] = [record for record in table if record["key"] != "publisher_warranty.cloc"]
        data.insert(
            "ir.config_parameter", {"key": "publisher_warranty.cloc", "value": json.dumps(lines_by_module)}
        )
