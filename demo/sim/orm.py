"""The model methods the simulator answers, raising errors shaped like Odoo's exceptions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from demo.sim.dataset import SCHEMAS, Dataset, Record
from demo.sim.domain import DomainError, matches, mentions
from demo.sim.versions import SeriesFeatures, features_for


class OdooError(Exception):
    """Base of the simulated server errors; `odoo_name` is the class path Odoo reports."""

    odoo_name = "builtins.Exception"
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(OdooError):
    odoo_name = "odoo.exceptions.UserError"
    http_status = 422


class AccessDenied(OdooError):
    odoo_name = "odoo.exceptions.AccessDenied"
    http_status = 401

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class AccessError(OdooError):
    odoo_name = "odoo.exceptions.AccessError"
    http_status = 403


class MissingError(OdooError):
    odoo_name = "odoo.exceptions.MissingError"
    http_status = 404


class ServerError(OdooError):
    """An unexpected exception: Odoo sends it with a traceback (fault code 1)."""

    def __init__(self, message: str, odoo_name: str = "builtins.ValueError") -> None:
        super().__init__(message)
        self.odoo_name = odoo_name


class DatabaseDown(ServerError):
    def __init__(self, database: str) -> None:
        super().__init__(
            'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
            "\tIs the server running on that host and accepting TCP/IP connections?",
            odoo_name="psycopg2.OperationalError",
        )
        self.database = database


class UnknownDatabase(ServerError):
    def __init__(self, database: str) -> None:
        super().__init__(
            f'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
            f'FATAL:  database "{database}" does not exist',
            odoo_name="psycopg2.OperationalError",
        )


# Positional parameter names of the public methods, as bound by Odoo's call_kw.
MODEL_METHODS: dict[str, list[str]] = {
    "search": ["domain", "offset", "limit", "order"],
    "search_read": ["domain", "fields", "offset", "limit", "order"],
    "search_count": ["domain", "limit"],
    "read_group": ["domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"],
    "fields_get": ["allfields", "attributes"],
    "check_access_rights": ["operation", "raise_exception"],
    "context_get": [],
    "get_param": ["key", "default"],
}
RECORD_METHODS: dict[str, list[str]] = {"read": ["fields", "load"]}


def bind(method: str, args: Sequence[Any], kwargs: dict[str, Any]) -> tuple[list[int] | None, dict[str, Any]]:
    """Split positional arguments into ids (record methods) and named arguments."""
    remaining = list(args)
    ids: list[int] | None = None
    if method in RECORD_METHODS:
        names = RECORD_METHODS[method]
        if remaining:
            first = remaining.pop(0)
            ids = [first] if isinstance(first, int) else list(first)
    elif method in MODEL_METHODS:
        names = MODEL_METHODS[method]
    else:
        raise AttributeError(method)
    if len(remaining) > len(names):
        raise ServerError(
            f"{method}() takes {len(names) + 1} positional arguments but {len(remaining) + 1} were given",
            odoo_name="builtins.TypeError",
        )
    named = dict(zip(names, remaining, strict=False))
    for key, value in kwargs.items():
        if key == "context":
            continue
        if key in named:
            raise ServerError(
                f"{method}() got multiple values for argument '{key}'", odoo_name="builtins.TypeError"
            )
        named[key] = value
    return ids, named


def _sort_key(field: str) -> Callable[[Record], tuple[bool, Any]]:
    def key(record: Record) -> tuple[bool, Any]:
        value = record.get(field)
        missing = value is None or value is False
        return (missing, "" if missing else value)

    return key


class Orm:
    """Answers model method calls for one authenticated user against the data set."""

    def __init__(self, data: Dataset, features: SeriesFeatures | None = None) -> None:
        self.data = data
        self.features = features or features_for("17.0")

    def call(
        self,
        model: str,
        method: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
        ids: list[int] | None = None,
        uid: int = 2,
    ) -> Any:
        if model not in SCHEMAS:
            raise UserError(f"Object {model} doesn't exist")
        if method.startswith("_"):
            raise AccessError(self.features.private_method_error(model, method))
        if method == "context_get":
            # As Odoo 17/18 answer for a user whose time zone is set.
            return {"lang": "en_US", "tz": "Europe/Amsterdam", "uid": uid}
        try:
            bound_ids, named = bind(method, args, kwargs)
        except AttributeError:
            raise ServerError(
                f"The method '{model}.{method}' does not exist", odoo_name="builtins.AttributeError"
            ) from None
        if ids is not None:
            bound_ids = ids
        with self.data.lock:
            return self._dispatch(model, method, bound_ids, named)

    def _dispatch(self, model: str, method: str, ids: list[int] | None, named: dict[str, Any]) -> Any:
        if method == "search":
            return [record["id"] for record in self._search(model, named)]
        if method == "search_read":
            return [
                self._project(model, record, named.get("fields")) for record in self._search(model, named)
            ]
        if method == "search_count":
            return len(self._search(model, {"domain": named.get("domain", [])}))
        if method == "read":
            wanted = set(ids or [])
            found = [record for record in self.data.tables[model] if record["id"] in wanted]
            if len(found) != len(wanted):
                raise MissingError("Record does not exist or has been deleted.")
            return [self._project(model, record, named.get("fields")) for record in found]
        if method == "fields_get":
            return {
                name: {"type": kind, "string": name.replace("_", " ").title()}
                for name, kind in {**SCHEMAS[model], **self._extra_fields(model)}.items()
            }
        if method == "check_access_rights":
            return True
        if method == "get_param" and model == "ir.config_parameter":
            key = named.get("key")
            for record in self.data.tables[model]:
                if record["key"] == key:
                    return record["value"]
            return named.get("default", False)
        raise ServerError(
            f"The method '{model}.{method}' does not exist", odoo_name="builtins.AttributeError"
        )

    def _extra_fields(self, model: str) -> dict[str, str]:
        if model == "ir.cron" and self.data.features.cron_failure_count:
            return {"failure_count": "integer", "first_failure_date": "datetime"}
        if model == "ir.cron" and self.data.features.cron_numbercall:
            return {"numbercall": "integer", "doall": "boolean"}
        return {}

    def _known(self, model: str) -> set[str]:
        return self.data.fields_of(model) | set(self._extra_fields(model))

    def _search(self, model: str, named: dict[str, Any]) -> list[Record]:
        domain = list(named.get("domain") or [])
        records = self.data.tables[model]
        # Odoo hides archived records unless the domain mentions `active`.
        if "active" in SCHEMAS[model] and not mentions(domain, "active"):
            records = [record for record in records if record.get("active")]
        try:
            found = [record for record in records if matches(record, domain, self._known(model))]
        except DomainError as error:
            raise ServerError(str(error)) from None
        found = self._order(found, named.get("order"))
        offset = int(named.get("offset") or 0)
        limit = named.get("limit")
        return found[offset : offset + int(limit)] if limit else found[offset:]

    @staticmethod
    def _order(records: list[Record], order: Any) -> list[Record]:
        if not order:
            return sorted(records, key=lambda record: record["id"])
        result = list(records)
        for part in reversed(str(order).split(",")):
            tokens = part.split()
            if not tokens:
                continue
            key, descending = tokens[0], len(tokens) > 1 and tokens[1].lower() == "desc"
            result.sort(key=_sort_key(key), reverse=descending)
        return result

    def _project(self, model: str, record: Record, fields: Any) -> Record:
        known = self._known(model)
        names = list(fields) if fields else sorted(known - {"display_name"})
        result: Record = {"id": record["id"]}
        for name in names:
            if name not in known:
                raise ServerError(f"Invalid field '{name}' on model '{model}'")
            if name == "display_name":
                result[name] = record.get("name") or record.get("key") or f"{model},{record['id']}"
            else:
                result[name] = record.get(name, False)
        return result
