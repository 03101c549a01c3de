"""Odoo's text layout of a count: modules (and files with verbose), totals, excluded, errors."""

from __future__ import annotations

import shutil

from agent.cloc.results import ClocReport

MIN_WIDTH = 70


def name_width(report: ClocReport) -> int:
    """The widest module name or indented file path (at least 70), as Odoo measures it."""
    width = MIN_WIDTH
    for name, entry in report.modules.items():
        width = max(width, len(name), *(len(path) + 4 for path in entry.files))
    return width


def render_table(report: ClocReport, verbose: bool = False, width: int | None = None) -> str:
    """The text `odoo-bin cloc` prints; the name column shrinks to the terminal like Odoo's."""
    if not width:
        # At least 1: on a terminal narrower than 25 columns Odoo's layout fails outright.
        width = max(1, min(name_width(report), shutil.get_terminal_size()[0] - 24))
    rule = "-" * (width + 24) + "\n"

    def row(name: str, lines: object, other: object, code: object) -> str:
        return f"{name:{width}}{lines!s:>8}{other!s:>8}{code!s:>8}\n"

    def line_row(name: str, code: int, total: int) -> str:
        return row(name, total, total - code, code)

    out = [row("Odoo cloc", "Line", "Other", "Code"), rule]
    for name in sorted(report.modules):
        entry = report.modules[name]
        out.append(line_row(name, entry.code, entry.total))
        if verbose:
            for path, count in sorted(entry.files.items(), key=lambda item: item[1].code, reverse=True):
                out.append(line_row("    " + path, count.code, count.total))
    out.append(rule)
    out.append(line_row("", report.code, report.total))
    text = "".join(out) + "\n"

    if report.excluded and verbose:
        excluded = [row("Excluded", "Line", "Other", "Code"), rule]
        for name in sorted(report.excluded):
            items = report.excluded[name]
            for item, count in sorted(items.items(), key=lambda pair: pair[1].code, reverse=True):
                excluded.append(line_row("    " + item, count.code, count.total))
        excluded.append(rule)
        text += "".join(excluded) + "\n"

    if report.errors:
        errors = ["\nErrors\n\n"]
        for name in sorted(report.errors):
            errors.append(f"{name}\n")
            for path in sorted(report.errors[name]):
                errors.append(row("    " + path, report.errors[name][path], "", ""))
        text += "".join(errors) + "\n"
    return text
