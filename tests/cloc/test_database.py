"""Code stored in the database, counted with the Python rule and booked like Odoo."""

from __future__ import annotations

import pytest

from agent.cloc import (
    ClocReport,
    LineCount,
    SourceSyntaxError,
    StoredCode,
    book_stored_code,
    count_python_source,
)


def test_python_source_counts_like_a_file() -> None:
    assert count_python_source("for rec in records:\n    rec.x = 1\n\n") == LineCount(2, 2)
    with pytest.raises(SourceSyntaxError):
        count_python_source("for rec in :\n")


def test_records_are_booked_under_their_module_or_studio() -> None:
    report = book_stored_code(
        ClocReport(),
        [
            StoredCode(None, "ir.actions.server/7: Send", "a = 1\nb = 2\n"),
            StoredCode("imported_mod", "ir.model.fields/9: x_total", "for r in self:\n    r.x = 1\n"),
            StoredCode(None, "ir.actions.server/8: Skip", "a = 1\n", excluded=True),
            StoredCode(None, "ir.actions.server/10: Bad", "a = (\n"),
            StoredCode("imported_mod", "/imported_mod/views/page.xml", "<t>\n<!-- c -->\n</t>\n", xml=True),
        ],
    )
    data = report.to_json()
    assert data["modules"]["odoo/studio"]["code"] == 2
    assert data["modules"]["imported_mod"]["code"] == 4
    assert data["excluded"] == {"odoo/studio": {"ir.actions.server/8: Skip": {"code": 1, "total": 1}}}
    assert data["errors"] == {"odoo/studio": {"ir.actions.server/10: Bad": "Syntax Error"}}
