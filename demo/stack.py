"""The whole demo stack on 127.0.0.1: collector (SQLite, delivery worker, helpdesk) in a uvicorn thread on
an injected clock, three simulated Odoo instances, one real `agent run` process per customer, the
integrations' stand-in servers, and the mail catcher and webhook receiver as Apprise sinks."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demo.customers import CUSTOMERS, SUPPORT_SENDER, agent_toml, contracts_toml
from demo.endpoints import HealthEndpoint
from demo.feed import Feed
from prioritysupport.clock import Clock

# Apprise tags the collector's routing and the alerts' escalation chains address. The on-call tags
# (oncall-primary, oncall-secondary) have no channel of their own: the rota resolves them to the person
# on call, so each page reaches one engineer once.
TAGS = ("support-manager", "support-team", "account-managers", "ops")
STAFF_USER = "demo"
# Agents report every real second; at the fastest demo speed that is ~1.7 simulated hours, so an agent only
# counts as silent (and its instance is probed from outside) after 3 x 2 simulated hours without a report.
AGENT_INTERVAL_SIMULATED = 7200

ONCALL_PEOPLE = {
    "anna": "Anna de Boer",
    "bram": "Bram Visser",
    "carla": "Carla Jansen",
}
# The numbers the emergency line forwards to (fictional; `oncall who` shows them).
ONCALL_PHONES = {"anna": "+31 6 1000 0001", "bram": "+31 6 1000 0002", "carla": "+31 6 1000 0003"}


def rota_toml(webhook_url: str) -> str:
    people = "".join(
        f'\n[people.{pid}]\nname = "{name}"\nemail = "{pid}@partner.example"\n'
        f'phone = "{ONCALL_PHONES[pid]}"\n'
        f'notify = ["json://{webhook_url.removeprefix("http://")}/person/{pid}"]\n'
        for pid, name in ONCALL_PEOPLE.items()
    )
    return (
        "# Written by `prioritysupport demo`: a three-person rota, weekly handover on Monday 09:00.\n"
        'timezone = "Europe/Amsterdam"\n'
        + people
        + '\n[[rotations]]\ntag = "oncall-primary"\nmembers = ["anna", "bram", "carla"]\n'
        'handover = "monday 09:00"\nstart = 2026-01-05\n'
        '\n[[rotations]]\ntag = "oncall-secondary"\nmembers = ["bram", "carla", "anna"]\n'
        'handover = "monday 09:00"\nstart = 2026-01-05\n'
    )


@dataclass
class DemoStack:
    workdir: Path
    clock: Clock
    run_agents: bool = True
    staff_password: str = field(default_factory=lambda: secrets.token_urlsafe(9))
    feed: Feed = field(init=False)
    url: str = field(init=False, default="")
    staff_token: str = field(init=False, default="", repr=False)
    collector: Any = field(init=False, default=None)
    mails: Any = field(init=False, default=None)
    webhooks: Any = field(init=False, default=None)
    simulators: dict[str, Any] = field(init=False, default_factory=dict)
    endpoints: dict[str, HealthEndpoint] = field(init=False, default_factory=dict)
    agents: dict[str, subprocess.Popen[bytes]] = field(init=False, default_factory=dict)
    _port: int = field(init=False, default=0)
    _server: Any = field(init=False, default=None)
    _thread: threading.Thread | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.feed = Feed(self.clock)

    # -- start -------------------------------------------------------------------------------------------

    def start(self) -> DemoStack:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        from demo.sim import OdooSimulator
        from demo.sinks import MailCatcher, WebhookReceiver

        self.workdir.mkdir(parents=True, exist_ok=True)
        self.mails = MailCatcher(on_mail=self.feed.mail, now=self.clock.now).start()
        self.webhooks = WebhookReceiver(
            on_post=self.feed.webhook, mails=self.mails, now=self.clock.now
        ).start()
        for customer in CUSTOMERS:
            for integration in customer.integrations:
                name = f"{customer.key}/{integration.name}"
                self.endpoints[name] = HealthEndpoint(name).start()
            self.simulators[customer.key] = OdooSimulator(
                version=customer.odoo_version, users=customer.users, portal_users=2, db="demo"
            ).start()
        # The port is known before the collector is built: pages carry acknowledge links to it.
        self._port = _free_port()
        self.url = f"http://127.0.0.1:{self._port}"
        self.collector = self._build_collector()
        self._serve()
        if self.run_agents:
            self._start_agents()

    def _build_collector(self) -> Any:
        from alerts.channels import ChannelBook, SmtpSettings
        from alerts.oncall import load_rota
        from alerts.worker import DeliveryWorker
        from collector.config import CollectorConfig, MonitoringSettings, NotificationSettings
        from collector.contracts.book import apply_contracts, read_contracts_file
        from collector.helpdesk.settings import HelpdeskSettings
        from collector.helpdesk.staff.accounts import create_user
        from collector.helpdesk.staff.tokens import create_staff_token
        from collector.service import build_collector
        from collector.storage.database import make_engine, migrate, writing

        database = self.workdir / "collector.db"
        for stale in (
            database,
            database.with_name("collector.db-wal"),
            database.with_name("collector.db-shm"),
        ):
            stale.unlink(missing_ok=True)  # a fresh database every run
        url = f"sqlite:///{database}"
        contracts = self.workdir / "contracts.toml"
        contracts.write_text(
            contracts_toml({key: sim.url for key, sim in self.simulators.items()}), encoding="utf-8"
        )
        oncall = self.workdir / "oncall.toml"
        oncall.write_text(rota_toml(self.webhooks.url), encoding="utf-8")
        smtp = SmtpSettings(host="127.0.0.1", port=self.mails.port, sender=SUPPORT_SENDER)
        config = CollectorConfig(
            database_url=url,
            monitoring=MonitoringSettings(
                agent_interval_seconds=AGENT_INTERVAL_SIMULATED,
                silent_intervals=3,
                probe_timeout_seconds=2.0,
                sweep_seconds=0.5,
            ),
            notifications=NotificationSettings(
                smtp_host="127.0.0.1",
                smtp_port=self.mails.port,
                smtp_sender=SUPPORT_SENDER,
                rota=str(oncall),
                ack_secret=secrets.token_urlsafe(24),
                public_url=self.url,
            ),
            base_dir=self.workdir,
        )
        engine = make_engine(url, background_checkpoints=True)
        migrate(engine)
        apply_contracts(engine, read_contracts_file(contracts))
        with writing(engine).begin() as conn:
            create_user(
                conn, STAFF_USER, self.staff_password, "manager", self.clock.now(), display_name="Demo Staff"
            )
            self.staff_token = create_staff_token(conn, STAFF_USER, self.clock.now())
        collector = build_collector(config, clock=self.clock, engine=engine)
        rota = load_rota(oncall)
        channels = ChannelBook.from_urls(
            [(f"json://127.0.0.1:{self.webhooks.port}/tag/{tag}", [tag]) for tag in TAGS],
            smtp=smtp,
            people=rota.notify_urls(),
            rota=rota.person_on_call,
        )
        collector.extras["delivery_worker"] = DeliveryWorker(collector.outbox, channels)
        collector.extras["helpdesk"] = HelpdeskSettings(cookie_secure=False)  # plain HTTP on 127.0.0.1
        return collector

    def _serve(self) -> None:
        import uvicorn

        from collector.http.proxies import uvicorn_proxy_options
        from collector.web.app import create_app

        config = uvicorn.Config(
            create_app(self.collector),
            host="127.0.0.1",
            port=self._port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            **uvicorn_proxy_options(self.collector.config.http),  # as `collector serve` does
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="demo-collector", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the collector did not start: see the messages above")
            time.sleep(0.05)

    def _start_agents(self) -> None:
        from collector.ingest.enrolment import enroll
        from collector.storage.database import writing

        with writing(self.collector.engine).begin() as conn:
            tokens = {c.key: enroll(conn, c.key, self.clock.now(), label="demo") for c in CUSTOMERS}
        targets = {
            name: endpoint.url if name.split("/")[1] in _http_names() else endpoint.address
            for name, endpoint in self.endpoints.items()
        }
        for customer in CUSTOMERS:
            folder = self.workdir / "agents" / customer.key
            shutil.rmtree(folder, ignore_errors=True)  # a fresh spool: no reports left from an earlier run
            folder.mkdir(parents=True)
            config = folder / "agent.toml"
            config.write_text(
                agent_toml(
                    customer,
                    state_dir=str(folder / "state"),
                    collector_url=self.url,
                    token=tokens[customer.key],
                    odoo_url=self.simulators[customer.key].url,
                    integration_targets=targets,
                ),
                encoding="utf-8",
            )
            config.chmod(0o600)  # it holds the token: the agent refuses a file others can read
            log = (folder / "agent.log").open("wb")
            self.agents[customer.key] = subprocess.Popen(
                [sys.executable, "-m", "prioritysupport", "agent", "run", "--config", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # Their own session: Ctrl-C in the terminal reaches the demo, which stops them in order.
                start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            log.close()

    # -- stop --------------------------------------------------------------------------------------------

    def stop(self) -> None:
        for process in self.agents.values():
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        for process in self.agents.values():
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        self.agents.clear()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
            self._thread = None
        for simulator in self.simulators.values():
            simulator.stop()
        for endpoint in self.endpoints.values():
            endpoint.stop()
        if self.webhooks is not None:
            self.webhooks.stop()
            self.webhooks = None
        if self.mails is not None:
            self.mails.stop()
            self.mails = None
        if self.collector is not None:
            self.collector.engine.dispose()
            self.collector = None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _http_names() -> set[str]:
    return {i.name for c in CUSTOMERS for i in c.integrations if i.check == "http"}
