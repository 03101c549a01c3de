"""Raw report bodies at rest: zlib of the compact JSON (a 3-6 kB report keeps about a fifth of its size)."""

from __future__ import annotations

import json
import zlib
from typing import Any

# Level 1: on the fleet benchmark's 4.3 kB report 893 bytes in 18 us, against level 6's 846 bytes in
# 27 us (8 kB with counts: 1,155 bytes in 17 us against 1,090 in 38 us). 5% more bytes keeps the 30-day
# projection for 1,000 agents under 2 GB (docs/benchmarks.md); the CPU is on every report.
_LEVEL = 1


def pack(compact_json: str) -> bytes:
    return zlib.compress(compact_json.encode("utf-8"), _LEVEL)


def pack_document(document: Any) -> bytes:
    return pack(json.dumps(document, separators=(",", ":"), ensure_ascii=False))


def unpack(stored: bytes) -> Any:
    """The JSON document of a stored body (for debugging and the migrations)."""
    return json.loads(zlib.decompress(stored).decode("utf-8"))
