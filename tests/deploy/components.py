"""A throw-away Prometheus on a free port on 127.0.0.1, for the deploy tests."""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.components import free_port, require_binary

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


class Prometheus:
    """A running Prometheus server and its HTTP API."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def query(self, expr: str) -> tuple[int, dict[str, Any]]:
        """HTTP status and decoded body of an instant query (400 means the expression does not parse)."""
        data = urllib.parse.urlencode({"query": expr}).encode()
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/query", data=data, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def targets_up(self) -> dict[str, float]:
        status, body = self.query("up")
        assert status == 200, body
        return {item["metric"]["job"]: float(item["value"][1]) for item in body["data"]["result"]}


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prometheus exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"prometheus at {url} not ready after {timeout} s")


@contextmanager
def prometheus_server(
    config_text: str = "global: {}\n",
    rule_files: tuple[Path, ...] = (),
    rule_text: Callable[[str], str] = lambda text: text,
) -> Iterator[Prometheus]:
    """Start Prometheus with the given configuration (YAML text), stop it afterwards.

    Rule files are copied to rules/ beside the configuration (as deploy/prometheus lays them out), each
    passed through `rule_text` first."""
    binary = require_binary("prometheus")
    with tempfile.TemporaryDirectory(prefix="ps-prom-") as base:
        root = Path(base)
        (root / "rules").mkdir()
        for rule_file in rule_files:
            text = rule_text(rule_file.read_text(encoding="utf-8"))
            (root / "rules" / rule_file.name).write_text(text, encoding="utf-8")
        (root / "prometheus.yml").write_text(config_text, encoding="utf-8")
        port = free_port()
        log = (root / "prometheus.log").open("wb")
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={root / 'prometheus.yml'}",
                f"--storage.tsdb.path={root / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--web.enable-lifecycle",
                # Resend firing alerts every second, not every minute: an alert that fires at the first
                # evaluation (the Watchdog), before the Alertmanager is discovered, arrives at once.
                "--rules.alert.resend-delay=1s",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            server = Prometheus(port)
            _wait_ready(server.url, process)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def load_yaml(path: Path) -> Any:
    """A YAML file as Python data (PyYAML comes with Apprise; it ships no type stubs)."""
    import yaml  # type: ignore[import-untyped]

    return yaml.safe_load(path.read_text(encoding="utf-8"))
