"""Footprint of the agent beside Prometheus node_exporter, both scraped at the same rate.

    .venv/bin/python -m bench.agent.footprint [--interval 30] [--window 150] [--warmup 40]

Starts a simulated Odoo, an HTTP and a TCP target, a report receiver, the agent (`prioritysupport
agent run`, 5 integrations, every check at --interval, counts hourly in a child process, /metrics on)
and /usr/bin/prometheus-node-exporter. After the warm-up (first cycle and the count), samples both
processes' resident memory every second and their CPU time per interval, for --window seconds.
Prints medians, maxima and the agent / node_exporter ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
import requests

CLI = [sys.executable, "-c", "from prioritysupport.cli import main; main()"]
NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class _Quiet(BaseHTTPRequestHandler):
    posts = 0

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: bytes = b"ok") -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(200, b"shop open")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).posts += 1
        self._answer(202)


def _serve(port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _accept_and_close(listener: socket.socket) -> None:
    while True:
        try:
            connection, _address = listener.accept()
        except OSError:
            return
        connection.close()


def _config(folder: Path, ports: dict[str, int], interval: float) -> Path:
    text = f"""
agent_id = "bench"
state_dir = "{folder / "state"}"
counts_in_child = true
[intervals]
availability = {interval}
integrations = {interval}
host = {interval}
counts = 3600
[collector]
url = "http://127.0.0.1:{ports["receiver"]}/api/v1/reports"
token = "bench-token"
[exporter]
listen = "127.0.0.1:{ports["exporter"]}"
[[instances]]
name = "bench"
url = "http://127.0.0.1:{ports["sim"]}"
database = "demo"
password = "admin"
timeout = 5
addons_paths = {json.dumps(_sim_addons(ports["sim"]))}
[[instances.integrations]]
name = "webshop"
check = "http"
url = "http://127.0.0.1:{ports["http"]}/status"
keyword = "open"
[[instances.integrations]]
name = "edi"
check = "tcp"
host = "127.0.0.1"
port = {ports["tcp"]}
[[instances.integrations]]
name = "crons"
check = "odoo_cron"
crons = ["Webshop: import orders", "Bank: fetch statements"]
[[instances.integrations]]
name = "jobs"
check = "queue_job"
channel = "root.webshop"
[[instances.integrations]]
name = "mail"
check = "mail"
"""
    path = folder / "agent.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def _sim_addons(port: int) -> list[str]:
    state = requests.get(f"http://127.0.0.1:{port}/__sim__/state", timeout=5).json()
    return list(state["addons_paths"])


class Sampler:
    """RSS every second; CPU time at each interval boundary."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.rss: list[int] = []
        self.cpu_percent: list[float] = []
        self._mark = self._cpu(), time.monotonic()

    def _cpu(self) -> float:
        times = self.process.cpu_times()
        return float(times.user + times.system)

    def sample_rss(self) -> None:
        self.rss.append(int(self.process.memory_info().rss))

    def close_window(self) -> None:
        cpu, wall = self._cpu(), time.monotonic()
        self.cpu_percent.append(100.0 * (cpu - self._mark[0]) / (wall - self._mark[1]))
        self._mark = cpu, wall

    def summary(self) -> dict[str, float]:
        mib = 2**20
        return {
            "rss_median_mib": statistics.median(self.rss) / mib,
            "rss_max_mib": max(self.rss) / mib,
            "cpu_median_percent": statistics.median(self.cpu_percent),
            "cpu_max_percent": max(self.cpu_percent),
        }


def _scrape(url: str) -> str:
    try:
        return requests.get(url, timeout=5).text
    except requests.RequestException:
        return ""


