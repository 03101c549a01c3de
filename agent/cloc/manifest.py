"""Reading a module's manifest the way Odoo's counter does: exclusion globs and the author."""

from __future__ import annotations

import ast
import os
import pathlib
from dataclasses import dataclass, field
from typing import Any

from agent.cloc.rules import DEFAULT_EXCLUDE, MANIFEST_EXCLUDE_KEYS, MANIFEST_NAMES


@dataclass
class ManifestRules:
    """Globs to leave out (empty when the module has no manifest) and the declared author."""

    patterns: list[Any] = field(default_factory=list)
    author: str | None = None


def read_manifest_rules(module_path: str) -> ManifestRules:
    """Follow Odoo step by step, including its quirks.

    The default exclusions are added as soon as a manifest file opens, even if it does not parse;
    a manifest that fails half-way keeps what it added and the next manifest name is tried.
    """
    rules = ManifestRules()
    for name in MANIFEST_NAMES:
        try:
            with open(os.path.join(module_path, name), "rb") as handle:
                rules.patterns.extend(DEFAULT_EXCLUDE)
                raw = handle.read()
                manifest = ast.literal_eval(raw.decode("latin1"))
                if isinstance(manifest, dict) and isinstance(manifest.get("author"), str):
                    rules.author = manifest_author(raw, manifest["author"])
                for key in MANIFEST_EXCLUDE_KEYS:
                    rules.patterns.extend(manifest.get(key, []))
                break
        except Exception:  # unreadable or malformed manifests are Odoo's "no exclusion" too
            continue
    return rules


def manifest_author(raw: bytes, latin1_author: str) -> str:
    """The author as Odoo shows it: manifests are UTF-8 (Odoo's counter reads latin-1 only for the globs)."""
    if raw.isascii():
        return latin1_author
    try:
        manifest = ast.literal_eval(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, SyntaxError, MemoryError, RecursionError):
        return latin1_author
    author = manifest.get("author") if isinstance(manifest, dict) else None
    return author if isinstance(author, str) else latin1_author


def excluded_paths(module_path: str, patterns: list[Any]) -> set[str]:
    """Every path the globs match, written as `str(pathlib.Path(module_path) / match)`.

    Odoo compares these strings with `os.path.join(root, name)` from `os.walk`, so a module path
    that pathlib writes differently (`./x`, `x//y`) excludes nothing: kept on purpose.
    Patterns Odoo would crash on (absolute, non-text) are skipped.
    """
    excluded: set[str] = set()
    base = pathlib.Path(module_path)
    for pattern in patterns:
        if not pattern or not isinstance(pattern, str):
            continue
        try:
            excluded.update(str(found) for found in base.glob(pattern))
        except (ValueError, NotImplementedError, OSError):
            continue
    return excluded
