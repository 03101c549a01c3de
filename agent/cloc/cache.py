"""The incremental cache: counts remembered by file identity and by content hash.

One compact JSON file, replaced atomically. Nothing in it is trusted: a file that does not parse,
comes from another format, version or Python (whose parser decides the Python counts), or holds
malformed entries is ignored entry by entry or as a whole, and rebuilt on the next save.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from agent.cloc.discovery import Identity
from agent.cloc.parsers import FILE_TOO_LARGE, LINE_TOO_LONG, SYNTAX_ERROR, UNREADABLE, LineCount, Outcome

FORMAT = "prioritysupport-cloc-cache"
VERSION = 2  # 2: manifest authors decoded as UTF-8
FILE_NAME = "cloc-cache-v1.json"
MAX_FILES = 200_000
_KNOWN_ERRORS = frozenset({SYNTAX_ERROR, LINE_TOO_LONG, FILE_TOO_LARGE, UNREADABLE})
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/prioritysupport, or ~/.cache/prioritysupport."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "prioritysupport"


def _valid_outcome(value: Any) -> Outcome | None:
    if isinstance(value, str):
        return value if value in _KNOWN_ERRORS else None
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(type(number) is int and number >= 0 for number in value)
        and value[0] <= value[1]
    ):
        return LineCount(value[0], value[1])
    return None


class CountCache:
    """Remembered outcomes: path -> (identity, digest), digest -> {kind: outcome}, and module
    snapshots (the files a module's walk found, valid while its folders are unchanged)."""

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / FILE_NAME
        self._files: dict[str, Any] = {}
        self._counts: dict[str, Any] = {}
        self._modules: dict[str, Any] = {}
        self._changed = False
        self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError):
            return
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("version") != VERSION
            or data.get("python") != _PYTHON
            or not isinstance(data.get("files"), dict)
            or not isinstance(data.get("counts"), dict)
            or not isinstance(data.get("modules"), dict)
        ):
            self._changed = True  # foreign or outdated: rewrite it
            return
        self._files = data["files"]
        self._counts = data["counts"]
        self._modules = data["modules"]

    def module_snapshot(self, key: str) -> Any:
        """The remembered walk of a module (to be checked with `snapshot_still_valid`), or None."""
        snapshot = self._modules.get(key)
        return snapshot if isinstance(snapshot, dict) else None

    def store_module_snapshot(self, key: str, snapshot: dict[str, Any]) -> None:
        self._modules[key] = snapshot
        self._changed = True

    def by_identity(self, path: str, identity: Identity, kind: str) -> Outcome | None:
        """The outcome of an unchanged file (same device, inode, size and mtime)."""
        entry = self._files.get(path)
        if not isinstance(entry, list) or len(entry) != 5 or tuple(entry[:4]) != identity:
            return None
        return self.by_digest(entry[4], kind)

    def by_digest(self, digest: Any, kind: str) -> Outcome | None:
        """The outcome of any file with this content, counted by the same kind of counter."""
        counts = self._counts.get(digest) if isinstance(digest, str) else None
        if not isinstance(counts, dict):
            return None
        return _valid_outcome(counts.get(kind))

    def store(self, path: str, identity: Identity, digest: str, kind: str, outcome: Outcome) -> None:
        self._files.pop(path, None)  # re-insert: the newest entries are kept when trimming
        self._files[path] = [*identity, digest]
        counts = self._counts.get(digest)
        if not isinstance(counts, dict):
            counts = self._counts[digest] = {}
        counts[kind] = outcome if isinstance(outcome, str) else [outcome.code, outcome.total]
        self._changed = True

    def save(self) -> None:
        """Write the cache if anything changed; a failure to write only costs speed next time."""
        if not self._changed:
            return
        files = self._files
        if len(files) > MAX_FILES:
            files = dict(list(files.items())[-MAX_FILES:])
        live = {entry[4] for entry in files.values() if isinstance(entry, list) and len(entry) == 5}
        counts = {digest: value for digest, value in self._counts.items() if digest in live}
        payload = {
            "format": FORMAT,
            "version": VERSION,
            "python": _PYTHON,
            "files": files,
            "counts": counts,
            "modules": self._modules,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".cloc-cache-", dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(payload, out, separators=(",", ":"))
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return
        self._changed = False
