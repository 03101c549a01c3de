"""Raw report bodies at rest: zlib of the compact JSON (a 3-6 kB report keeps about a fifth of its size)."""

from __future__ import annotations

import json
import zlib
from typing import Any

# Level 6 is zlib's default: within a few percent of level 9 on reports, at half the CPU.
_LEVEL = 6


def pack(compact_json: str) -> bytes:
    return zlib.compress(compact_json.encode("utf-8"), _LEVEL)


def pack_document(document: Any) -> bytes:
    return pack(json.dumps(document, separators=(",", ":"), ensure_ascii=False))


def unpack(stored: bytes) -> Any:
    """The JSON document of a stored body (for debugging and the migrations)."""
    return json.loads(zlib.decompress(stored).decode("utf-8"))
