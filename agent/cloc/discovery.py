"""Which files a module contributes, found the way Odoo's counter walks them, and which modules
of an addons path are custom (not in a standard addons folder).

A module's file list can be remembered as a snapshot: while none of its folders and none of its
manifest files changed (same inode and mtime), the walk and the globs would find the same files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from agent.cloc.manifest import excluded_paths, read_manifest_rules
from agent.cloc.parsers import FILE_TOO_LARGE, UNREADABLE
from agent.cloc.rules import MANIFEST_NAMES, RuleSet

# (device, inode, size, mtime in ns): a file whose identity is unchanged has unchanged content.
Identity = tuple[int, int, int, int]


@dataclass(frozen=True)
class FoundFile:
    """A file to count (`identity` set) or one already in error (`error` set)."""

    module: str
    path: str
    ext: str
    identity: Identity | None = None
    error: str | None = None


@dataclass(frozen=True)
class ModuleFiles:
    name: str
    author: str | None
    files: list[FoundFile]


def _identity(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]


def _manifest_identities(path: str) -> list[list[int] | None]:
    return [_identity(os.path.join(path, name)) for name in MANIFEST_NAMES]


def walk_module(path: str, rules: RuleSet) -> dict[str, Any]:
    """A snapshot of the module: name, author, candidate files (path, extension), folders seen.

    Candidates are the files of a counted extension that no manifest glob excludes, in walk order.
    """
    manifests = _manifest_identities(path)
    manifest = read_manifest_rules(path)
    excluded = excluded_paths(path, manifest.patterns) if manifest.patterns else set()
    extensions = rules.extensions
    candidates: list[list[str]] = []
    folders: list[list[Any]] = []
    join = os.path.join
    splitext = os.path.splitext
    for root, _dirs, files in os.walk(path):
        folder = _identity(root)
        folders.append([root, folder[1] if folder else 0, folder[3] if folder else 0])
        for file_name in files:
            file_path = join(root, file_name)
            if file_path in excluded:
                continue
            ext = splitext(file_name)[1].lower()
            if ext in extensions:
                candidates.append([file_path, ext])
    return {
        "name": os.path.basename(path),
        "author": manifest.author,
        "manifests": manifests,
        "folders": folders,
        "files": candidates,
    }


def snapshot_still_valid(path: str, snapshot: Any, rules: RuleSet) -> bool:
    """True when the snapshot is well-formed, belongs to this module, and no folder of the module
    and no manifest file changed since it was taken."""
    try:
        folders = snapshot["folders"]
        if (
            snapshot["name"] != os.path.basename(path)
            or not folders
            or folders[0][0] != path
            or snapshot["manifests"] != _manifest_identities(path)
        ):
            return False
        prefix = path + "/"
        for file_path, ext in snapshot["files"]:
            if not (isinstance(file_path, str) and file_path.startswith(prefix) and ext in rules.extensions):
                return False
        for root, inode, mtime in folders:
            info = os.stat(root)
            if info.st_ino != inode or info.st_mtime_ns != mtime:
                return False
    except (OSError, KeyError, IndexError, TypeError, ValueError):
        return False
    return True


def files_of_snapshot(snapshot: dict[str, Any], rules: RuleSet) -> ModuleFiles:
    """Stat the candidates: identity for the cache, and Odoo's size limit."""
    name = snapshot["name"]
    found: list[FoundFile] = []
    for file_path, ext in snapshot["files"]:
        try:
            info = os.stat(file_path)
        except OSError:  # a dangling link: Odoo stops with a traceback, we list it
            found.append(FoundFile(name, file_path, ext, error=UNREADABLE))
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if info.st_size > rules.max_file_size:
            found.append(FoundFile(name, file_path, ext, error=FILE_TOO_LARGE))
            continue
        identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
        found.append(FoundFile(name, file_path, ext, identity=identity))
    author = snapshot.get("author")
    return ModuleFiles(name, author if isinstance(author, str) else None, found)


def find_module(name: str, addons_paths: Iterable[str]) -> str | None:
    """The folder of module `name`: the first addons folder holding it with a manifest wins."""
    for addons_path in addons_paths:
        candidate = os.path.join(addons_path, name)
        if any(os.path.isfile(os.path.join(candidate, manifest)) for manifest in MANIFEST_NAMES):
            return candidate
    return None


def modules_in(addons_paths: Iterable[str]) -> Iterator[str]:
    """Names of every module in the addons folders (first occurrence only), sorted per folder."""
    seen: set[str] = set()
    for addons_path in addons_paths:
        try:
            names = sorted(os.listdir(addons_path))
        except OSError:
            continue
        for name in names:
            if name in seen:
                continue
            folder = os.path.join(addons_path, name)
            if any(os.path.isfile(os.path.join(folder, manifest)) for manifest in MANIFEST_NAMES):
                seen.add(name)
                yield name


def standard_folders(addons_paths: list[str], rules: RuleSet) -> set[str]:
    """Real paths of the folders that hold a standard marker module (base, web, ...)."""
    folders: set[str] = set()
    for marker in rules.standard_markers:
        found = find_module(marker, addons_paths)
        if found:
            folders.add(os.path.dirname(os.path.realpath(found)))
    return folders


def custom_module_paths(
    addons_paths: list[str], installed: Iterable[str] | None, rules: RuleSet
) -> tuple[list[str], list[str]]:
    """Real paths of the custom modules to count, and the installed names found nowhere.

    Like Odoo, a module is standard when its real path starts with a standard folder's real path
    (a plain prefix test, as Odoo does it).
    """
    standard = standard_folders(addons_paths, rules)
    names = list(installed) if installed is not None else list(modules_in(addons_paths))
    paths: list[str] = []
    missing: list[str] = []
    for name in names:
        found = find_module(name, addons_paths)
        if found is None:
            missing.append(name)
            continue
        real = os.path.realpath(found)
        if any(real.startswith(folder) for folder in standard):
            continue
        paths.append(real)
    return paths, missing
