"""A webhook receiver on 127.0.0.1 that stamps each arrival with time.monotonic()."""

from __future__ import annotations

import http.server
import json
import threading
import time
from typing import Any


class Arrivals:
    def __init__(self) -> None:
        self.by_key: dict[str, float] = {}
        self.changed = threading.Condition()

    def wait(self, key: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while key not in self.by_key:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)
            return self.by_key[key]


def serve(arrivals: Arrivals, key_of: Any) -> http.server.ThreadingHTTPServer:
    """Start a server; `key_of(path, body)` names the arrivals in a request (list of keys)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            at = time.monotonic()
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            with arrivals.changed:
                for key in key_of(self.path, body):
                    arrivals.by_key.setdefault(key, at)
                arrivals.changed.notify_all()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
