"""Reading `odoo-bin cloc -v` output (Odoo's own table) into module and file counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ROW = re.compile(r"^(?P<name>.*?)\s+(?P<total>-?\d+)\s+(?P<other>-?\d+)\s+(?P<code>-?\d+)$")


@dataclass
class OdooCloc:
    modules: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (code, total)
    files: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    excluded: dict[str, tuple[int, int]] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)


def parse_cloc(text: str) -> OdooCloc:
    result = OdooCloc()
    section, module, rules = "head", "", 0
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("Odoo cloc"):
            section = "counted"
            continue
        if line.startswith("Excluded"):
            section = "excluded"
            continue
        if line.strip() == "Errors":
            section = "errors"
            continue
        if set(line.strip()) == {"-"}:
            rules += 1
            if section == "counted" and rules == 2:  # the first rule is under the header
                section = "total"
            continue
        match = _ROW.match(line)
        if section == "counted" and match:
            code, total = int(match["code"]), int(match["total"])
            if line.startswith("    "):
                result.files.setdefault(module, {})[match["name"].strip()] = (code, total)
            else:
                module = match["name"].strip()
                result.modules[module] = (code, total)
        elif section == "excluded" and match:
            result.excluded[match["name"].strip()] = (int(match["code"]), int(match["total"]))
        elif section == "errors":
            if line.startswith("    "):
                path, _, message = line.strip().rpartition("  ")
                result.errors.setdefault(module, {})[path.strip()] = message.strip()
            else:
                module = line.strip()
    return result
