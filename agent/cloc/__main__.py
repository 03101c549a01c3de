"""`python -m agent.cloc`: the same count as `prioritysupport cloc`, without the root command.

A lean entry for agent hosts and scripts: it loads neither the other packages' commands nor typer,
and so starts in about a third of the time.
"""

from __future__ import annotations

import argparse
import sys

from agent.cloc.command import CommandError, run_cloc


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Count custom code lines per module, identical to odoo-bin cloc.",
    )
    parser.add_argument("-p", "--path", action="append", default=[], help="a module folder (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every counted file")
    parser.add_argument("--json", dest="json_output", action="store_true", help="print the result as JSON")
    parser.add_argument("--addons-path", help="comma-separated addons folders")
    parser.add_argument("--installed", help="with --addons-path: only these comma-separated module names")
    parser.add_argument("--odoo-version", help="count with the rules of this Odoo version")
    parser.add_argument("--cache-dir", help="where to keep the cache")
    parser.add_argument("--no-cache", action="store_true", help="count every file again, without a cache")
    return parser


def main(argv: list[str] | None = None, prog: str = "python -m agent.cloc") -> int:
    options = _parser(prog).parse_args(argv)
    try:
        run_cloc(
            options.path,
            options.verbose,
            options.json_output,
            options.addons_path,
            options.installed,
            options.odoo_version,
            options.cache_dir,
            options.no_cache,
        )
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
