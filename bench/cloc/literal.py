"""A plain, single-process counter that follows `odoo-bin cloc` step by step.

It is the yardstick of the benchmark and the independent reference of the tests: no cache, no pool,
no shortcuts. Written from a reading of Odoo's algorithm (odoo/tools/cloc.py), not copied from it.
"""

from __future__ import annotations

import ast
import os
import pathlib
import re
from typing import Any

MANIFEST_NAMES = ("__manifest__.py", "__openerp__.py")
MANIFEST_EXCLUDE_KEYS = ("cloc_exclude", "demo", "demo_xml")
ALWAYS_EXCLUDED = (
    "__manifest__.py",
    "__openerp__.py",
    "tests/**/*",
    "static/lib/**/*",
    "static/tests/**/*",
    "migrations/**/*",
    "upgrades/**/*",
)
MAX_FILE_SIZE = 25 * 2**20
MAX_LINE_SIZE = 100_000
EXTENSIONS_BY_VERSION = {
    "legacy": (".py", ".js", ".xml"),
    "current": (".py", ".js", ".xml", ".css", ".scss"),
}

STRING_PARTS = r"'(\\.|[^\\'])*'|\"(\\.|[^\\\"])*\""
JS_PATTERN = r"//.*?$|(?<!\\)/\*.*?\*/|" + STRING_PARTS
SCSS_PATTERN = r"//.*?$|/\*.*?\*/|" + STRING_PARTS
CSS_PATTERN = r"/\*.*?\*/|" + STRING_PARTS

Count = tuple[int, Any]


def _blank_out_comment(match: re.Match[str]) -> str:
    text = match.group(0)
    return " " if text.startswith("/") else text


def _collapse_and_count(text: str) -> int:
    return re.sub(r"\s*\n\s*", "\n", text).lstrip().count("\n")


def parse_python(text: str) -> Count:
    try:
        text = text.strip() + "\n"
        total = text.count("\n")
        numbers = {node.lineno for node in ast.walk(ast.parse(text)) if hasattr(node, "lineno")}
        return len(numbers), total
    except Exception:
        return -1, "Syntax Error"


def parse_xml(text: str) -> Count:
    text = text.strip() + "\n"
    total = text.count("\n")
    text = re.sub("(<!--.*?-->)", "", text, flags=re.DOTALL)
    return _collapse_and_count(text), total


def parse_c_like(text: str, pattern: str, check_line_size: bool = True) -> Count:
    text = text.strip() + "\n"
    total = text.count("\n")
    if check_line_size and max(len(line) for line in text.split("\n")) > MAX_LINE_SIZE:
        return -1, "Max line size exceeded"
    text = re.sub(re.compile(pattern, re.DOTALL | re.MULTILINE), _blank_out_comment, text)
    return _collapse_and_count(text), total


def parse(text: str, ext: str) -> Count:
    if ext == ".py":
        return parse_python(text)
    if ext == ".xml":
        return parse_xml(text)
    if ext == ".js":
        return parse_c_like(text, JS_PATTERN)
    if ext == ".scss":
        return parse_c_like(text, SCSS_PATTERN)
    return parse_c_like(text, CSS_PATTERN)


class LiteralCloc:
    """Books counts the way Odoo's counter does: per module, per file, errors apart."""

    def __init__(self, rule_set: str = "current") -> None:
        self.extensions = EXTENSIONS_BY_VERSION[rule_set]
        self.modules: dict[str, dict[str, tuple[int, int]]] = {}
        self.code: dict[str, int] = {}
        self.total: dict[str, int] = {}
        self.errors: dict[str, dict[str, str]] = {}

    def book(self, module: str, item: str = "", count: Count = (0, 0)) -> None:
        if count[0] == -1:
            self.errors.setdefault(module, {})[item] = count[1]
            return
        files = self.modules.setdefault(module, {})
        if item:
            files[item] = count
        self.code[module] = self.code.get(module, 0) + count[0]
        self.total[module] = self.total.get(module, 0) + count[1]

    def count_path(self, path: str) -> None:
        path = path.rstrip("/")
        patterns: list[Any] = []
        for manifest_name in MANIFEST_NAMES:
            try:
                with open(os.path.join(path, manifest_name), "rb") as handle:
                    patterns.extend(ALWAYS_EXCLUDED)
                    manifest = ast.literal_eval(handle.read().decode("latin1"))
                    for key in MANIFEST_EXCLUDE_KEYS:
                        patterns.extend(manifest.get(key, []))
                    break
            except Exception:
                pass
        excluded: set[str] = set()
        for pattern in filter(None, patterns):
            excluded.update(str(found) for found in pathlib.Path(path).glob(pattern))
        module = os.path.basename(path)
        self.book(module)
        for root, _dirs, files in os.walk(path):
            for name in files:
                file_path = os.path.join(root, name)
                if file_path in excluded:
                    continue
                ext = os.path.splitext(file_path)[1].lower()
                if ext not in self.extensions:
                    continue
                if os.path.getsize(file_path) > MAX_FILE_SIZE:
                    self.book(module, file_path, (-1, "Max file size exceeded"))
                    continue
                with open(file_path, "rb") as handle:
                    content = handle.read().decode("latin1")
                self.book(module, file_path, parse(content, ext))

    def as_json(self) -> dict[str, Any]:
        """Same shape as `prioritysupport cloc --json` (without authors)."""
        return {
            "modules": {
                name: {
                    "code": self.code[name],
                    "total": self.total[name],
                    "files": {p: {"code": c, "total": t} for p, (c, t) in files.items()},
                }
                for name, files in self.modules.items()
            },
            "errors": self.errors,
            "code": sum(self.code.values()),
            "total": sum(self.total.values()),
        }


def count_literally(paths: list[str], rule_set: str = "current") -> dict[str, Any]:
    cloc = LiteralCloc(rule_set)
    for path in paths:
        cloc.count_path(path)
    return cloc.as_json()
