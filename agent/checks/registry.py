"""Every check type the agent reports, from the specs beside the check functions.

Two committed files derive from this registry, and tests/agent/test_check_registry.py fails when either is
stale: the `kind` enum of the report schema (agent/schema/report-v1.json) and the collector's defaults for
reports without impact and scope (agent/schema/check-kinds.json). After adding a check type:

    .venv/bin/python -m agent.checks.registry           # rewrite both
    .venv/bin/python -m agent.checks.registry --check   # exit 1 when either is stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from agent.checks.availability import AVAILABILITY
from agent.checks.host import HOST_CHECKS
from agent.checks.integrations import INTEGRATIONS
from agent.checks.spec import CheckSpec

# The order is the order of the schema's enum: availability, integrations, host.
SPECS: tuple[CheckSpec, ...] = (*AVAILABILITY, *INTEGRATIONS, *HOST_CHECKS)
BY_NAME: dict[str, CheckSpec] = {spec.name: spec for spec in SPECS}

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schema"
REPORT_SCHEMA = SCHEMA_DIR / "report-v1.json"
KINDS_FILE = SCHEMA_DIR / "check-kinds.json"
_KIND_LINE = re.compile(r'^(\s*"kind": \{"type": "string", "enum": )\[[^\]]*\](.*)$', re.MULTILINE)


def kind_names() -> list[str]:
    return [spec.name for spec in SPECS]


def kinds_document() -> dict[str, Any]:
    """The defaults as plain data: what the collector reads for a check that carries no impact and scope."""
    kinds: dict[str, Any] = {}
    for spec in SPECS:
        entry: dict[str, Any] = {"impact": spec.impact, "scope": spec.scope}
        if spec.high_at is not None:
            entry["high_at"] = spec.high_at
        kinds[spec.name] = entry
    return {
        "description": (
            "Default impact and scope per check kind (policy section 8), for checks that carry none. "
            "Generated from agent/checks/registry.py by `python -m agent.checks.registry`: do not edit. "
            "high_at: the value (percent) at or above which the impact is high."
        ),
        "kinds": kinds,
    }


def kinds_text() -> str:
    return json.dumps(kinds_document(), indent=2) + "\n"


def schema_text(current: str) -> str:
    """The report schema with its kind enum set to the registry's names, the rest untouched."""
    enum = json.dumps(kind_names())
    updated, count = _KIND_LINE.subn(lambda match: f"{match[1]}{enum}{match[2]}", current)
    if count != 1:
        raise ValueError(f"{REPORT_SCHEMA} has no single checks kind line to update: restore its layout")
    return updated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the files derived from the agent's check registry.")
    parser.add_argument("--check", action="store_true", help="exit 1 when a derived file is stale")
    args = parser.parse_args(argv)
    wanted = {
        REPORT_SCHEMA: schema_text(REPORT_SCHEMA.read_text(encoding="utf-8")),
        KINDS_FILE: kinds_text(),
    }
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text("utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path} is stale: run python -m agent.checks.registry", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
