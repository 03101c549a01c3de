"""The database mode applied to files: custom modules of an addons path, standard folders left out."""

from __future__ import annotations

import os
from pathlib import Path

from agent.cloc import LEGACY_RULES, count_addons
from agent.cloc.discovery import custom_module_paths


def build(root: Path, modules: dict[str, str]) -> str:
    for name, code in modules.items():
        (root / name).mkdir(parents=True)
        (root / name / "__manifest__.py").write_text(f"{{'name': {name!r}}}")
        (root / name / "models.py").write_text(code)
    return str(root)


def test_standard_folders_are_left_out(tmp_path: Path) -> None:
    odoo = build(tmp_path / "odoo" / "addons", {"base": "x = 1\n", "sale": "x = 1\n"})
    custom = build(tmp_path / "custom", {"shop": "x = 1\ny = 2\n", "pos_extra": "x = 1\n"})
    report = count_addons([odoo, custom])
    assert sorted(report.modules) == ["pos_extra", "shop"]
    assert report.code == 3


def test_installed_filter_and_first_folder_wins(tmp_path: Path) -> None:
    first = build(tmp_path / "first", {"shop": "x = 1\n"})
    second = build(tmp_path / "second", {"shop": "x = 1\ny = 2\nz = 3\n", "other": "x = 1\n"})
    report = count_addons([first, second], installed=["shop", "missing"])
    assert list(report.modules) == ["shop"]
    assert report.code == 1
    _paths, missing = custom_module_paths([first, second], ["shop", "missing"], LEGACY_RULES)
    assert missing == ["missing"]


def test_markers_depend_on_the_rule_set(tmp_path: Path) -> None:
    themes = build(tmp_path / "themes", {"theme_common": "x = 1\n", "theme_x": "x = 1\n"})
    animate = build(tmp_path / "animate", {"website_animate": "x = 1\n", "anim_extra": "x = 1\n"})
    current = count_addons([themes, animate])
    legacy = count_addons([themes, animate], rules=LEGACY_RULES)
    assert sorted(current.modules) == ["anim_extra", "website_animate"]
    assert sorted(legacy.modules) == ["theme_common", "theme_x"]


def test_modules_are_counted_by_their_real_path(tmp_path: Path) -> None:
    real = build(tmp_path / "real", {"shop": "x = 1\n"})
    links = tmp_path / "links"
    links.mkdir()
    os.symlink(os.path.join(real, "shop"), links / "shop")
    report = count_addons([str(links)])
    assert list(report.modules["shop"].files) == [os.path.join(real, "shop", "models.py")]
