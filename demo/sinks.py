"""Local notification sinks for the demo and the tests: a mail catcher and a JSON webhook receiver.

Both listen on 127.0.0.1 only, keep what they receive in memory, and can call a hook on every arrival so
the demo can narrate deliveries as they happen.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from alerts.people_time import local_time


@dataclass(frozen=True)
class CaughtMail:
    received_at: datetime
    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    message: EmailMessage = field(repr=False, compare=False)


@dataclass(frozen=True)
class CaughtWebhook:
    received_at: datetime
    path: str
    body: Any


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MailCatcher:
    """An SMTP server (aiosmtpd) that keeps every message it accepts. `now` stamps arrivals (the demo
    passes its simulated clock)."""

    def __init__(
        self,
        port: int = 0,
        on_mail: Callable[[CaughtMail], None] | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._requested_port = port
        self._on_mail = on_mail
        self._now = now
        self._lock = threading.Lock()
        self.mails: list[CaughtMail] = []
        self._controller: Any = None

    @property
    def port(self) -> int:
        if self._controller is None:
            raise RuntimeError("the mail catcher is not running")
        return int(self._controller.port)

    def start(self) -> MailCatcher:
        from aiosmtpd.controller import Controller

        catcher = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                raw = envelope.original_content or envelope.content
                message = email.message_from_bytes(raw, policy=email.policy.default)
                assert isinstance(message, EmailMessage)
                catcher._store(envelope.mail_from, tuple(envelope.rcpt_tos), message)
                return "250 Message accepted for delivery"

        # aiosmtpd checks readiness by connecting to the port, so it needs a real one, not 0.
        port = self._requested_port or _free_port()
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _store(self, sender: str, recipients: tuple[str, ...], message: EmailMessage) -> None:
        body = message.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
        mail = CaughtMail(
            received_at=self._now(),
            sender=sender,
            recipients=recipients,
            subject=str(message.get("Subject", "")),
            text=text,
            message=message,
        )
        with self._lock:
            self.mails.append(mail)
        if self._on_mail is not None:
            self._on_mail(mail)

    def snapshot(self) -> list[CaughtMail]:
        with self._lock:
            return list(self.mails)


class WebhookReceiver:
    """An HTTP server that records JSON posts (Apprise `json://` targets) and shows them on GET /."""

    def __init__(
        self,
        port: int = 0,
        on_post: Callable[[CaughtWebhook], None] | None = None,
        mails: MailCatcher | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._now = now
        self._lock = threading.Lock()
        self.posts: list[CaughtWebhook] = []
        self._on_post = on_post
        self._mails = mails
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body: Any = json.loads(raw or b"null")
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                receiver._store(self.path, body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                page = receiver.render().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WebhookReceiver:
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-sink", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _store(self, path: str, body: Any) -> None:
        post = CaughtWebhook(received_at=self._now(), path=path, body=body)
        with self._lock:
            self.posts.append(post)
        if self._on_post is not None:
            self._on_post(post)

    def snapshot(self) -> list[CaughtWebhook]:
        with self._lock:
            return list(self.posts)

    def render(self) -> str:
        """A plain page listing what arrived: pages and notices, then mails when a catcher is attached."""
        rows = [
            f"<tr><td>{html.escape(local_time(p.received_at, 'en'))}</td><td>{html.escape(p.path)}</td>"
            f"<td><pre>{html.escape(json.dumps(p.body, indent=1, ensure_ascii=False))}</pre></td></tr>"
            for p in self.snapshot()
        ]
        mails = self._mails.snapshot() if self._mails is not None else []
        mail_rows = [
            f"<tr><td>{html.escape(local_time(m.received_at, 'en'))}</td>"
            f"<td>{html.escape(', '.join(m.recipients))}</td>"
            f"<td>{html.escape(m.subject)}</td><td><pre>{html.escape(m.text)}</pre></td></tr>"
            for m in mails
        ]
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Demo sinks</title></head>"
            "<body>"
            "<h1>Notifications received</h1><h2>Webhooks (pages, team notices)</h2>"
            "<p>Times are the demo's simulated time in Amsterdam.</p>"
            "<table border='1'><tr><th>received</th><th>path</th><th>body</th></tr>"
            + "".join(rows)
            + "</table><h2>Mails</h2><table border='1'><tr><th>received</th><th>to</th><th>subject</th>"
            "<th>text</th></tr>" + "".join(mail_rows) + "</table></body></html>"
        )
