"""Real local receivers: a JSON webhook server (Apprise json://) and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class WebhookReceiver:
    port: int
    status: int = 200  # what the next requests get; set 500 to make the channel fail
    delay: float = 0.0  # seconds to hold each request (a slow channel)
    path_delays: dict[str, float] = field(default_factory=dict)  # per path, e.g. {"/oncall-primary": 3.0}
    received: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def bodies(self, path: str | None = None) -> list[dict[str, Any]]:
        with self.arrived:
            return [body for p, body, _ in self.received if path is None or p == "/" + path]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True


@contextmanager
def webhook_receiver(port: int) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(port)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            delay = receiver.path_delays.get(self.path, receiver.delay)
            if delay:
                time.sleep(delay)
            status = receiver.status
            if status < 400:
                with receiver.arrived:
                    receiver.received.append((self.path, body, time.monotonic()))
                    receiver.arrived.notify_all()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class MailCatcher:
    port: int
    refuse: bool = False  # answer 451 to every message: the server is "refusing"
    messages: list[Any] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True


@contextmanager
def mail_catcher(port: int) -> Iterator[MailCatcher]:
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    catcher = MailCatcher(port)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            if catcher.refuse:
                return "451 4.3.0 try again later"
            with catcher.arrived:
                catcher.messages.append(message_from_bytes(envelope.original_content or envelope.content))
                catcher.arrived.notify_all()
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield catcher
    finally:
        controller.stop()
