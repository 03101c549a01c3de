"""Each language rule, on hand-made texts, against the literal algorithm and known numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.cloc.parsers import LINE_TOO_LONG, SYNTAX_ERROR, LineCount, count_text
from bench.cloc import literal

MAX_LINE = 100_000


def ours(text: str, ext: str) -> object:
    outcome = count_text(text, ext, MAX_LINE)
    return outcome if isinstance(outcome, str) else tuple(outcome)


def reference(text: str, ext: str) -> object:
    code, total = literal.parse(text, ext)
    return total if code == -1 else (code, total)


PYTHON_CASES = {
    "docstring counts once": (
        '"""Module.\n\nLong text.\n"""\n\n\ndef f():\n    """Doc\n    more."""\n    return 1\n',
        4,
    ),
    "multi-line string counts once": ('x = """\na\nb\n"""\n', 1),
    "multi-line call counts where nodes start": ("f(\n    a,\n    b=2,\n)\n", 3),
    "comments and blank lines are not code": ("# comment\n\n\nx = 1  # trailing\n\n# end\n", 1),
    "continuation lines": ("x = 1 + \\\n    2\n", 2),
    "decorators and classes": ("@dec\nclass A(B):\n    pass\n", 3),
}


@pytest.mark.parametrize("name", sorted(PYTHON_CASES))
def test_python_rules(name: str) -> None:
    text, code = PYTHON_CASES[name]
    assert ours(text, ".py")[0] == code  # type: ignore[index]
    assert ours(text, ".py") == reference(text, ".py")


def test_python_syntax_error_and_null_bytes() -> None:
    assert ours("def broken(:\n", ".py") == SYNTAX_ERROR
    assert ours("x = 1\x00\n", ".py") == SYNTAX_ERROR == reference("x = 1\x00\n", ".py")


def test_latin1_and_invalid_utf8_bytes_decode_without_error() -> None:
    raw = "x = 'caf\u00e9'\n# \u00e9\u00e8\n".encode() + b"y = '\xff\xfe'\n"
    text = raw.decode("latin-1")
    assert ours(text, ".py") == reference(text, ".py") == (2, 3)


def test_empty_files_count_one_blank_line() -> None:
    for ext in (".py", ".xml", ".js", ".css", ".scss"):
        assert ours("", ext) == reference("", ext) == (0, 1)
        assert ours(" \n\n\t", ext) == (0, 1)


def test_xml_comments_cdata_and_blank_lines() -> None:
    text = (
        "<?xml version='1.0'?>\n<odoo>\n  <!-- one\n  two -->\n\n  <record id='a'>\n"
        "    <field name='x'><![CDATA[\n  <!-- inside CDATA counts as comment -->\n  code();\n]]></field>\n"
        "  </record>  <!-- trailing -->\n</odoo>\n"
    )
    assert ours(text, ".xml") == reference(text, ".xml") == (8, 12)


def test_comment_markers_inside_strings_are_kept() -> None:
    js = "var url = 'http://x.org'; // real comment\nvar s = \"/* not a comment */\";\n/* a\nb */\nf();\n"
    assert ours(js, ".js") == reference(js, ".js") == (3, 5)
    css = "a { content: '/* x */'; }\n/* c */\nb { }\n// not a css comment\n"
    assert ours(css, ".css") == reference(css, ".css") == (3, 4)
    scss = '$x: 1; // c\n// only comment\n.a { b: "//"; }\n'
    assert ours(scss, ".scss") == reference(scss, ".scss") == (2, 3)


def test_escaped_comment_opener_in_js_but_not_in_scss() -> None:
    text = "a = 1;\nb = /\\/*x*/;\nc();\n"
    assert ours(text, ".js") == reference(text, ".js")
    assert ours(text, ".scss") == reference(text, ".scss")


def test_huge_lines_are_refused_in_c_like_files_only() -> None:
    line = "x" * (MAX_LINE + 1)
    assert ours(line + "\n", ".js") == LINE_TOO_LONG == reference(line, ".js")
    assert ours(line, ".css") == LINE_TOO_LONG
    assert ours("y" * MAX_LINE, ".js") == (1, 1)
    assert ours(f"<a>{line}</a>", ".xml") == (1, 1)
    assert count_text(line, ".js", None) == LineCount(1, 1)


C_LIKE_ALPHABET = st.sampled_from(
    ["/", "*", "'", '"', "\\", "\n", " ", "\t", "\r", "a", "<!--", "-->", "\x85", "\xa0", "\x0b", "\x1c", "é"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(C_LIKE_ALPHABET, max_size=60).map("".join), st.sampled_from([".js", ".css", ".scss", ".xml"]))
def test_generated_texts_match_the_literal_algorithm(text: str, ext: str) -> None:
    assert ours(text, ext) == reference(text, ext)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["x = 1", "def f(a,\n  b):", "    '''doc\n  more'''", "\n", "# c", "  return (\n1)", "\\"]
        ),
        max_size=12,
    ).map("\n".join)
)
def test_generated_python_matches_the_literal_algorithm(text: str) -> None:
    assert ours(text, ".py") == reference(text, ".py")


def test_python_warnings_do_not_change_counts(tmp_path: object) -> None:
    import warnings

    from agent.cloc.workers import FileJob, count_share

    path = f"{tmp_path}/w.py"
    with open(path, "w") as handle:
        handle.write("x = 1\nif x is 1:\n    y = '\\d'\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        [(outcome, _digest)] = count_share([FileJob(path, ".py", ".py", 10)], MAX_LINE, None)
    assert outcome == LineCount(3, 3)


def test_python_walk_matches_ast_walk_on_the_standard_library() -> None:
    """Every kind of node (match, async, f-strings, walrus, lambdas, ...) in real code."""
    import glob
    import sysconfig

    files = sorted(glob.glob(f"{sysconfig.get_paths()['stdlib']}/*.py"))[::3]
    assert len(files) > 50
    for path in files:
        with open(path, "rb") as handle:
            text = handle.read().decode("latin-1")
        assert ours(text, ".py") == reference(text, ".py"), path


def test_python_newer_syntax() -> None:
    text = (
        "match point:\n    case Point(x=0, y=0) | [1, *rest]:\n        pass\n    case {'k': v, **kw}:\n"
        "        pass\nasync def f(*, a=None, **k):\n    async with x as (y, z):\n"
        "        await g(f'{a!r:>{w}}')\n"
        "    return [i async for i in h() if (j := i)]\n"
        "d = {**a, 'b': lambda q, /, r=1: q}\n"
    )
    assert ours(text, ".py") == reference(text, ".py")
