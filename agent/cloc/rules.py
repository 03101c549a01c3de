"""Rule sets of `odoo-bin cloc`, as data, chosen by Odoo server version.

Read from Odoo's odoo/tools/cloc.py over its revisions and the pull requests that changed it:
- 13.0 and 14.0 count `.py .js .xml` only and recognise a standard addons folder by
  `website_animate` (besides `base`, `web`, `web_enterprise`). When website_animate was merged into
  website (saas~14.5), the marker became `theme_common` for 15.0 on, and older branches kept
  theme-less `website_animate` on purpose (odoo/odoo#79483). The 100,000-character line rule was
  added to the JS parser of these branches in 2023 (odoo/odoo#119950).
- From 15.0, `.css` and `.scss` count too (with the same line rule as JS).
- saas~19.2 removed theme_common; the marker became `test_themes` (odoo/odoo#253893).
Everything else (manifest exclusions, 25 MiB limit, parsers) is shared by all versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MANIFEST_NAMES = ("__manifest__.py", "__openerp__.py")
MANIFEST_EXCLUDE_KEYS = ("cloc_exclude", "demo", "demo_xml")
DEFAULT_EXCLUDE = (
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


@dataclass(frozen=True)
class RuleSet:
    """What one generation of Odoo's counter looks at."""

    name: str
    extensions: tuple[str, ...]
    standard_markers: tuple[str, ...]
    max_file_size: int = MAX_FILE_SIZE
    max_line_size: int | None = MAX_LINE_SIZE

    @property
    def cache_tag(self) -> str:
        """What, besides the file's content, a cached count depends on."""
        return f"{self.max_line_size}"


LEGACY_RULES = RuleSet(
    name="13.0-14.0",
    extensions=(".py", ".js", ".xml"),
    standard_markers=("web", "web_enterprise", "website_animate", "base"),
)
CURRENT_RULES = RuleSet(
    name="15.0-19.1",
    extensions=(".py", ".js", ".xml", ".css", ".scss"),
    standard_markers=("web", "web_enterprise", "theme_common", "base"),
)
THEMES_MARKER_RULES = RuleSet(
    name="19.2+",
    extensions=(".py", ".js", ".xml", ".css", ".scss"),
    standard_markers=("web", "web_enterprise", "test_themes", "base"),
)
# First (major, minor) version of each rule set, newest first.
RULES_BY_FIRST_VERSION: tuple[tuple[tuple[int, int], RuleSet], ...] = (
    ((19, 2), THEMES_MARKER_RULES),
    ((15, 0), CURRENT_RULES),
    ((0, 0), LEGACY_RULES),
)

_VERSION = re.compile(r"^\s*(?:saas[~-])?(\d+)(?:\.(\d+))?")


def _major_minor(server_version: str | int | tuple[object, ...] | list[object]) -> tuple[int, int] | None:
    if isinstance(server_version, int):
        return server_version, 0
    if isinstance(server_version, (tuple, list)):
        # server_version_info: (17, 0, 0, "final", 0, "") or ("saas~17", 2, 0, "final", 0, "")
        if len(server_version) < 2 or not isinstance(server_version[1], int):
            return None
        first = server_version[0]
        if isinstance(first, int):
            return first, server_version[1]
        found = _VERSION.match(first) if isinstance(first, str) else None
        return (int(found.group(1)), server_version[1]) if found else None
    found = _VERSION.match(server_version)
    if not found:
        return None
    return int(found.group(1)), int(found.group(2) or 0)


def rules_for_version(server_version: str | int | tuple[object, ...] | list[object] | None) -> RuleSet:
    """The rule set Odoo's own counter used in that server version; the current one when not given.

    Accepts what Odoo reports: "13.0", "17.0+e", "saas~17.2", 16, (16, 0, 0, "final", 0, "").
    """
    if server_version is None:
        return CURRENT_RULES
    version = _major_minor(server_version)
    if version is None:
        raise ValueError(
            f"Odoo version {server_version!r} is not understood: give it as 13.0, 16.0, saas~17.2, ..."
        )
    for first_version, rules in RULES_BY_FIRST_VERSION:
        if version >= first_version:
            return rules
    return CURRENT_RULES
