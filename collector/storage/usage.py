"""The counts history: users and custom lines per instance and local day (table usage_samples).

Written when a report carries counts (hourly), read by the monthly evaluation and the version watch.
Within a day every distinct counts snapshot (custom lines plus the module list) keeps its own row with
the day's highest user count, so "the highest count of the day" comes out the same as it did from the raw
reports, whichever third-party authors a contract leaves out when the evaluation reads it.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import Connection, select

from collector.storage import hot_sql
from collector.storage import tables as t

LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")  # the evaluation's days (collector/evaluation/period.py)


@dataclass(frozen=True)
class UsageRow:
    instance_id: int
    at: datetime  # the first report of this snapshot on that day
    users: int | None
    lines: int | None
    modules: tuple[dict[str, Any], ...]


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def snapshot_of(counts: Mapping[str, Any]) -> tuple[int | None, list[dict[str, Any]], str]:
    """The part of a counts report that is kept per snapshot: lines, modules, and their fingerprint."""
    lines = _int_or_none(counts.get("custom_lines"))
    modules = [module for module in counts.get("modules") or () if isinstance(module, dict)]
    return lines, modules, hashlib.sha256(_compact([lines, modules], sort_keys=True)).hexdigest()


def _compact(value: Any, *, sort_keys: bool = False) -> bytes:
    """Compact UTF-8 JSON, by orjson in a fifth of json.dumps' time (this runs for every counts report,
    in the ingest writer). The bytes are json.dumps' with these options except floats in exponent form
    (1e-07 against 1e-7), which counts do not carry; a fingerprint written before would at worst differ
    once, giving that day one more snapshot row. json takes what orjson refuses (integers past 64 bits)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except TypeError:
        text = json.dumps(value, separators=(",", ":"), sort_keys=sort_keys, ensure_ascii=False)
        return text.encode("utf-8")


def record_usage(
    conn: Connection, customer_id: int, instance_id: int, at: datetime, counts: Mapping[str, Any]
) -> bool:
    """Fold one counts report into its day; False when it holds neither users nor lines."""
    users = _int_or_none(counts.get("internal_users"))
    lines, modules, snapshot = snapshot_of(counts)
    if users is None and lines is None:
        return False
    modules_z = _packed_modules(snapshot, modules) if modules else None
    # On the driver's cursor (hot_sql): this runs for every counts report, in the ingest writer.
    hot_sql.upsert_usage(conn, customer_id, instance_id, local_day(at), snapshot, users, lines, modules_z, at)
    return True


_PACKED: dict[str, bytes] = {}  # snapshot -> its module list compressed (the same bytes every time)
_PACKED_LIMIT = 20_000


def _packed_modules(snapshot: str, modules: list[dict[str, Any]]) -> bytes:
    """An instance sends the same module list hour after hour: compress it once per snapshot, not on
    every counts report (the row keeps its first copy anyway)."""
    packed = _PACKED.get(snapshot)
    if packed is None:
        if len(_PACKED) >= _PACKED_LIMIT:
            _PACKED.clear()
        packed = _PACKED[snapshot] = zlib.compress(_compact(modules))
    return packed


def usage_between(conn: Connection, customer_id: int, start: datetime, cutoff: datetime) -> list[UsageRow]:
    """The snapshots first seen in [start, cutoff), oldest first."""
    c = t.usage_samples.c
    rows = conn.execute(
        select(c.instance_id, c.first_at, c.users, c.lines, c.modules_z)
        .where(c.customer_id == customer_id, c.first_at >= start, c.first_at < cutoff)
        .order_by(c.first_at, c.id)
    )
    return [
        UsageRow(row.instance_id, row.first_at, row.users, row.lines, _modules(row.modules_z)) for row in rows
    ]


def latest_modules(conn: Connection, instance_id: int) -> tuple[dict[str, Any], ...] | None:
    """The module list of the instance's newest counts report (None: no counts with modules yet)."""
    c = t.usage_samples.c
    stored = conn.execute(
        select(c.modules_z)
        .where(c.instance_id == instance_id, c.modules_z.is_not(None))
        .order_by(c.last_at.desc(), c.id.desc())
        .limit(1)
    ).scalar()
    return _modules(stored) if stored is not None else None


def _modules(stored: bytes | None) -> tuple[dict[str, Any], ...]:
    if stored is None:
        return ()
    return tuple(json.loads(zlib.decompress(stored).decode("utf-8")))


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL_ZONE).date()
