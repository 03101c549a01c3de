"""Fixtures of the cloc suite: real OCA addons from PyPI, and a builder of hand-made modules."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.cloc.corpus import TEST_WHEELS, fetch_addons, module_folders
from bench.cloc.literal import count_literally

WHEEL_CACHE = Path(os.path.expanduser("~/.cache/prioritysupport-test-wheels"))


@pytest.fixture(scope="session")
def real_addons() -> list[str]:
    """Module folders of a handful of pinned OCA wheels, downloaded once per machine."""
    addons = fetch_addons(TEST_WHEELS, WHEEL_CACHE)
    folders = module_folders(addons)
    assert len(folders) == len(TEST_WHEELS)
    return folders


ModuleBuilder = Callable[..., str]


@pytest.fixture
def make_module(tmp_path: Path) -> ModuleBuilder:
    """make_module(name, {relative path: text or bytes}, manifest=dict | str | None) -> folder."""

    def build(name: str, files: dict[str, str | bytes], manifest: dict[str, Any] | str | None = None) -> str:
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        if manifest is not None:
            text = manifest if isinstance(manifest, str) else repr(manifest)
            (folder / "__manifest__.py").write_text(text, encoding="latin-1")
        for relative, content in files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return str(folder)

    return build


def literal_json(paths: list[str], rule_set: str = "current") -> dict[str, Any]:
    return count_literally(paths, rule_set)


def without_authors(data: dict[str, Any]) -> dict[str, Any]:
    """Our JSON reduced to what the literal reference produces (no authors, no excluded)."""
    return {
        "modules": {
            name: {"code": entry["code"], "total": entry["total"], "files": entry["files"]}
            for name, entry in data["modules"].items()
        },
        "errors": data["errors"],
        "code": data["code"],
        "total": data["total"],
    }
