"""Line counters per language, each giving what Odoo's counter gives for the same text.

Every counter strips the text, appends one newline and calls the number of newlines the total.
A "code" line is one that still holds something other than whitespace once comments are gone
(Python: a line where an AST node starts). The functions are pure: text in, count or error out.
"""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

SYNTAX_ERROR = "Syntax Error"
FILE_TOO_LARGE = "Max file size exceeded"
LINE_TOO_LONG = "Max line size exceeded"


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
_AST = ast.AST
_MISSING = object()


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
    # Iterative walk over the node fields: the same nodes as ast.walk, without its generators.
    lines: set[object] = set()
    add = lines.add
    stack: list[ast.AST] = [tree]
    pop = stack.pop
    push = stack.append
    while stack:
        node = pop()
        number = getattr(node, "lineno", _MISSING)
        if number is not _MISSING:
            add(number)
        for field in node._fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, _AST):
                        push(item)
            elif isinstance(value, _AST):
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
