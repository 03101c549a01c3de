"""Module rules (manifest exclusions, folders, links, sizes, errors) against the literal algorithm."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.cloc import LEGACY_RULES, count_paths
from agent.cloc.parsers import UNREADABLE
from tests.cloc.conftest import ModuleBuilder, literal_json, without_authors

PY = "x = 1\n"


def same_as_literal(paths: list[str], legacy: bool = False) -> dict[str, object]:
    rules = LEGACY_RULES if legacy else None
    ours = count_paths(paths, rules).to_json() if rules else count_paths(paths).to_json()
    assert without_authors(ours) == literal_json(paths, "legacy" if legacy else "current")
    return ours


def files_of(result: dict[str, object], module: str) -> set[str]:
    modules = result["modules"]
    assert isinstance(modules, dict)
    return {path.split(f"/{module}/", 1)[1] for path in modules[module]["files"]}


def test_default_and_manifest_exclusions(make_module: ModuleBuilder) -> None:
    folder = make_module(
        "shop",
        {
            "models/a.py": PY,
            "tests/test_a.py": PY,
            "tests/deep/er/test_b.py": PY,
            "models/tests/nested.py": PY,  # only the top-level tests folder is excluded
            "static/lib/x.js": "f();\n",
            "static/tests/t.js": "f();\n",
            "static/src/app.js": "f();\n",
            "migrations/1.0/pre.py": PY,
            "upgrades/1.0/post.py": PY,
            "data/demo_data.xml": "<odoo/>\n",
            "data/real.xml": "<odoo/>\n",
            "data/generated/big.xml": "<odoo/>\n",
            "legacy/old.py": PY,
        },
        manifest={
            "name": "Shop",
            "author": "ERP.M",
            "demo": ["data/demo_data.xml"],
            "demo_xml": [],
            "cloc_exclude": ["data/generated/*.xml", "legacy/**/*", ""],
        },
    )
    result = same_as_literal([folder])
    assert files_of(result, "shop") == {
        "models/a.py",
        "models/tests/nested.py",
        "static/src/app.js",
        "data/real.xml",
    }
    assert result["modules"]["shop"]["author"] == "ERP.M"  # type: ignore[index]


def test_without_manifest_everything_counts(make_module: ModuleBuilder) -> None:
    folder = make_module("loose", {"tests/t.py": PY, "__manifest__.txt": "x", "static/lib/l.js": "f();\n"})
    result = same_as_literal([folder])
    assert files_of(result, "loose") == {"tests/t.py", "static/lib/l.js"}
    assert result["modules"]["loose"]["author"] is None  # type: ignore[index]


def test_broken_manifest_still_excludes_the_defaults(make_module: ModuleBuilder) -> None:
    folder = make_module(
        "broken", {"tests/t.py": PY, "a.py": PY, "extra.py": PY}, manifest="{'cloc_exclude': ["
    )
    result = same_as_literal([folder])
    assert files_of(result, "broken") == {"a.py", "extra.py"}


def test_openerp_manifest_and_old_style(make_module: ModuleBuilder) -> None:
    folder = make_module("old", {"__openerp__.py": "{'demo': ['d.xml']}", "d.xml": "<a/>\n", "m.py": PY})
    assert files_of(same_as_literal([folder]), "old") == {"m.py"}


def test_extensions_are_compared_in_lower_case_and_rule_sets_differ(make_module: ModuleBuilder) -> None:
    folder = make_module(
        "ext", {"A.PY": PY, "b.Js": "f();\n", "c.scss": "a{}\n", "d.css": "a{}\n", "e.txt": "x\n"}
    )
    assert files_of(same_as_literal([folder]), "ext") == {"A.PY", "b.Js", "c.scss", "d.css"}
    assert files_of(same_as_literal([folder], legacy=True), "ext") == {"A.PY", "b.Js"}


def test_syntax_errors_and_empty_files(make_module: ModuleBuilder) -> None:
    folder = make_module("errs", {"bad.py": "def (:\n", "empty.py": "", "ok.py": PY})
    result = same_as_literal([folder])
    assert result["errors"] == {"errs": {f"{folder}/bad.py": "Syntax Error"}}
    assert result["modules"]["errs"]["code"] == 1  # type: ignore[index]


def test_files_over_25_mib_are_errors(make_module: ModuleBuilder) -> None:
    folder = make_module("big", {"ok.xml": "<a/>\n"})
    with open(os.path.join(folder, "huge.xml"), "wb") as handle:
        handle.truncate(25 * 2**20 + 1)  # sparse: no 25 MiB written
    result = same_as_literal([folder])
    assert result["errors"] == {"big": {f"{folder}/huge.xml": "Max file size exceeded"}}


def test_huge_line_in_js_is_an_error(make_module: ModuleBuilder) -> None:
    folder = make_module("mini", {"static/src/app.min.js": "a=1;" * 30_000, "static/src/b.js": "f();\n"})
    result = same_as_literal([folder])
    assert result["errors"] == {"mini": {f"{folder}/static/src/app.min.js": "Max line size exceeded"}}


def test_symbolic_links(make_module: ModuleBuilder, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shared.py").write_text("a = 1\nb = 2\n")
    folder = make_module("linked", {"own.py": PY})
    os.symlink(outside / "shared.py", os.path.join(folder, "file_link.py"))  # a linked file counts
    os.symlink(outside, os.path.join(folder, "dir_link"))  # os.walk does not enter linked folders
    result = same_as_literal([folder])
    assert files_of(result, "linked") == {"own.py", "file_link.py"}
    # A module given through a link is walked, and named after the link.
    link = tmp_path / "alias"
    os.symlink(folder, link)
    assert "alias" in same_as_literal([str(link)])["modules"]  # type: ignore[operator]


def test_dangling_link_is_listed_not_fatal(make_module: ModuleBuilder, tmp_path: Path) -> None:
    folder = make_module("dangling", {"own.py": PY})
    os.symlink(tmp_path / "gone.py", os.path.join(folder, "gone.py"))
    result = count_paths([folder]).to_json()
    assert result["errors"] == {"dangling": {f"{folder}/gone.py": UNREADABLE}}
    assert result["modules"]["dangling"]["code"] == 1


def test_trailing_slash_and_same_name_modules_merge(make_module: ModuleBuilder, tmp_path: Path) -> None:
    first = make_module("dup", {"a.py": PY})
    second_root = tmp_path / "other"
    second_root.mkdir()
    second = second_root / "dup"
    second.mkdir()
    (second / "b.py").write_text(PY)
    result = same_as_literal([first + "/", str(second)])
    assert result["modules"]["dup"]["code"] == 2  # type: ignore[index]


@pytest.mark.parametrize("relative_form", ["./", ""])
def test_relative_paths_behave_like_odoo(
    make_module: ModuleBuilder, relative_form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_module("rel", {"tests/t.py": PY, "a.py": PY}, manifest={"name": "x"})
    monkeypatch.chdir(os.path.dirname(folder))
    same_as_literal([relative_form + "rel"])


def test_same_module_twice_counts_twice_like_odoo(make_module: ModuleBuilder) -> None:
    folder = make_module("twice", {"a.py": PY})
    result = same_as_literal([folder, folder])
    assert result["modules"]["twice"]["code"] == 2  # type: ignore[index]
