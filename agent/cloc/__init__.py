"""The counter of custom code lines, identical to `odoo-bin cloc`, parallel and incremental.

Standard library only: the agent that uses it stays light. Names load on first use, so that the
root command (which imports `agent.cloc.cli`, and so this package) starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.cloc.cache import default_cache_dir
    from agent.cloc.counter import count_addons, count_paths
    from agent.cloc.database import SourceSyntaxError, StoredCode, book_stored_code, count_python_source
    from agent.cloc.parsers import LineCount
    from agent.cloc.results import ClocReport, ModuleCount
    from agent.cloc.rules import CURRENT_RULES, LEGACY_RULES, RuleSet, rules_for_version

_EXPORTS = {
    "default_cache_dir": "cache",
    "count_addons": "counter",
    "count_paths": "counter",
    "SourceSyntaxError": "database",
    "StoredCode": "database",
    "book_stored_code": "database",
    "count_python_source": "database",
    "LineCount": "parsers",
    "ClocReport": "results",
    "ModuleCount": "results",
    "CURRENT_RULES": "rules",
    "LEGACY_RULES": "rules",
    "RuleSet": "rules",
    "rules_for_version": "rules",
}

__all__ = [
    "CURRENT_RULES",
    "LEGACY_RULES",
    "ClocReport",
    "LineCount",
    "ModuleCount",
    "RuleSet",
    "SourceSyntaxError",
    "StoredCode",
    "book_stored_code",
    "count_addons",
    "count_paths",
    "count_python_source",
    "default_cache_dir",
    "rules_for_version",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'agent.cloc' has no attribute {name!r}")
    return getattr(import_module(f"agent.cloc.{module}"), name)
