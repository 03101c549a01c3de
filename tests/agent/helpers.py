"""Helpers of the agent suite: TOML configuration files and a report receiver on 127.0.0.1."""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

from agent.config import AgentConfig, load_config
from agent.report import SCHEMA_PATH
from demo.sim import OdooSimulator
from tests.support.components import free_port


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(value)


def write_config(
    folder: Path,
    sim: OdooSimulator,
    integrations: list[dict[str, Any]] | None = None,
    collector: dict[str, Any] | None = None,
    instance: dict[str, Any] | None = None,
    top: dict[str, Any] | None = None,
) -> Path:
    """A configuration watching one simulator; secrets inline, so the file is made private."""
    settings = {
        "agent_id": "test-agent",
        "state_dir": str(folder / "state"),
        "counts_in_child": False,
        **(top or {}),
    }
    lines = [f"{key} = {toml_value(value)}" for key, value in settings.items()]
    if collector:
        lines += ["[collector]", *(f"{key} = {toml_value(value)}" for key, value in collector.items())]
    entry = {
        "name": "prod",
        "url": sim.url,
        "database": sim.db,
        "login": "admin",
        "password": "admin",
        "timeout": 2.0,
        "retries": 0,
        "addons_paths": [str(path) for path in sim.addons_paths],
        **(instance or {}),
    }
    lines += [
        "[[instances]]",
        *(f"{key} = {toml_value(value)}" for key, value in entry.items() if value is not None),
    ]
    for integration in integrations or []:
        lines += [
            "[[instances.integrations]]",
            *(f"{key} = {toml_value(value)}" for key, value in integration.items()),
        ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "agent.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def config_for(folder: Path, sim: OdooSimulator, **options: Any) -> AgentConfig:
    return load_config(write_config(folder, sim, **options), environ={})


_SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def assert_valid_report(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)


class Receiver:
    """A collector stand-in: stores reports by id (de-duplicating as the collector does) in arrival order."""

    def __init__(
        self, token: str = "t0ken", port: int | None = None, tls: tuple[Path, Path] | None = None
    ) -> None:
        self.token = token
        self.tls = tls  # (certificate, key): serve HTTPS
        self.port = port or free_port()
        self.received: list[dict[str, Any]] = []
        self.posts = 0
        self.lose_answers = 0  # store the next N reports but answer 500, as if the answer got lost
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}/api/v1/reports"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts += 1
                if self.headers.get("Authorization") != f"Bearer {receiver.token}":
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                document = json.loads(body)
                known = {report["report_id"] for report in receiver.received}
                if document["report_id"] not in known:
                    receiver.received.append(document)
                if receiver.lose_answers > 0:
                    receiver.lose_answers -= 1
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
