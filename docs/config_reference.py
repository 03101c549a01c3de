"""Writes docs/configuration.md from the configuration models the loaders themselves use.

    .venv/bin/python docs/config_reference.py           # regenerate
    .venv/bin/python docs/config_reference.py --check   # exit 1 when docs/configuration.md is stale

Sources: agent.config.SETTINGS (and the integration options); the declarations
(prioritysupport/config_keys.py) that the loaders read through: collector.config.COLLECTOR_KEYS,
collector.contracts.book.CONTRACT_FILE_KEYS, alerts.oncall.ROTA_KEYS and
collector.policy.catalogue.CATALOGUE_KEYS; and the HelpdeskSettings fields. A key the loaders accept is a
declared key, so it is documented here.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from prioritysupport.config_keys import Keys

REFERENCE = Path(__file__).resolve().parent / "configuration.md"
_UNSET = "—"


class Row(NamedTuple):
    key: str
    type: str
    default: str
    required: str
    secret: str
    help: str


class Table(NamedTuple):
    heading: str
    rows: tuple[Row, ...]
    note: str = ""
    key_label: str = "key"


# -- rendering values ------------------------------------------------------------------------------

_TYPE_NAMES = {
    "str": "string",
    "string": "string",
    "int": "integer",
    "integer": "integer",
    "float": "number",
    "int/float": "number",
    "number": "number",
    "bool": "boolean",
    "boolean": "boolean",
    "dict": "table",
    "table": "table",
    "list": "array",
    "choice": "string (choice)",
    "date": "date",
    "datetime": "date-time",
    "datetime/str": "date-time",
}


def type_name(kind: object) -> str:
    if isinstance(kind, tuple):
        kind = "/".join(item.__name__ for item in kind)
    elif isinstance(kind, type):
        kind = kind.__name__
    return _TYPE_NAMES[str(kind)]


def toml_value(value: Any) -> str:
    """A default as it would be written in the TOML file."""
    if value is None:
        return _UNSET
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"
    return str(value)


def _code(text: str) -> str:
    return f"`{text}`" if text != _UNSET else text


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


# -- collecting the tables -------------------------------------------------------------------------


def agent_tables() -> list[Table]:
    from agent.config import _INTEGRATION_OPTIONS, _REQUIRED_OPTIONS, INTEGRATION_OPTION_HELP, SETTINGS

    headings = {
        "": "top level",
        "instances": "[[instances]]",
        "instances.integrations": "[[instances.integrations]]",
    }
    tables = []
    for section, settings in SETTINGS.items():
        heading = headings.get(section, f"[{section}]")
        rows = tuple(
            Row(
                key=key,
                type=type_name(setting.kind),
                default=setting.default_text or _code(toml_value(setting.default)),
                required=_yes(setting.required),
                secret=f"yes, or `{key}_env`" if setting.secret else "no",
                help=setting.help,
            )
            for key, setting in settings.items()
        )
        tables.append(Table(heading, rows))
    for check, options in _INTEGRATION_OPTIONS.items():
        helps = INTEGRATION_OPTION_HELP[check]
        rows = tuple(
            Row(key, type_name(kind), _UNSET, _yes(key in _REQUIRED_OPTIONS.get(check, ())), "no", helps[key])
            for key, kind in options.items()
        )
        tables.append(
            Table(f'Options of check = "{check}"', rows, "In `[[instances.integrations]]` with this check.")
        )
    return tables


def _rows(keys: Keys) -> tuple[Row, ...]:
    return tuple(
        Row(
            key=name,
            type=key.kind.name,
            default=key.default_text or _code(toml_value(key.default)),
            required=_yes(key.required),
            secret=_yes(key.secret),
            help=key.help,
        )
        for name, key in keys.items()
    )


def declared(keys: Keys) -> list[Table]:
    """Every table declared in `keys`; a top level of [sections] only is not a table of its own."""
    from prioritysupport.config_keys import declared_tables

    tables: list[Table] = []
    previous: Keys | None = None
    for table in declared_tables(keys):
        if table.path == "" and all(key.is_section for key in table.keys.values()):
            continue
        if table.keys is previous:  # sibling tables with the same keys share one table: [sla.targets.A], ...
            last = tables.pop()
            heading = f"{_quoted(last.heading)}, {_quoted(table.heading)}"
            tables.append(last._replace(heading=heading, note=""))
            continue
        previous = table.keys
        tables.append(Table(table.heading, _rows(table.keys), table.help if table.path else ""))
    return tables


def _quoted(heading: str) -> str:
    return heading if heading.startswith("`") else f"`{heading}`"


def collector_tables() -> list[Table]:
    from collector.config import COLLECTOR_KEYS

    return declared(COLLECTOR_KEYS)


def contract_tables() -> list[Table]:
    from collector.contracts.book import CONTRACT_FILE_KEYS

    return declared(CONTRACT_FILE_KEYS)


def rota_tables() -> list[Table]:
    from alerts.oncall import ROTA_KEYS

    return declared(ROTA_KEYS)


def catalogue_tables() -> list[Table]:
    from collector.policy.catalogue import CATALOGUE_KEYS

    return declared(CATALOGUE_KEYS)


def helpdesk_tables() -> list[Table]:
    from collector.helpdesk.settings import HelpdeskSettings, env_variable

    env_rows: list[Row] = []
    code_rows: list[Row] = []
    for field in dataclasses.fields(HelpdeskSettings):
        kind = type_name(str(field.type).removesuffix(" | None"))
        row = Row(
            key=env_variable(field.name) if field.metadata["env"] else field.name,
            type=kind,
            default=_code(toml_value(field.default)),
            required="no",
            secret=_yes(bool(field.metadata["secret"])),
            help=field.metadata["help"],
        )
        (env_rows if field.metadata["env"] else code_rows).append(row)
    return [
        Table(
            "Environment variables",
            tuple(env_rows),
            "Booleans: 1, true or yes; anything else is off.",
            key_label="variable",
        ),
        Table(
            "Settings without a variable",
            tuple(code_rows),
            'Set in code through `collector.extras["helpdesk"]` (a `HelpdeskSettings`); listed for '
            "completeness.",
            key_label="field",
        ),
    ]


class Document(NamedTuple):
    title: str
    intro: str
    tables: list[Table]


def documents() -> list[Document]:
    return [
        Document(
            "Agent: `agent.toml`",
            "Read by `prioritysupport agent ...` (`agent/config.py`); example: `deploy/examples/agent.toml`; "
            "guide: [agent.md](agent.md). A secret key can instead be given as `<key>_env`, naming an "
            "environment variable; a file holding a secret inline must not be readable by group or others.",
            agent_tables(),
        ),
        Document(
            "Collector: `collector.toml`",
            "Read by `prioritysupport collector ...` (`collector/config.py`); example: "
            "`deploy/examples/collector.toml`; guide: [collector.md](collector.md). Unknown sections and "
            "keys are refused.",
            collector_tables(),
        ),
        Document(
            "Contracts file: `contracts.toml`",
            "Read by the collector's contracts import (`collector/contracts/book.py`); example: "
            "`deploy/examples/contracts.toml`. Unknown keys are refused; the whole file is checked first.",
            contract_tables(),
        ),
        Document(
            "On-call rota: `oncall.toml`",
            "Read by `prioritysupport oncall ...` and the collector's `notifications.rota` "
            "(`alerts/oncall.py`); example: `deploy/examples/oncall.toml`; guide: [alerts.md](alerts.md).",
            rota_tables(),
        ),
        Document(
            "Policy catalogue: `catalogue.toml`",
            "The shipped `collector/policy/catalogue.toml` holds every key; a replacement file (the "
            "collector's `policy.catalogue`, or `--catalogue` of the policy commands) holds only the keys it "
            "changes and is merged over it, so required means required after that merge. Unknown keys are "
            "refused.",
            catalogue_tables(),
        ),
        Document(
            "Helpdesk: environment variables",
            "Read by the collector's helpdesk (`collector/helpdesk/settings.py`) when it starts.",
            helpdesk_tables(),
        ),
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(docs: Iterable[Document]) -> str:
    lines = [
        "# Configuration reference",
        "",
        "<!-- Generated by docs/config_reference.py from the configuration models: do not edit by hand. -->",
        "",
        "Generated from the tables the loaders themselves use for their defaults and checks. Regenerate with "
        "`.venv/bin/python docs/config_reference.py`; `--check` (run by the tests) fails when this file is "
        f"stale. A default of {_UNSET} means unset.",
    ]
    for doc in docs:
        lines += ["", f"## {doc.title}", "", doc.intro]
        for table in doc.tables:
            plain = table.heading[0].isupper() or " " in table.heading or "`" in table.heading
            heading = table.heading if plain else f"`{table.heading}`"
            lines += ["", f"### {heading}", ""]
            if table.note:
                lines += [table.note, ""]
            lines += [
                f"| {table.key_label} | type | default | required | secret | description |",
                "|---|---|---|---|---|---|",
            ]
            for row in table.rows:
                cells = (f"`{row.key}`", row.type, row.default, row.required, row.secret, row.help)
                lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate docs/configuration.md from the configuration models."
    )
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    args = parser.parse_args(argv)
    text = render(documents())
    if args.check:
        current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
        if current != text:
            print(
                f"{REFERENCE.name} is stale: run '.venv/bin/python docs/config_reference.py' and commit it",
                file=sys.stderr,
            )
            return 1
        print(f"{REFERENCE.name} is up to date")
        return 0
    REFERENCE.write_text(text, encoding="utf-8")
    print(f"wrote {REFERENCE}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REFERENCE.parent.parent))  # the repository root, when run as a script
    raise SystemExit(main())
