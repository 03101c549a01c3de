"""Run the counts in a short-lived child process, so the agent's resident memory stays small.

The parent writes the job (with the secret) on the child's stdin, never on its command line, and
reads the counts as JSON from its stdout; the child's peak memory comes from wait4().
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.config import Instance
from agent.report import Counts


class CountsFailed(RuntimeError):
    """The child process failed; the message says how."""


@dataclass
class CountsRun:
    counts: Counts
    peak_rss_bytes: int | None


def _job(instance: Instance, server_version: str | None, cache_dir: Path | None) -> dict[str, Any]:
    return {
        "url": instance.url,
        "database": instance.database,
        "login": instance.login,
        "secret": instance.secret,
        "is_api_key": instance.secret_is_api_key,
        "protocol": instance.protocol,
        "timeout": instance.timeout,
        "retries": instance.retries,
        "verify": instance.verify,
        "server_version": server_version,
        "addons_paths": [str(path) for path in instance.addons_paths],
        "cache_dir": str(cache_dir) if cache_dir else None,
    }


def execute_job(job: dict[str, Any]) -> Counts:
    """The counting itself (in the child, or in process when configured so)."""
    from agent.counts import collect_counts
    from agent.odoo import Credentials, connect
    from agent.odoo.transport import HttpTransport, TransportSettings

    transport = HttpTransport(
        TransportSettings(timeout=job["timeout"], retries=job["retries"], verify=job["verify"])
    )
    try:
        credentials = Credentials(job["database"], job["login"], job["secret"], job["is_api_key"])
        client = connect(job["url"], credentials, transport, job["protocol"])
        cache_dir = Path(job["cache_dir"]) if job.get("cache_dir") else None
        paths = [Path(path) for path in job["addons_paths"]]
        return collect_counts(client, job.get("server_version"), paths, cache_dir)
    finally:
        transport.close()


def run_counts(
    instance: Instance,
    server_version: str | None,
    cache_dir: Path | None,
    in_child: bool,
    timeout: float = 600,
) -> CountsRun:
    job = _job(instance, server_version, cache_dir)
    if not in_child:
        return CountsRun(execute_job(job), None)
    process = subprocess.Popen(
        [sys.executable, "-m", "agent.counts_child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = process.communicate(json.dumps(job).encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise CountsFailed(f"the count took longer than {timeout:g} s and was stopped") from None
    peak = _peak_rss(process)
    if process.returncode != 0:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise CountsFailed(f"the counting process failed: {last[0][:300]}")
    return CountsRun(Counts.from_json(json.loads(out)), peak)


def _peak_rss(process: subprocess.Popen[bytes]) -> int | None:
    # communicate() has already reaped the child; its usage is folded into RUSAGE_CHILDREN.
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return int(usage.ru_maxrss) * 1024 if usage.ru_maxrss else None


def main() -> int:
    from agent.odoo import OdooClientError

    job = json.loads(sys.stdin.buffer.read())
    try:
        counts = execute_job(job)
    except OdooClientError as error:
        print(str(error), file=sys.stderr)  # the parent logs this last line
        return 1
    sys.stdout.write(json.dumps(counts.to_json()))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    raise SystemExit(main())
