"""Odoo sources named by ODOO_SOURCE: unpacked, with a Python 3.11 venv cached by the requirements' hash.

Everything lives under a cache folder outside the clone, so a fresh CI clone on the same machine is warm.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement

# Requirement changes for Python 3.11 (see ../shared/odoo/README.md): data, applied to any series.
DROP = frozenset(
    {
        "python-ldap",  # source only, needs libldap headers; only auth_ldap uses it
        "gevent",  # only the longpolling process of workers > 0 imports it
        "pypiwin32",
        # Extras of the vendoring repository's own module (17.0 tarball); Odoo does not use them.
        "paramiko",
        "pandas",
        "graphene",
        "graphql-server",
        "graphene-file-upload",
    }
)
REPLACE = {
    "psycopg2": "psycopg2-binary",  # psycopg2 is a source distribution only
    "cbor2==5.4.2": "cbor2==5.4.6",  # 5.4.2 has no cp311 wheel and its setup.py needs pkg_resources
}
ADD = ("setuptools<70",)  # odoo/modules/module.py (17.0) imports pkg_resources

# OCA queue_job per series: the newest release that loads on the snapshot (18.0.1.7+ needs api.private).
QUEUE_JOB = {"17.0": "17.0.1.5.4", "18.0": "18.0.1.3.0"}


class SourceError(Exception):
    """ODOO_SOURCE names something that is not an Odoo source tree or tarball."""


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "prioritysupport" / "odoo-real"


def split_sources(value: str) -> list[str]:
    """ODOO_SOURCE: several entries separated by os.pathsep or commas."""
    parts = re.split(rf"[{re.escape(os.pathsep)},]", value)
    return [part.strip() for part in parts if part.strip()]


@dataclass(frozen=True)
class OdooSource:
    root: Path  # the folder holding odoo-bin
    series: str  # "17.0"
    key: str  # content hash: names the cached database snapshot

    @property
    def odoo_bin(self) -> Path:
        return self.root / "odoo-bin"

    @property
    def addons_paths(self) -> list[Path]:
        return [self.root / "odoo" / "addons", self.root / "addons"]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree_key(root: Path) -> str:
    # A folder changes by edits: its file list with sizes and mtimes stands for its content.
    digest = hashlib.sha256(str(root.resolve()).encode())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            stat = os.stat(os.path.join(dirpath, name))
            digest.update(f"{dirpath}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _find_root(folder: Path) -> Path | None:
    if (folder / "odoo-bin").is_file():
        return folder
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        if (child / "odoo-bin").is_file():
            return child
    return None


def _series(root: Path) -> str:
    text = (root / "odoo" / "release.py").read_text(encoding="utf-8")
    match = re.search(r"version_info\s*=\s*\((\d+),\s*(\d+)", text)
    if not match:
        raise SourceError(f"{root}: odoo/release.py has no version_info")
    return f"{match.group(1)}.{match.group(2)}"


def resolve(entry: str) -> OdooSource:
    """A folder is used in place; a tarball is unpacked once into the cache (keyed by its sha256)."""
    path = Path(entry).expanduser()
    if not path.exists():
        raise SourceError(
            f"ODOO_SOURCE entry {entry!r} does not exist: name an Odoo source folder or tarball"
        )
    if path.is_dir():
        root = _find_root(path)
        if root is None:
            raise SourceError(f"{entry}: no odoo-bin in it or in a folder directly below it")
        return OdooSource(root, _series(root), _tree_key(root))
    key = _sha256_file(path)
    target = cache_root() / "src" / key[:16]
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            with tarfile.open(path) as archive:
                archive.extractall(partial, filter="data")
        except (tarfile.TarError, OSError) as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise SourceError(f"{entry}: cannot unpack ({exc}); name an Odoo source tarball") from exc
        partial.rename(target)
        (target / ".complete").touch()
    root = _find_root(target)
    if root is None:
        raise SourceError(f"{entry}: the tarball holds no odoo-bin")
    return OdooSource(root, _series(root), key)


def requirements_for_py311(text: str) -> list[str]:
    """Odoo's requirements.txt reduced to the lines that apply to Python 3.11, with the README's changes."""
    env = {"python_version": "3.11", "python_full_version": "3.11.7", "sys_platform": "linux"}
    result: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and not Marker(str(requirement.marker)).evaluate(env):
            continue
        name = requirement.name.lower()
        if name in DROP:
            continue
        pinned = f"{requirement.name}{requirement.specifier}" if requirement.specifier else requirement.name
        pinned = REPLACE.get(pinned, REPLACE.get(name, pinned))
        result.append(pinned)
    result.extend(ADD)
    return result


def ensure_venv(source: OdooSource, log: Path) -> Path:
    """The venv's python for this source: built once per distinct requirement list and Python version."""
    requirements = requirements_for_py311((source.root / "requirements.txt").read_text(encoding="utf-8"))
    python = os.environ.get("ODOO_PYTHON") or shutil.which("python3.11") or sys.executable
    digest = hashlib.sha256("\n".join([python, *requirements]).encode()).hexdigest()[:16]
    venv = cache_root() / "venv" / digest
    if (venv / ".complete").exists():
        return venv / "bin" / "python"
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as out:
        subprocess.run([python, "-m", "venv", str(venv)], check=True, stdout=out, stderr=out)
        req_file = venv / "requirements.txt"
        req_file.write_text("\n".join(requirements) + "\n")
        # Never let pip upgrade setuptools here: 17.0 needs pkg_resources.
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", str(req_file)],
            check=True,
            stdout=out,
            stderr=out,
        )
    (venv / ".complete").touch()
    return venv / "bin" / "python"


def ensure_queue_job(series: str, venv_python: Path, log: Path) -> Path:
    """An addons folder holding OCA queue_job for the series, from its PyPI wheel, without dependencies."""
    version = QUEUE_JOB.get(series)
    if version is None:
        raise SourceError(f"no OCA queue_job release is known to load on Odoo {series}: add one to QUEUE_JOB")
    target = cache_root() / "queue_job" / version
    if (target / "queue_job" / "__manifest__.py").exists():
        return target
    download = cache_root() / "wheels"
    download.mkdir(parents=True, exist_ok=True)
    with log.open("a") as out:
        pip = [str(venv_python), "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(download)]
        subprocess.run(
            [*pip, f"odoo-addon-queue-job=={version}"],
            check=True,
            stdout=out,
            stderr=out,
        )
    wheels = sorted(download.glob(f"odoo_addon_queue_job-{version}-*.whl"))
    if not wheels:
        raise SourceError(f"pip did not download odoo-addon-queue-job=={version}")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(wheels[0]) as wheel:
        for member in wheel.namelist():
            if member.startswith("odoo/addons/queue_job/"):
                relative = member[len("odoo/addons/") :]
                destination = partial / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                if not member.endswith("/"):
                    destination.write_bytes(wheel.read(member))
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target
