"""A real Odoo (one per series) with its private PostgreSQL, brought up from ODOO_SOURCE.

The initialised database is cached as a snapshot (PostgreSQL data folder plus Odoo's data_dir), keyed by
the source's hash and the seed version: a warm start copies it back and starts the two servers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.components import free_port
from tests.support.odoo_real_pg import PASSWORD, ROLE, Cluster, hand_to_postgres
from tests.support.odoo_real_seed import (
    CUSTOM_FILES,
    DATABASE,
    INSTALLED_CUSTOM,
    SEED_VERSION,
    refresh_sql,
    seed_script,
    write_addons,
)
from tests.support.odoo_real_source import (
    QUEUE_JOB,
    OdooSource,
    cache_root,
    ensure_queue_job,
    ensure_venv,
    resolve,
    split_sources,
)

ENABLE_HINT = (
    "real-Odoo tests need ODOO_SOURCE (an Odoo source folder or tarball; several separated by ':' or ','),"
    " e.g. ODOO_SOURCE=../shared/odoo/odoo-17.0-community-min.tar.xz"
)
BASE_MODULES = "base,web,mail,base_import_module,queue_job"


class BringUpError(Exception):
    """A step of the bring-up failed; the message names the step and its log."""


@dataclass
class OdooStack:
    source: OdooSource
    base: Path
    python: Path = Path()
    pg_port: int = 0
    http_port: int = 0
    seed: dict[str, object] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def series(self) -> str:
        return self.source.series

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def database(self) -> str:
        return DATABASE

    @property
    def api_key(self) -> str:
        return str(self.seed["api_key"])

    @property
    def custom_addons(self) -> Path:
        return self.base / "custom_addons"

    @property
    def conf(self) -> Path:
        return self.base / "odoo.conf"

    @property
    def log(self) -> Path:
        return self.base / "odoo.log"

    @property
    def cluster(self) -> Cluster:
        return Cluster(self.base, self.pg_port)

    @property
    def addons_paths(self) -> list[Path]:
        queue_job = cache_root() / "queue_job" / QUEUE_JOB[self.series]
        return [*self.source.addons_paths, self.base / "category_stubs", queue_job, self.custom_addons]

    # --- configuration ---------------------------------------------------------------------------
    def write_conf(self) -> None:
        self.conf.write_text(
            "[options]\n"
            "admin_passwd = ps-master\n"
            f"db_host = 127.0.0.1\ndb_port = {self.pg_port}\ndb_user = {ROLE}\ndb_password = {PASSWORD}\n"
            f"http_interface = 127.0.0.1\nhttp_port = {self.http_port}\n"
            f"addons_path = {','.join(str(path) for path in self.addons_paths)}\n"
            f"data_dir = {self.base / 'data'}\n"
            "workers = 0\nmax_cron_threads = 0\nwithout_demo = all\nlog_level = warn\n"
            f"logfile = {self.log}\n"
        )

    # --- commands --------------------------------------------------------------------------------
    def odoo_bin(self, *args: str, stdin: str | None = None, timeout: float = 600) -> str:
        """Run odoo-bin with this configuration; subcommands come before the options."""
        command = [str(self.python), str(self.source.odoo_bin), *args]
        result = subprocess.run(
            command, input=stdin, capture_output=True, text=True, timeout=timeout, cwd=self.base
        )
        if result.returncode != 0:
            step = " ".join(args[:3])
            detail = result.stderr[-2000:]
            raise BringUpError(f"{step} failed ({result.returncode}): {detail}\n(log: {self.log})")
        return result.stdout

    def shell(self, script: str) -> str:
        return self.odoo_bin("shell", "-c", str(self.conf), "-d", DATABASE, "--no-http", stdin=script)

    def cloc(self, *args: str) -> str:
        return self.odoo_bin("cloc", "-c", str(self.conf), *args)

    def shell_json(self, script: str, marker: str = "PS-JSON ") -> object:
        for line in self.shell(script).splitlines():
            if line.startswith(marker):
                return json.loads(line[len(marker) :])
        raise BringUpError(f"the shell script printed no {marker!r} line")

    # --- Odoo process ----------------------------------------------------------------------------
    def start_odoo(self, timeout: float = 120) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        self.process = subprocess.Popen(
            [str(self.python), str(self.source.odoo_bin), "-c", str(self.conf), "-d", DATABASE],
            cwd=self.base,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BringUpError(
                    f"Odoo {self.series} exited with {self.process.returncode} (log: {self.log})"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/web/login?db={DATABASE}", timeout=30) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise BringUpError(
            f"Odoo {self.series} did not answer /web/login within {timeout} s (log: {self.log})"
        )

    def stop_odoo(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None

    def stop_postgres(self) -> None:
        self.cluster.stop()

    def start_postgres(self) -> None:
        self.cluster.start()

    def close(self) -> None:
        self.stop_odoo()
        self.cluster.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


def _snapshot_key(source: OdooSource, stage: str) -> str:
    """Stage "installed": modules installed; stage "seeded": plus the seed (its script is in the key)."""
    digest = hashlib.sha256(f"{source.key}:{QUEUE_JOB.get(source.series)}:{BASE_MODULES}".encode())
    for relative, text in sorted(CUSTOM_FILES.items()):
        digest.update(f"{relative}\0{text}\0".encode())
    if stage == "seeded":
        digest.update(f"{SEED_VERSION}\0{seed_script()}".encode())
    return f"{source.series}-{stage}-{digest.hexdigest()[:16]}"


def _save(stack: OdooStack, snapshot: Path) -> None:
    """Copy the stopped cluster and Odoo's data_dir (filestore) into the cache, atomically."""
    partial = snapshot.with_name(snapshot.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    shutil.copytree(stack.base / "pgdata", partial / "pgdata", symlinks=True)
    shutil.copytree(stack.base / "data", partial / "data", symlinks=True)
    seed_file = partial / "seed.json"  # holds the API key: its owner only
    seed_file.touch(mode=0o600)
    seed_file.write_text(json.dumps(stack.seed))
    shutil.rmtree(snapshot, ignore_errors=True)
    partial.rename(snapshot)
    (snapshot / ".complete").touch()
    # Older snapshots of the same series and stage are stale: keep the cache bounded.
    prefix = snapshot.name.rsplit("-", 1)[0] + "-"
    for other in snapshot.parent.glob(prefix + "*"):
        if other != snapshot:
            shutil.rmtree(other, ignore_errors=True)


def _restore(stack: OdooStack, snapshot: Path) -> None:
    for name in ("pgdata", "data"):
        shutil.rmtree(stack.base / name, ignore_errors=True)
        shutil.copytree(snapshot / name, stack.base / name, symlinks=True)
    stack.seed = json.loads((snapshot / "seed.json").read_text())
    hand_to_postgres(stack.base / "pgdata")
    os.chmod(stack.base / "pgdata", 0o700)


def _install(stack: OdooStack) -> None:
    cluster = stack.cluster
    cluster.init()
    cluster.start()
    cluster.create_role()
    modules = f"{BASE_MODULES},{','.join(INSTALLED_CUSTOM)}"
    stack.odoo_bin("-c", str(stack.conf), "-d", DATABASE, "-i", modules, "--stop-after-init", "--no-http")
    (stack.base / "data").mkdir(exist_ok=True)


def _seed(stack: OdooStack) -> None:
    for line in stack.shell(seed_script()).splitlines():
        if line.startswith("PS-SEED "):
            stack.seed = json.loads(line[len("PS-SEED ") :])
            return
    raise BringUpError(f"seeding Odoo {stack.series} printed no result (log: {stack.log})")


def bring_up(entry: str, log_dir: Path | None = None) -> OdooStack:
    """Resolve, build (or reuse) the venv and the snapshots, start PostgreSQL and Odoo."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    source = resolve(entry)
    log = (log_dir or root) / f"bring-up-{source.series}.log"
    python = ensure_venv(source, log)
    ensure_queue_job(source.series, python, log)
    base = Path(tempfile.mkdtemp(prefix=f"ps-odoo-{source.series}-"))
    os.chmod(base, 0o755)
    stack = OdooStack(source=source, base=base, python=python, pg_port=free_port(), http_port=free_port())
    write_addons(base)
    stack.write_conf()
    seeded = root / "snapshots" / _snapshot_key(source, "seeded")
    installed = root / "snapshots" / _snapshot_key(source, "installed")
    try:
        if (seeded / ".complete").exists():
            _restore(stack, seeded)
            stack.cluster.start()
        else:
            if (installed / ".complete").exists():
                _restore(stack, installed)
                stack.cluster.start()
            else:
                _install(stack)
                stack.cluster.stop()
                _save(stack, installed)
                stack.cluster.start()
            _seed(stack)
            stack.cluster.stop()
            _save(stack, seeded)
            stack.cluster.start()
        stack.cluster.psql(refresh_sql(stack.seed), DATABASE)
        stack.start_odoo()
    except BaseException:
        stack.close()
        raise
    return stack


def sources_from_env() -> list[str]:
    return split_sources(os.environ.get("ODOO_SOURCE", ""))
