"""The running stack for the dashboard test: a simulated Odoo, the collector, an agent, webhook sinks,
Prometheus scraping the collector and the agent with deploy/prometheus's configuration and rules, and
Alertmanager with deploy/alertmanager's routing, firing at the collector and at an ops-team sink.

Each piece is the real command (`prioritysupport sim odoo`, `collector serve`, `agent run`) in its own
process on 127.0.0.1. The collector runs an accelerated clock from a Friday evening, so that within seconds
a premium A incident pages at once (premium calendar open), team notices are held (support calendar
closed), customer notices dead-letter (no SMTP server configured: no channel matches), and one page target
fails and is retried.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from demo.sinks import WebhookReceiver
from tests.deploy.components import DEPLOY, Prometheus, prometheus_server
from tests.support.components import free_port, require_binary, wait_for_port

COMMAND = str(Path(sys.executable).with_name("prioritysupport"))
CLOCK_START = "2026-11-27T17:30:00+01:00"  # Friday evening: support closed, premium open
CLOCK_FACTOR = 60  # one real second is a simulated minute
TYPO_CUSTOMER = "acmee"
WEBHOOK_TOKEN = "stack-test-webhook-token-0123456789"
WATCHDOG_MINUTES = 12  # simulated: 12 real seconds without the Watchdog (it arrives about every 2 s)


@dataclass(frozen=True)
class Stack:
    prometheus: Prometheus
    collector_url: str
    agent_metrics_url: str
    sim_url: str
    logs: Path
    database: Path  # the collector's SQLite file
    ops_sink: WebhookReceiver  # Alertmanager's ops-team receiver
    sink: WebhookReceiver  # the collector's notification channels (apprise json:// URLs)
    alertmanager_url: str
    stop_alertmanager: Callable[[], None]

    def inject(self, fault: str) -> None:
        request = urllib.request.Request(
            f"{self.sim_url}/__sim__/control",
            data=json.dumps({"action": "set", "fault": fault}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200

    def log_tail(self, lines: int = 30) -> str:
        parts = []
        for path in sorted(self.logs.glob("*.log")):
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts)


def _run(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        [COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"prioritysupport {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout + result.stderr


@contextmanager
def _process(
    name: str, args: list[str], cwd: Path, port: int | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    log = (cwd / f"{name}.log").open("wb")
    process = subprocess.Popen(args, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
    try:
        if port is not None:
            wait_for_port(port, timeout=30)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def _prometheus_config(collector_port: int, agent_port: int, am_port: int, base: Path) -> str:
    """deploy/prometheus/prometheus.yml with local targets and a one-second rhythm. The agent is labelled
    ticket_source: prometheus, so its incident alerts also reach the collector through Alertmanager."""
    text = (DEPLOY / "prometheus" / "prometheus.yml").read_text(encoding="utf-8")
    text = text.replace("127.0.0.1:8480", f"127.0.0.1:{collector_port}")
    text = text.replace("127.0.0.1:9093", f"127.0.0.1:{am_port}")
    text = text.replace("/etc/prometheus/prioritysupport-agents/*.yml", str(base / "agents" / "*.yml"))
    text = re.sub(r"scrape_interval: \S+", "scrape_interval: 1s", text)
    text = re.sub(r"evaluation_interval: \S+", "evaluation_interval: 1s", text)
    text = re.sub(r"scrape_timeout: \S+", "scrape_timeout: 1s", text)
    text = text.replace("refresh_interval: 1m", "refresh_interval: 1s")
    (base / "agents").mkdir()
    _write(
        base / "agents" / "acme.yml",
        f'- targets: ["127.0.0.1:{agent_port}"]\n'
        "  labels:\n    customer: acme\n    ticket_source: prometheus\n",
        0o644,
    )
    # The same agent listed once more under a misspelt customer: its incident alert must not vanish.
    _write(
        base / "agents" / "typo.yml",
        f'- targets: ["127.0.0.1:{agent_port}"]\n'
        f"  labels:\n    customer: {TYPO_CUSTOMER}\n    ticket_source: prometheus\n",
        0o644,
    )
    return text


def _custom_addons(base: Path) -> Path:
    """One custom module, so the agent counts custom code lines."""
    module = base / "addons" / "acme_sale"
    module.mkdir(parents=True)
    (module / "__manifest__.py").write_text('{"name": "Acme sale", "depends": ["sale"]}\n', encoding="utf-8")
    (module / "__init__.py").write_text("from . import models\n", encoding="utf-8")
    (module / "models.py").write_text(
        "from odoo import fields, models\n\n\nclass SaleOrder(models.Model):\n"
        '    _inherit = "sale.order"\n\n    x_reference = fields.Char()\n',
        encoding="utf-8",
    )
    return module.parent


def _alertmanager_config(collector_port: int, ops_url: str, token_file: Path) -> str:
    """deploy/alertmanager/alertmanager.yml: the local collector, the ops team as a webhook, short waits."""
    text = (DEPLOY / "alertmanager" / "alertmanager.yml").read_text(encoding="utf-8")
    text = text.replace("http://127.0.0.1:8480", f"http://127.0.0.1:{collector_port}")
    text = text.replace("/etc/prometheus/prioritysupport-webhook-token", str(token_file))
    ops = text.index("  - name: ops-team")
    text = text[:ops] + f"  - name: ops-team\n    webhook_configs:\n      - url: {ops_url}\n"
    text = re.sub(r"group_wait: \S+", "group_wait: 1s", text)
    text = re.sub(r"repeat_interval: \S+", "repeat_interval: 2s", text)
    return re.sub(r"group_interval: \S+", "group_interval: 1s", text)


def _short_waits(rules: str) -> str:
    """Rules as shipped, but evaluated every second and firing after 2 s instead of minutes or an hour."""
    return re.sub(r"for: \S+", "for: 2s", re.sub(r"interval: \S+", "interval: 1s", rules))


def _wait_scraped(prometheus: Prometheus, job: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while prometheus.targets_up().get(job) != 1.0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"Prometheus has not scraped {job} after {timeout} s")
        time.sleep(0.2)


def _write_contracts(base: Path, sim_url: str) -> Path:
    """One premium customer with one instance on the simulator and a webshop integration."""
    return _write(
        base / "contracts.toml",
        '[[customer]]\nkey = "acme"\nname = "Acme"\naccount_manager = "am@partner.example"\n'
        '  [[customer.contact]]\n  name = "Jan"\n  email = "jan@acme.example"\n'
        f'  [[customer.instance]]\n  name = "prod"\n  url = "{sim_url}"\n'
        '  [[customer.contract]]\n  effective_from = 2026-01-01\n  package = "small"\n  premium = true\n'
        '  integrations = ["webshop"]\n',
    )


def _write_agent_config(
    base: Path, collector_port: int, agent_port: int, sim_url: str, token: str, addons: Path, dead_port: int
) -> Path:
    """The agent: fast intervals, its exporter on `agent_port`, an integration whose URL nobody answers."""
    return _write(
        base / "agent.toml",
        f'agent_id = "acme-prod"\nstate_dir = "{base}/agent-state"\ncounts_in_child = false\n'
        f'[collector]\nurl = "http://127.0.0.1:{collector_port}/api/v1/reports"\n'
        f'token = "{token}"\n'
        "[intervals]\navailability = 1\nintegrations = 1\nhost = 1\ncounts = 2\n"
        f'[exporter]\nlisten = "127.0.0.1:{agent_port}"\n'
        f'[[instances]]\nname = "prod"\nurl = "{sim_url}"\ndatabase = "demo"\nlogin = "admin"\n'
        f'password = "admin"\naddons_paths = ["{addons}"]\n'
        '  [[instances.integrations]]\n  name = "webshop"\n  check = "http"\n'
        f'  url = "http://127.0.0.1:{dead_port}/shop"\n  timeout = 1\n',
    )


@contextmanager
def running_stack(base: Path) -> Iterator[Stack]:
    sim_port, collector_port, agent_port, am_port = free_port(), free_port(), free_port(), free_port()
    dead_port = free_port()  # nothing listens here: a page target that fails
    with ExitStack() as stack:
        sink = WebhookReceiver().start()
        stack.callback(sink.stop)
        ops_sink = WebhookReceiver().start()
        stack.callback(ops_sink.stop)
        _write(
            base / "apprise.yml",
            "version: 1\nurls:\n"
            f"  - json://127.0.0.1:{sink.port}/oncall:\n      - tag: oncall-primary, oncall-secondary\n"
            f"  - json://127.0.0.1:{dead_port}/pager:\n      - tag: oncall-primary\n"
            f"  - json://127.0.0.1:{sink.port}/team:\n      - tag: support-team, ops, support-manager\n",
        )
        collector_toml = _write(
            base / "collector.toml",
            f'[database]\nurl = "sqlite:///{base}/collector.db"\n'
            f'[server]\nhost = "127.0.0.1"\nport = {collector_port}\nrun_worker = true\n'
            f'alertmanager_token = "{WEBHOOK_TOKEN}"\n'
            f'[clock]\nmode = "accelerated"\nstart = "{CLOCK_START}"\nfactor = {CLOCK_FACTOR}\n'
            "[monitoring]\nagent_interval_seconds = 120\nsilent_intervals = 3\nsweep_seconds = 0.5\n"
            f'watchdog_minutes = {WATCHDOG_MINUTES}\nbackup_glob = "{base}/backups/*.db"\n'
            "[monitoring.damping]\ndefault = 1\n"
            f'[notifications]\napprise_config = "{base}/apprise.yml"\n',
        )
        sim_url = f"http://127.0.0.1:{sim_port}"
        _write_contracts(base, sim_url)
        config = ["--config", str(collector_toml)]
        _run("collector", "migrate", *config, cwd=base)
        _run("collector", "load-contracts", str(base / "contracts.toml"), *config, cwd=base)
        enrolled = _run("collector", "enroll-agent", "acme", *config, cwd=base)
        token = re.search(r"\b[A-Za-z0-9_\-]{32,}\b", enrolled)
        assert token, f"no token in the enrolment output: {enrolled!r}"
        addons = _custom_addons(base)
        stack.enter_context(
            _process(
                "sim",
                [
                    COMMAND,
                    "sim",
                    "odoo",
                    "--port",
                    str(sim_port),
                    "--users",
                    "30",
                    "--addons-path",
                    str(addons),
                ],
                base,
                sim_port,
            )
        )
        stack.enter_context(
            _process("collector", [COMMAND, "collector", "serve", *config], base, collector_port)
        )
        agent_toml = _write_agent_config(
            base, collector_port, agent_port, sim_url, token.group(0), addons, dead_port
        )
        (base / "backups").mkdir()
        _write(base / "backups" / "collector-today.db", "")
        token_file = _write(base / "webhook-token", WEBHOOK_TOKEN + "\n")
        _write(
            base / "alertmanager.yml",
            _alertmanager_config(collector_port, f"{ops_sink.url}/ops", token_file),
            0o644,
        )
        alertmanager = require_binary("alertmanager", "prometheus-alertmanager")
        alertmanager_process = stack.enter_context(
            _process(
                "alertmanager",
                [
                    alertmanager,
                    f"--config.file={base / 'alertmanager.yml'}",
                    f"--storage.path={base / 'alertmanager-data'}",
                    f"--web.listen-address=127.0.0.1:{am_port}",
                    "--cluster.listen-address=",
                ],
                base,
                am_port,
            )
        )
        rules = tuple((DEPLOY / "prometheus" / "rules").glob("*.yml"))
        prometheus = stack.enter_context(
            prometheus_server(
                _prometheus_config(collector_port, agent_port, am_port, base),
                rule_files=rules,
                rule_text=_short_waits,
            )
        )
        # The agent last, once Prometheus has the collector's series at 0: the first failure, page and dead
        # letter happen under its eyes, as after a real start.
        _wait_scraped(prometheus, "prioritysupport-collector")
        stack.enter_context(
            _process("agent", [COMMAND, "agent", "run", "--config", str(agent_toml)], base, agent_port)
        )
        yield Stack(
            prometheus=prometheus,
            collector_url=f"http://127.0.0.1:{collector_port}",
            agent_metrics_url=f"http://127.0.0.1:{agent_port}/metrics",
            sim_url=sim_url,
            logs=base,
            database=base / "collector.db",
            ops_sink=ops_sink,
            sink=sink,
            alertmanager_url=f"http://127.0.0.1:{am_port}",
            stop_alertmanager=alertmanager_process.terminate,
        )
