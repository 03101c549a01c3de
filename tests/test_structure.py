"""The house rules of the code base, checked on every run: no import circle between product modules,
no function over 120 lines, no package folder over 20 modules, every collector folder says what it owns.

Import directions between packages and layers are import-linter's job (`make lint`, pyproject.toml);
this file catches what a contract cannot: a circle anywhere, long functions and crowded folders.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("agent", "alerts", "collector", "demo", "prioritysupport")
CODE_FOLDERS = (*PRODUCT, "tests", "bench", "scripts", "docs")
MAX_FUNCTION_LINES = 120
MAX_MODULES_PER_FOLDER = 20


def _python_files() -> Iterator[Path]:
    for top in CODE_FOLDERS:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts or "__pycache__" in path.parts:
                continue
            yield path


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circle_between_product_modules() -> None:
    # Imports only needed for type checking never run, so they cannot close a circle at run time.
    graph = grimp.build_graph(*PRODUCT, exclude_type_checking_imports=True, cache_dir=None)
    # A package's __init__ re-exporting a child is not a circle in behaviour; leave parents out.
    for module in list(graph.modules):
        if graph.find_children(module):
            for child in graph.find_children(module):
                if graph.direct_import_exists(importer=module, imported=child):
                    graph.remove_import(importer=module, imported=child)
    circles = _cycles(graph)
    assert circles == [], "import circles: " + "; ".join(" <-> ".join(c) for c in circles)


def test_no_function_longer_than_the_limit() -> None:
    long = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert long == [], f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_no_package_folder_with_more_than_twenty_modules() -> None:
    crowded = []
    for top in CODE_FOLDERS:
        for init in (ROOT / top).rglob("__init__.py"):
            modules = [p for p in init.parent.glob("*.py") if p.name != "__init__.py"]
            if len(modules) > MAX_MODULES_PER_FOLDER:
                crowded.append(f"{init.parent.relative_to(ROOT)} ({len(modules)})")
    assert crowded == [], f"folders over {MAX_MODULES_PER_FOLDER} modules: {crowded}"


@pytest.mark.parametrize(
    "init",
    sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "collector").rglob("__init__.py")
        if "migrations" not in p.parts
    ),
)
def test_every_collector_folder_opens_with_what_it_owns(init: str) -> None:
    doc = ast.get_docstring(ast.parse((ROOT / init).read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 8, f"{init}: start with a paragraph on what the folder owns"
