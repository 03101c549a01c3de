"""Code stored in the database (server actions, computed manual fields), counted with the Python rule.

The agent reads the records over the API and books them here; Odoo lists records whose external id
lives in module `__cloc_exclude__` as excluded rather than counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.cloc.parsers import LineCount, count_python, count_xml
from agent.cloc.results import ClocReport

STUDIO_MODULE = "odoo/studio"


class SourceSyntaxError(ValueError):
    """The Python source does not parse (Odoo's "Syntax Error")."""


def count_python_source(text: str) -> LineCount:
    """Code and total lines of a piece of Python source, as Odoo counts a `.py` file."""
    outcome = count_python(text)
    if isinstance(outcome, str):
        raise SourceSyntaxError(f"{outcome}: the source does not parse as Python")
    return outcome


@dataclass(frozen=True)
class StoredCode:
    """One database record holding code: `ir.actions.server/ID: NAME`, `ir.model.fields/ID: NAME`
    or an imported module's QWeb view (`xml=True`)."""

    module: str | None
    item: str
    source: str
    excluded: bool = False
    xml: bool = False


def book_stored_code(report: ClocReport, records: list[StoredCode]) -> ClocReport:
    """Add the records to `report` under their module (or `odoo/studio`), as Odoo books them."""
    for record in records:
        outcome = count_xml(record.source) if record.xml else count_python(record.source or "")
        report.book(record.module or STUDIO_MODULE, record.item, outcome, excluded=record.excluded)
    return report
