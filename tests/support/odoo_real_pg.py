"""A private PostgreSQL cluster on 127.0.0.1 for one real Odoo: initdb, start, stop, snapshot.

PostgreSQL refuses root: as root every command runs as the 'postgres' system user (runuser).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
from pathlib import Path

ROLE = "odoo"
PASSWORD = "odoo"


def pg_bin(name: str) -> str:
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if versions:
        return versions[-1]
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(
            f"{name} is not installed: install Debian's postgresql (make debian-packages)"
        )
    return found


def _as_postgres() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
    return ["runuser", "-u", "postgres", "--"]


def hand_to_postgres(path: Path) -> None:
    """The cluster's folders must belong to the user that runs postgres."""
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", str(path)], check=True)


class Cluster:
    """One cluster: its data folder and socket folder live under `base`."""

    def __init__(self, base: Path, port: int) -> None:
        self.base = base
        self.data = base / "pgdata"
        self.port = port
        self.log = base / "pg.log"
        self.env = {**os.environ, "LC_ALL": "C.UTF-8"}

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*_as_postgres(), *args], check=check, capture_output=True, text=True, env=self.env
        )

    def init(self) -> None:
        hand_to_postgres(self.base)
        self._run(
            pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        hand_to_postgres(self.base)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base} -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self._run(pg_bin("pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self._run(
            pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-Atc", sql,
        )  # fmt: skip
        return result.stdout

    def create_role(self) -> None:
        # Odoo refuses the 'postgres' user ("a security risk"): it gets its own role.
        self.psql(f"create role {ROLE} login createdb password '{PASSWORD}'")
