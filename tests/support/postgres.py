"""A throw-away PostgreSQL server (Debian's binaries) on a free port on 127.0.0.1."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.components import free_port, in_ci, require_binary, wait_for_port


def _pg_bin(name: str) -> str:
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if versions:
        return versions[-1]
    return require_binary(name)


def _as_user() -> list[str]:
    # PostgreSQL refuses to run as root: run it as the 'postgres' system user then.
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server, yield a SQLAlchemy URL (psycopg 3) for database 'test', stop it after."""
    initdb = _pg_bin("initdb")
    pg_ctl = _pg_bin("pg_ctl")
    prefix = _as_user()
    base = tempfile.mkdtemp(prefix="ps-pg-")
    data = os.path.join(base, "data")
    if prefix:
        shutil.chown(base, "postgres", "postgres")
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(
        [*prefix, initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        env=env,
    )
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off -c max_connections=200"
    subprocess.run(
        [*prefix, pg_ctl, "-D", data, "-o", options, "-l", os.path.join(base, "log"), "-w", "start"],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        wait_for_port(port)
        subprocess.run(
            [
                *prefix,
                _pg_bin("createdb") if os.path.exists(_pg_bin("createdb")) else "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "test",
            ],
            check=True,
            capture_output=True,
            env=env,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", data, "-m", "immediate", "stop"], capture_output=True, env=env)
        shutil.rmtree(base, ignore_errors=True)


__all__ = ["in_ci", "postgres_server"]
