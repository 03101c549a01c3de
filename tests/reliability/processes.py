"""The collector as it runs in production, one real process per role, on a SQLite file in a folder:
`collector serve` (HTTP: agent reports, staff sign-in), `collector worker` (notifications to a webhook
sink), `collector mail-intake` (SMTP) and the command line. Processes can be killed with SIGKILL and
started again on the same database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.components import free_port, wait_for_port

COMMAND = str(Path(sys.executable).with_name("prioritysupport"))
NOW = "2026-11-27T12:00:00+01:00"  # the collectors' fixed clock: a Friday, support hours
PASSWORD = "a long test password"


@dataclass
class Site:
    base: Path
    webhook_url: str
    http_port: int = field(default_factory=free_port)
    smtp_port: int = field(default_factory=free_port)
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    token: str = ""

    @property
    def config(self) -> list[str]:
        return ["--config", str(self.base / "collector.toml")]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def database(self) -> Path:
        return self.base / "collector.db"

    def prepare(self) -> None:
        (self.base / "apprise.yml").write_text(
            f"version: 1\nurls:\n  - json://{self.webhook_url.removeprefix('http://')}/team:\n"
            "      - tag: support-team, oncall-primary, oncall-secondary, support-manager, ops\n",
            encoding="utf-8",
        )
        (self.base / "collector.toml").write_text(
            f'[database]\nurl = "sqlite:///{self.database}"\n'
            f'[server]\nhost = "127.0.0.1"\nport = {self.http_port}\nrun_worker = false\n'
            f'[clock]\nmode = "fixed"\nstart = "{NOW}"\n'
            "[monitoring.damping]\ndefault = 1\n"
            f'[notifications]\napprise_config = "{self.base}/apprise.yml"\n',
            encoding="utf-8",
        )
        (self.base / "contracts.toml").write_text(
            '[[customer]]\nkey = "acme"\nname = "Acme"\naccount_manager = "am@partner.example"\n'
            '  [[customer.contact]]\n  name = "Jan"\n  email = "jan@acme.example"\n'
            '  [[customer.instance]]\n  name = "prod"\n  url = "http://127.0.0.1:9"\n'
            '  [[customer.contract]]\n  effective_from = 2026-01-01\n  package = "small"\n  premium = true\n',
            encoding="utf-8",
        )
        # Set up in this process (a command per step would cost seconds each); the load uses the CLI.
        from datetime import datetime

        from collector.contracts.book import apply_contracts, read_contracts_file
        from collector.helpdesk.staff.accounts import create_user
        from collector.ingest.enrolment import enroll
        from collector.storage.database import make_engine, migrate, writing

        engine = make_engine(f"sqlite:///{self.database}")
        migrate(engine)
        apply_contracts(engine, read_contracts_file(self.base / "contracts.toml"))
        now = datetime.fromisoformat(NOW)
        with writing(engine).begin() as conn:
            self.token = enroll(conn, "acme", now)
            for user in ("eva", "victim"):
                create_user(conn, user, PASSWORD, "engineer", now)
        engine.dispose()

    def cli(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [COMMAND, "collector", *args, *self.config],
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **(env or {})},
        )
        assert done.returncode == 0, f"collector {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout + done.stderr

    def start(self, role: str) -> None:
        args = {
            "serve": ["serve"],
            "worker": ["worker"],
            "mail": ["mail-intake", "--port", str(self.smtp_port)],
        }[role]
        log = (self.base / f"{role}.log").open("ab")
        self.running[role] = subprocess.Popen(
            [COMMAND, "collector", *args, *self.config], cwd=self.base, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        port = {"serve": self.http_port, "mail": self.smtp_port}.get(role)
        if port is not None:
            wait_for_port(port, timeout=90)

    def kill(self, role: str) -> None:
        process = self.running.pop(role)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)

    def stop_all(self) -> None:
        for role in list(self.running):
            process = self.running.pop(role)
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.base.glob("*.log")))