def _print_figures(figures: dict[str, Any]) -> bool:
    """The table, the ratios and whether the goal is met."""
    child_peak = figures["counts_child_peak_mib"]
    print(f"{'':16}{'RSS median':>12}{'RSS max':>10}{'CPU median':>12}{'CPU max':>10}")
    for name in ("agent", "node_exporter"):
        row = figures[name]
        print(
            f"{name:16}{row['rss_median_mib']:>9.1f} MiB{row['rss_max_mib']:>6.1f} MiB"
            f"{row['cpu_median_percent']:>10.2f} %{row['cpu_max_percent']:>8.2f} %"
        )
    ratio_cpu = figures["ratio_cpu"]
    print(
        f"ratio agent/node_exporter: RSS {figures['ratio_rss']:.2f}, CPU "
        + (f"{ratio_cpu:.2f}" if ratio_cpu is not None else "n/a")
    )
    print(
        f"counts child peak RSS: {child_peak:.1f} MiB"
        if child_peak
        else "counts child peak RSS: not reported"
    )
    print(f"reports received: {figures['reports_received']}")
    goal: bool = figures["agent"]["rss_max_mib"] < 40 and figures["agent"]["cpu_median_percent"] < 1.0
    print("goal (< 40 MiB, < 1% of one core): " + ("met" if goal else "NOT met"))
    return goal


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--interval", type=float, default=30.0, help="check and scrape interval, seconds")
    parser.add_argument("--window", type=float, default=150.0, help="measured seconds after the warm-up")
    parser.add_argument("--warmup", type=float, default=40.0, help="seconds before measuring")
    parser.add_argument("--json", dest="json_out", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    if not shutil.which(NODE_EXPORTER):
        print(f"{NODE_EXPORTER} is missing: apt-get install prometheus-node-exporter", file=sys.stderr)
        return 1

    ports = {name: free_port() for name in ("sim", "http", "tcp", "receiver", "exporter", "node")}
    folder = Path(tempfile.mkdtemp(prefix="agent-bench-"))
    processes: list[subprocess.Popen[bytes]] = []
    servers = [_serve(ports["http"]), _serve(ports["receiver"])]
    tcp = socket.create_server(("127.0.0.1", ports["tcp"]))
    threading.Thread(target=_accept_and_close, args=(tcp,), daemon=True).start()
    try:
        sim = subprocess.Popen(
            [*CLI, "sim", "odoo", "--port", str(ports["sim"]), "--version", "17.0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(sim)
        wait_for_port(ports["sim"])
        config = _config(folder, ports, options.interval)
        agent = subprocess.Popen([*CLI, "agent", "run", "--config", str(config), "--log-level", "warning"])
        processes.append(agent)
        node = subprocess.Popen(
            [NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{ports['node']}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(node)
        wait_for_port(ports["exporter"])
        wait_for_port(ports["node"])
        agent_url = f"http://127.0.0.1:{ports['exporter']}/metrics"
        node_url = f"http://127.0.0.1:{ports['node']}/metrics"

        stop = threading.Event()

        def scrape_both() -> None:
            while not stop.is_set():
                _scrape(agent_url)
                _scrape(node_url)
                stop.wait(options.interval)

        threading.Thread(target=scrape_both, daemon=True).start()
        print(
            f"warming up {options.warmup:g} s (first cycle, hourly count in a child process) ...", flush=True
        )
        time.sleep(options.warmup)
        samplers = {"agent": Sampler(agent.pid), "node_exporter": Sampler(node.pid)}
        started = time.monotonic()
        next_window = started + options.interval
        while time.monotonic() - started < options.window:
            for sampler in samplers.values():
                sampler.sample_rss()
            if time.monotonic() >= next_window:
                for sampler in samplers.values():
                    sampler.close_window()
                next_window += options.interval
            time.sleep(1.0)
        for sampler in samplers.values():
            sampler.close_window()
        stop.set()
        peak_line = [
            line
            for line in _scrape(agent_url).splitlines()
            if line.startswith("prioritysupport_agent_counts_child_peak_resident_memory_bytes ")
        ]
        child_peak = float(peak_line[0].split()[1]) / 2**20 if peak_line else None
        figures: dict[str, Any] = {name: sampler.summary() for name, sampler in samplers.items()}
        figures["ratio_rss"] = figures["agent"]["rss_median_mib"] / figures["node_exporter"]["rss_median_mib"]
        node_cpu = figures["node_exporter"]["cpu_median_percent"]
        figures["ratio_cpu"] = figures["agent"]["cpu_median_percent"] / node_cpu if node_cpu else None
        figures["counts_child_peak_mib"] = child_peak
        figures["reports_received"] = _Quiet.posts
        figures["settings"] = {
            "interval": options.interval,
            "window": options.window,
            "warmup": options.warmup,
        }
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for server in servers:
            server.shutdown()
        tcp.close()
        shutil.rmtree(folder, ignore_errors=True)

    goal = _print_figures(figures)
    if options.json_out:
        options.json_out.write_text(json.dumps(figures, indent=2))
    return 0 if goal else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    raise SystemExit(main())
