"""The long-running agent process, kept lean: `prioritysupport agent run` replaces itself with this.

The command line (typer, rich, every package's registration) costs about 13 MiB of resident memory
that a process running for months does not need, so `agent run` validates the configuration and
then exec()s `python -m agent.daemon` (same process id, so a service manager sees no change).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="prioritysupport agent run")
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--log-level", default="info")
    options = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, str(options.log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from agent.config import ConfigError, load_config

    try:
        config = load_config(options.config)
    except ConfigError as error:
        print(f"Configuration error: {error}.", file=sys.stderr)
        return 2
    from agent.exporter import Metrics
    from agent.runner import Agent

    metrics = Metrics(spool_folder=config.state_dir / "spool")
    server: Any = None
    if config.exporter_listen is not None:
        host, port = config.exporter_listen
        try:
            server = metrics.serve(host, port)
        except OSError as error:
            print(
                f"Cannot serve /metrics on {host}:{port} ({error.strerror}): change exporter.listen.",
                file=sys.stderr,
            )
            return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    log = logging.getLogger("prioritysupport.agent")
    log.info("agent %s started: %d instance(s)", config.agent_id, len(config.instances))
    try:
        Agent(config, metrics=metrics).run_forever(stop)
    except OSError as error:
        print(f"The agent cannot use {config.state_dir}: {error.strerror}; check state_dir.", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.shutdown()
    log.info("agent stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
