"""Rule sets of `odoo-bin cloc`, as data, chosen by Odoo server version.

Read from Odoo's odoo/tools/cloc.py over its branches:
- 13.0 counts `.py .js .xml` only and recognises a standard addons folder by `website_animate`
  (besides `base`, `web`, `web_enterprise`); its later revisions got the 100,000-character line rule.
- 14.0 and later count `.css` and `.scss` too and use `theme_common` as the fourth marker.
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
    name="13.0",
    extensions=(".py", ".js", ".xml"),
    standard_markers=("web", "web_enterprise", "website_animate", "base"),
)
CURRENT_RULES = RuleSet(
    name="14.0+",
    extensions=(".py", ".js", ".xml", ".css", ".scss"),
    standard_markers=("web", "web_enterprise", "theme_common", "base"),
)
# First major version of each rule set, newest first.
RULES_BY_FIRST_MAJOR: tuple[tuple[int, RuleSet], ...] = ((14, CURRENT_RULES), (0, LEGACY_RULES))

_MAJOR = re.compile(r"^\s*(?:saas~)?(\d+)")


def rules_for_version(server_version: str | int | tuple[int, ...] | list[int] | None) -> RuleSet:
    """The rule set Odoo's own counter used in that server version; the current one when unknown.

    Accepts "13.0", "17.0+e", "saas~17.2", 16, (16, 0, 0, "final", 0) as Odoo reports it.
    """
    if server_version is None:
        return CURRENT_RULES
    if isinstance(server_version, (tuple, list)):
        if not server_version or not isinstance(server_version[0], int):
            return CURRENT_RULES
        major = server_version[0]
    elif isinstance(server_version, int):
        major = server_version
    else:
        match = _MAJOR.match(server_version)
        if not match:
            raise ValueError(
                f"Odoo version {server_version!r} is not understood: give it as 13.0, 16.0, saas~17.2, ..."
            )
        major = int(match.group(1))
    for first_major, rules in RULES_BY_FIRST_MAJOR:
        if major >= first_major:
            return rules
    return CURRENT_RULES
