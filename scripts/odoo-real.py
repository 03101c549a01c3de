#!/usr/bin/env python3
"""Start a real Odoo (one per series) for trying the agent on it: `make odoo [ODOO_SOURCE=...]`.

It prints the URL, database, login and API key, and an agent configuration, then runs until Ctrl-C.
Without ODOO_SOURCE it uses the tarballs in ../shared/odoo next to the clone, when they are there.
"""

from __future__ import annotations

import contextlib
import glob
import os
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.odoo_real import ENABLE_HINT, BringUpError, bring_up, sources_from_env  # noqa: E402
from tests.support.odoo_real_seed import MONITORING_LOGIN  # noqa: E402
from tests.support.odoo_real_source import SourceError  # noqa: E402


def main() -> int:
    entries = sources_from_env() or sorted(glob.glob(str(ROOT.parent / "shared" / "odoo" / "odoo-*.tar.xz")))
    if not entries:
        print(ENABLE_HINT, file=sys.stderr)
        return 2
    stacks = []
    try:
        for entry in entries:
            print(f"starting Odoo from {entry} (the first time takes a few minutes) ...", flush=True)
            stack = bring_up(entry)
            stacks.append(stack)
            # The key goes to a file only its owner reads, never to the terminal.
            env_file = stack.base / "agent.env"
            env_file.touch(mode=0o600)
            env_file.write_text(f"ODOO_API_KEY={stack.api_key}\n")
            print(
                f"\nOdoo {stack.series}: {stack.url}  database {stack.database}\n"
                f"  log in as admin / admin, or as {MONITORING_LOGIN} with the API key below\n"
                f"  agent.toml:\n"
                f'    [[instances]]\n    name = "odoo{stack.series.replace(".", "")}"\n'
                f'    url = "{stack.url}"\n    database = "{stack.database}"\n'
                f'    login = "{MONITORING_LOGIN}"\n    api_key_env = "ODOO_API_KEY"\n'
                f"    addons_paths = {[str(path) for path in stack.addons_paths]!r}\n"
                f"  the API key is in {env_file} (EnvironmentFile= for systemd, or: set -a; . {env_file})\n",
                flush=True,
            )
        print("Ctrl-C stops every server.", flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    except (SourceError, BringUpError, OSError) as error:
        print(f"could not start Odoo: {error}", file=sys.stderr)
        return 1
    finally:
        for stack in stacks:
            stack.close()
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
