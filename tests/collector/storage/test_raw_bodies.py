"""Raw bodies at rest: written as zstd, and bodies written as zlib before still read back."""

from __future__ import annotations

import json
import threading
import zlib

from collector.storage import raw_bodies


def test_a_body_is_written_as_zstd_and_read_back() -> None:
    document = {"report_id": "r1", "checks": [{"key": "odoo.login", "status": "ok"}] * 20, "naam": "café"}
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    stored = raw_bodies.pack(text)
    assert stored[:4] == b"\x28\xb5\x2f\xfd" and len(stored) < len(text.encode()) / 3
    assert raw_bodies.unpack_text(stored) == text and raw_bodies.unpack(stored) == document


def test_a_body_stored_as_zlib_before_still_reads() -> None:
    text = '{"report_id":"old","sequence":7}'
    assert raw_bodies.unpack(zlib.compress(text.encode("utf-8"), 6)) == {"report_id": "old", "sequence": 7}


def test_threads_each_compress_with_their_own_context() -> None:
    texts = [json.dumps({"n": n, "pad": "x" * (n * 37 % 900)}) for n in range(200)]
    results: dict[int, list[bytes]] = {}

    def work(worker: int) -> None:
        results[worker] = [raw_bodies.pack(text) for text in texts]

    workers = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    for packed in results.values():
        assert [raw_bodies.unpack_text(body) for body in packed] == texts
