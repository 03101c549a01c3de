"""Rule sets chosen by Odoo version."""

from __future__ import annotations

import pytest

from agent.cloc import CURRENT_RULES, LEGACY_RULES, rules_for_version
from agent.cloc.rules import THEMES_MARKER_RULES


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("13.0", LEGACY_RULES),
        ("13.0+e", LEGACY_RULES),
        ("saas~13.5", LEGACY_RULES),
        ("14.0", LEGACY_RULES),
        ("saas~14.5", LEGACY_RULES),
        ("15.0", CURRENT_RULES),
        ("17.0+e", CURRENT_RULES),
        ("saas~18.3", CURRENT_RULES),
        ("19.0", CURRENT_RULES),
        ("saas~19.1", CURRENT_RULES),
        ("saas~19.2", THEMES_MARKER_RULES),
        ("20.0", THEMES_MARKER_RULES),
        (16, CURRENT_RULES),
        ((13, 0, 0, "final", 0, ""), LEGACY_RULES),
        (("saas~19", 2, 0, "final", 0, ""), THEMES_MARKER_RULES),
        ([18, 0], CURRENT_RULES),
        (None, CURRENT_RULES),
    ],
)
def test_versions(version: object, expected: object) -> None:
    assert rules_for_version(version) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize("version", ["latest", "", ("x",), []])
def test_unknown_version_is_a_sentence(version: object) -> None:
    with pytest.raises(ValueError, match="not understood"):
        rules_for_version(version)  # type: ignore[arg-type]


def test_rule_sets_differ_as_odoo_did() -> None:
    assert set(CURRENT_RULES.extensions) - set(LEGACY_RULES.extensions) == {".css", ".scss"}
    assert "website_animate" in LEGACY_RULES.standard_markers
    assert "theme_common" in CURRENT_RULES.standard_markers
    assert "test_themes" in THEMES_MARKER_RULES.standard_markers
    assert THEMES_MARKER_RULES.extensions == CURRENT_RULES.extensions
