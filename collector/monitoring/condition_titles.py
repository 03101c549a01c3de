"""Readable titles for monitoring conditions: what the on-call engineer and the customer see first.

The check key stays in the title (in brackets) so staff can find the condition and its flips.
"""

from __future__ import annotations

from collections.abc import Mapping

# Titles by exact check key, then by key prefix (the part before ':'); '{name}' is the part after ':'.
TITLES_BY_KEY: Mapping[str, str] = {
    "odoo.availability": "Odoo unreachable",
    "odoo.latency": "Odoo responding slowly",
    "odoo.authentication": "monitoring credentials rejected",
    "collector.probe": "Odoo unreachable from outside",
}
TITLES_BY_PREFIX: Mapping[str, str] = {
    "integration": "integration {name} failing",
    "host.disk": "disk {name} filling up",
}


def condition_title(check_key: str) -> str:
    """'Odoo unreachable (odoo.availability)'; an unknown key reads '<key> failing'."""
    title = TITLES_BY_KEY.get(check_key)
    if title is None:
        prefix, separator, name = check_key.partition(":")
        template = TITLES_BY_PREFIX.get(prefix) if separator else None
        if template is None:
            return f"{check_key} failing"
        title = template.format(name=name)
    return f"{title} ({check_key})"
