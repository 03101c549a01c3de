"""Line counters per language, each giving what Odoo's counter gives for the same text.

Every counter strips the text, appends one newline and calls the number of newlines the total.
A "code" line is one that still holds something other than whitespace once comments are gone
(Python: a line where an AST node starts). The functions are pure: text in, count or error out.
"""

from __future__ import annotations

import ast
import re
from typing import Any, NamedTuple

SYNTAX_ERROR = "Syntax Error"
FILE_TOO_LARGE = "Max file size exceeded"
LINE_TOO_LONG = "Max line size exceeded"
# Where Odoo would stop with a traceback (a dangling link, a file it may not read), we list this.
UNREADABLE = "Unreadable file"


class LineCount(NamedTuple):
    code: int
    total: int


# A count, or the message of an error Odoo lists instead of counting the file.
Outcome = LineCount | str

_XML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Strings are matched so that comment markers inside them stay; only comments (starting with "/")
# are blanked out. Same alternatives, in the same order, as Odoo's expressions.
_STRINGS = r"'(?:\\.|[^\\'])*'|\"(?:\\.|[^\\\"])*\""
_JS_TOKENS = re.compile(r"//.*?$|(?<!\\)/\*.*?\*/|" + _STRINGS, re.DOTALL | re.MULTILINE)
_SCSS_TOKENS = re.compile(r"//.*?$|/\*.*?\*/|" + _STRINGS, re.DOTALL | re.MULTILINE)
_CSS_TOKENS = re.compile(r"/\*.*?\*/|" + _STRINGS, re.DOTALL | re.MULTILINE)
_MISSING = object()
# Field types that never hold a node with a line number: names, constants, and the operator and
# context singletons (Load, Add, And, ...), which have neither line numbers nor children.
_LEAF_TYPES = frozenset(
    {"identifier", "string", "constant", "int", "expr_context", "boolop", "operator", "unaryop", "cmpop"}
)
_SIGNATURE = re.compile(r"^\w+\((.*)\)$")
# Per AST class: (field name, holds a list) for the fields that may hold nodes; None = inspect all.
_CHILD_FIELDS: dict[type, tuple[tuple[str, bool | None], ...]] = {}


def _child_fields(cls: type) -> tuple[tuple[str, bool | None], ...]:
    """Read the node-holding fields from the class signature, e.g. "Dict(expr* keys, expr* values)"."""
    fields: tuple[tuple[str, bool | None], ...] = tuple((name, None) for name in getattr(cls, "_fields", ()))
    match = _SIGNATURE.match((cls.__doc__ or "").strip().split("\n")[0])
    if match:
        parsed: list[tuple[str, bool | None]] = []
        for part in filter(None, match.group(1).split(", ")):
            kind, _space, name = part.rpartition(" ")
            if kind.rstrip("*?") not in _LEAF_TYPES:
                parsed.append((name, kind.endswith("*")))
        if {name for name, _many in parsed} <= set(getattr(cls, "_fields", ())):
            fields = tuple(parsed)
    _CHILD_FIELDS[cls] = fields
    return fields


def _non_blank_lines(text: str) -> int:
    """Newlines left after collapsing whitespace around each newline and stripping the start.

    Equal to the number of lines (all but the last piece after the final newline) holding a
    non-whitespace character: `str.isspace` and the regular expression `\\s` agree on every character.
    """
    pieces = text.split("\n")
    pieces.pop()
    return sum(1 for piece in pieces if piece and not piece.isspace())


def count_python(text: str) -> Outcome:
    text = text.strip() + "\n"
    total = text.count("\n")
    try:
        tree = ast.parse(text)
    except Exception:  # SyntaxError, ValueError (null bytes), RecursionError, MemoryError
        return SYNTAX_ERROR
    # The nodes of ast.walk, visited without its generators and skipping leaf fields.
    lines: set[object] = set()
    add = lines.add
    stack: list[Any] = [tree]
    pop = stack.pop
    push = stack.append
    extend = stack.extend
    table = _CHILD_FIELDS
    while stack:
        node = pop()
        if node is None:  # optional entries of lists (dict unpacking keys, keyword-only defaults)
            continue
        number = getattr(node, "lineno", _MISSING)
        if number is not _MISSING:
            add(number)
        cls = node.__class__
        fields = table.get(cls)
        if fields is None:
            fields = _child_fields(cls)
        for name, many in fields:
            value: Any = getattr(node, name, None)
            if many:
                extend(value)
            elif many is None:
                if value.__class__ is list:
                    extend(item for item in value if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    push(value)
            elif value is not None:
                push(value)
    return LineCount(len(lines), total)


def count_xml(text: str) -> Outcome:
    text = text.strip() + "\n"
    total = text.count("\n")
    return LineCount(_non_blank_lines(_XML_COMMENT.sub("", text)), total)


def _blank_comment(match: re.Match[str]) -> str:
    token = match.group(0)
    return " " if token[0] == "/" else token


def _count_c_like(text: str, tokens: re.Pattern[str], max_line_size: int | None) -> Outcome:
    text = text.strip() + "\n"
    total = text.count("\n")
    # Odoo refuses minified files rather than run its expression over them.
    if (
        max_line_size is not None
        and len(text) > max_line_size
        and max(len(line) for line in text.split("\n")) > max_line_size
    ):
        return LINE_TOO_LONG
    return LineCount(_non_blank_lines(tokens.sub(_blank_comment, text)), total)


def count_js(text: str, max_line_size: int | None) -> Outcome:
    return _count_c_like(text, _JS_TOKENS, max_line_size)


def count_scss(text: str, max_line_size: int | None) -> Outcome:
    return _count_c_like(text, _SCSS_TOKENS, max_line_size)


def count_css(text: str, max_line_size: int | None) -> Outcome:
    return _count_c_like(text, _CSS_TOKENS, max_line_size)


def count_text(text: str, ext: str, max_line_size: int | None) -> Outcome:
    """Count `text` with the parser of file extension `ext` (lower case, with the dot)."""
    if ext == ".py":
        return count_python(text)
    if ext == ".xml":
        return count_xml(text)
    if ext == ".js":
        return count_js(text, max_line_size)
    if ext == ".scss":
        return count_scss(text, max_line_size)
    if ext == ".css":
        return count_css(text, max_line_size)
    raise ValueError(f"no counter for {ext!r} files")
