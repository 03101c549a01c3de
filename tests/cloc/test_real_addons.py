"""Real OCA addons (not in the repository) count exactly as Odoo's algorithm counts them."""

from __future__ import annotations

import json
import subprocess
import sys

from agent.cloc import LEGACY_RULES, count_paths
from tests.cloc.conftest import literal_json, without_authors


def test_every_file_and_module_matches_the_literal_algorithm(real_addons: list[str]) -> None:
    ours = count_paths(real_addons, workers=2).to_json()
    reference = literal_json(real_addons)
    assert without_authors(ours) == reference
    assert ours["code"] > 5_000
    # Files are listed in the order they were found, as Odoo books them.
    for name, entry in reference["modules"].items():
        assert list(ours["modules"][name]["files"]) == list(entry["files"])


def test_legacy_rules_match_the_literal_algorithm(real_addons: list[str]) -> None:
    ours = count_paths(real_addons, LEGACY_RULES, workers=1).to_json()
    assert without_authors(ours) == literal_json(real_addons, "legacy")
    assert not any(path.endswith((".scss", ".css")) for m in ours["modules"].values() for path in m["files"])


def test_authors_come_from_the_manifests(real_addons: list[str]) -> None:
    modules = count_paths(real_addons).to_json()["modules"]
    assert all("Odoo Community Association (OCA)" in (entry["author"] or "") for entry in modules.values())


def test_the_command_prints_the_same_json(real_addons: list[str], tmp_path: object) -> None:
    arguments = [arg for folder in real_addons for arg in ("-p", folder)]
    done = subprocess.run(
        [sys.executable, "-m", "prioritysupport", "cloc", *arguments, "--json", "--no-cache"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert without_authors(json.loads(done.stdout)) == literal_json(real_addons)
