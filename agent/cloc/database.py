"""Code stored in the database (server actions, computed manual fields), counted with the Python rule.

The agent reads the records over the API and books them here; Odoo lists records whose external id
lives in module `__cloc_exclude__` as excluded rather than counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.cloc.parsers import LineCount, Outcome, count_python, count_text, count_xml
from agent.cloc.results import ClocReport
from agent.cloc.rules import MAX_LINE_SIZE

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
    """One database record holding code: `ir.actions.server/ID: NAME`, `ir.model.fields/ID: NAME`,
    an imported module's QWeb view (`xml=True`) or one of its files stored as an attachment (`ext`,
    named by its URL). `error` is an error Odoo lists instead of counting (an oversized file)."""

    module: str | None
    item: str
    source: str
    excluded: bool = False
    xml: bool = False
    ext: str | None = None
    error: str | None = None


def _count(record: StoredCode, max_line_size: int | None) -> Outcome:
    if record.error is not None:
        return record.error
    if record.ext is not None:
        return count_text(record.source, record.ext, max_line_size)
    return count_xml(record.source) if record.xml else count_python(record.source or "")


def book_stored_code(
    report: ClocReport, records: list[StoredCode], max_line_size: int | None = MAX_LINE_SIZE
) -> ClocReport:
    """Add the records to `report` under their module (or `odoo/studio`), as Odoo books them."""
    for record in records:
        report.book(
            record.module or STUDIO_MODULE,
            record.item,
            _count(record, max_line_size),
            excluded=record.excluded,
        )
    return report
