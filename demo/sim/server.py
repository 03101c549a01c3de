"""The simulated Odoo server: routes, authentication, fault injection and a control API."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from demo.sim.dataset import Dataset, build_dataset, odoo_datetime, set_publisher_warranty_cloc
from demo.sim.faults import Faults
from demo.sim.orm import (
    AccessDenied,
    DatabaseDown,
    Orm,
    ServerError,
    UnknownDatabase,
)
from demo.sim.sample_addons import write_sample_addons
from demo.sim.versions import SeriesFeatures, features_for

ADMIN_PASSWORD = "admin"


class OdooSimulator:
    """A fake Odoo on 127.0.0.1: start(), use .url, inject faults, stop()."""

    def __init__(
        self,
        version: str = "17.0",
        users: int = 5,
        portal_users: int = 2,
        db: str = "demo",
        api_key: str | None = None,
        addons_path: list[Path] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if users < 1:
            raise ValueError("--users counts admin too, so it must be at least 1")
        if portal_users < 0:
            raise ValueError("--portal-users must be 0 or more")
        self.features: SeriesFeatures = features_for(version)
        self.db = db
        self.api_key = api_key
        self.host = host
        self.port = port
        self.faults = Faults()
        self._temp_dir: Path | None = None
        if addons_path:
            self.addons_paths = list(addons_path)
            sample = False
        else:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="odoo-sim-addons-"))
            self.addons_paths = write_sample_addons(self._temp_dir)
            sample = True
        self.data: Dataset = build_dataset(self.features, users, portal_users, self.addons_paths, sample)
        self.orm = Orm(self.data, self.features)
        self.sessions: dict[str, int] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> OdooSimulator:
        from demo.sim.routes import OdooRequestHandler

        handler = type("BoundOdooHandler", (OdooRequestHandler,), {"simulator": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Block until interrupted (starting first when needed), then stop."""
        if self._server is None:
            self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> OdooSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- control API -----------------------------------------------------------------------------
    def set_fault(self, name: str, value: Any = True) -> None:
        self.faults.set(name, value)

    def clear_faults(self) -> None:
        self.faults.clear()

    def add_users(self, count: int, share: bool = False) -> None:
        self.data.add_users(count, share=share)

    def remove_users(self, count: int, share: bool = False) -> int:
        return self.data.remove_users(count, share=share)

    def fail_cron(self, name: str, failing: bool = True) -> None:
        """Make a scheduled action fail (18+: failure_count) or fall overdue (before 18), or recover."""
        now = datetime.now(UTC)
        with self.data.lock:
            crons = [cron for cron in self.data.tables["ir.cron"] if cron["cron_name"] == name]
            if not crons:
                raise ValueError(f"no scheduled action named {name!r}")
            for cron in crons:
                if failing:
                    cron["nextcall"] = odoo_datetime(now - timedelta(hours=6))
                    if self.features.cron_failure_count:
                        cron["failure_count"] = 3
                        cron["first_failure_date"] = odoo_datetime(now - timedelta(hours=7))
                else:
                    cron["nextcall"] = odoo_datetime(now + timedelta(hours=1))
                    cron["lastcall"] = odoo_datetime(now)
                    if self.features.cron_failure_count:
                        cron["failure_count"] = 0
                        cron["first_failure_date"] = False

    def fail_queue_jobs(
        self,
        count: int,
        channel: str = "root.webshop",
        model_name: str = "sale.order",
        method_name: str = "export_order",
        message: str = "Webshop answered 503 Service Unavailable",
    ) -> None:
        now = odoo_datetime(datetime.now(UTC))
        for index in range(count):
            self.data.insert(
                "queue.job",
                {
                    "uuid": secrets.token_hex(16),
                    "name": f"Export order (failed {index})",
                    "state": "failed",
                    "channel": channel,
                    "model_name": model_name,
                    "method_name": method_name,
                    "exc_name": "requests.exceptions.HTTPError",
                    "exc_message": message,
                    "exc_info": f"Traceback (most recent call last):\nHTTPError: {message}\n",
                    "date_created": now,
                    "date_done": False,
                    "retry": 5,
                    "max_retries": 5,
                },
            )

    def requeue_failed_jobs(self) -> None:
        now = odoo_datetime(datetime.now(UTC))
        with self.data.lock:
            for job in self.data.tables["queue.job"]:
                if job["state"] == "failed":
                    job.update({"state": "done", "date_done": now})

    def mail_exceptions(self, count: int, reason: str = "Connection unexpectedly closed") -> None:
        now = odoo_datetime(datetime.now(UTC))
        for index in range(count):
            self.data.insert(
                "mail.mail",
                {
                    "subject": f"Invoice {index}",
                    "state": "exception",
                    "failure_type": "mail_smtp",
                    "failure_reason": reason,
                    "create_date": now,
                },
            )

    def resend_mail(self) -> None:
        with self.data.lock:
            for mail in self.data.tables["mail.mail"]:
                if mail["state"] == "exception":
                    mail.update({"state": "sent", "failure_type": False, "failure_reason": False})

    def set_publisher_warranty_cloc(self, lines_by_module: dict[str, int]) -> None:
        set_publisher_warranty_cloc(self.data, lines_by_module)

    def state(self) -> dict[str, Any]:
        with self.data.lock:
            users = self.data.tables["res.users"]
            return {
                "version": self.features.serie,
                "database": self.db,
                "faults": self.faults.as_dict(),
                "internal_users": sum(1 for user in users if user["active"] and not user["share"]),
                "portal_users": sum(1 for user in users if user["active"] and user["share"]),
                "failed_jobs": sum(1 for job in self.data.tables["queue.job"] if job["state"] == "failed"),
                "mail_exceptions": sum(
                    1 for mail in self.data.tables["mail.mail"] if mail["state"] == "exception"
                ),
                "addons_paths": [str(path) for path in self.addons_paths],
            }

    def control(self, command: dict[str, Any]) -> dict[str, Any]:
        """The control endpoint's body: {"action": ..., ...}; returns the new state."""
        action = command.get("action")
        if action == "set":
            self.set_fault(str(command.get("fault")), command.get("value", True))
        elif action == "clear" or action == "reset":
            self.clear_faults()
        elif action == "fail_cron":
            self.fail_cron(str(command.get("name")), bool(command.get("failing", True)))
        elif action == "fail_queue_jobs":
            self.fail_queue_jobs(
                int(command.get("count", 1)),
                **_subset(command, ("channel", "model_name", "method_name", "message")),
            )
        elif action == "requeue_failed_jobs":
            self.requeue_failed_jobs()
        elif action == "mail_exceptions":
            self.mail_exceptions(int(command.get("count", 1)))
        elif action == "resend_mail":
            self.resend_mail()
        elif action == "add_users":
            self.add_users(int(command.get("count", 1)), bool(command.get("share", False)))
        elif action == "remove_users":
            self.remove_users(int(command.get("count", 1)), bool(command.get("share", False)))
        else:
            raise ValueError(
                f"unknown action {action!r}: use set, clear, fail_cron, fail_queue_jobs, "
                "requeue_failed_jobs, "
                "mail_exceptions, resend_mail, add_users or remove_users"
            )
        return self.state()

    # --- Odoo services ---------------------------------------------------------------------------
    def check_database(self, db: Any) -> None:
        if db != self.db:
            raise UnknownDatabase(str(db))
        if self.faults.database_down:
            raise DatabaseDown(str(db))

    def authenticate(self, db: Any, login: Any, secret: Any) -> int | bool:
        self.check_database(db)
        if self.faults.auth_failure:
            return False
        with self.data.lock:
            for user in self.data.tables["res.users"]:
                if user["login"] == login and user["active"] and self._secret_ok(user, secret):
                    user["login_date"] = odoo_datetime(datetime.now(UTC))
                    return int(user["id"])
        return False

    def _secret_ok(self, user: dict[str, Any], secret: Any) -> bool:
        if user["login"] != "admin" or not isinstance(secret, str):
            return False
        return secrets.compare_digest(secret, ADMIN_PASSWORD) or (
            self.api_key is not None and secrets.compare_digest(secret, self.api_key)
        )

    def check_uid(self, db: Any, uid: Any, secret: Any) -> int:
        self.check_database(db)
        if self.faults.auth_failure:
            raise AccessDenied()
        with self.data.lock:
            for user in self.data.tables["res.users"]:
                if user["id"] == uid and user["active"] and self._secret_ok(user, secret):
                    return int(uid)
        raise AccessDenied()

    def uid_for_api_key(self, key: str) -> int:
        if self.faults.auth_failure or self.api_key is None or not secrets.compare_digest(key, self.api_key):
            raise AccessDenied("Invalid apikey")
        return 2

    def dispatch_rpc(self, service: str, method: str, params: list[Any]) -> Any:
        if service == "common":
            if method == "version":
                return self.features.version_info()
            if method == "about":
                return "See http://openerp.com"
            if method in ("authenticate", "login"):
                if len(params) < 3:
                    raise ServerError(
                        f"{method}() missing required arguments", odoo_name="builtins.TypeError"
                    )
                return self.authenticate(params[0], params[1], params[2])
        elif service == "db":
            if method == "list":
                if self.faults.database_down:
                    raise DatabaseDown("postgres")
                return [self.db]
            if method == "server_version":
                return self.features.serie
            if method == "db_exist":
                return bool(params) and params[0] == self.db and not self.faults.database_down
        elif service == "object":
            if method == "execute_kw":
                db, uid, secret, model, model_method = params[:5]
                args = params[5] if len(params) > 5 else []
                kwargs = params[6] if len(params) > 6 else {}
                self.check_uid(db, uid, secret)
                return self.orm.call(str(model), str(model_method), args or [], kwargs or {}, uid=int(uid))
            if method == "execute":
                db, uid, secret, model, model_method = params[:5]
                self.check_uid(db, uid, secret)
                return self.orm.call(str(model), str(model_method), list(params[5:]), {}, uid=int(uid))
        raise ServerError(f"Method not found: {method}", odoo_name="builtins.NameError")


def _subset(command: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: str(command[key]) for key in keys if key in command}
