"""docs/operating.md sections 1 and 2 run as written: their `sh` blocks, taken from the document, as root
under a scratch $ROOT, ending with the collector running as the non-root user `prioritysupport`, answering
/healthz, a staff sign-in, and an enrolled agent's token accepted.

What the test supplies (tests/deploy/install_shims, first in PATH): apt-get does nothing (packages are the
machine's); `python3 -m venv` makes a stand-in venv whose pip checks its arguments and whose prioritysupport
is this checkout's; systemctl starts a unit the way systemd would, inside $ROOT; curl reaches the test's
port. The one "edit the file" step a human does is the test's too: paths under $ROOT and a free port in
collector.toml. The user `prioritysupport` is created for real by the documented systemd-sysusers step.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.deploy.components import REPO
from tests.support.components import free_port, in_ci, require_binary

DOC = REPO / "docs" / "operating.md"
SHIMS = Path(__file__).with_name("install_shims")
SKIP = "<!-- install-test: skip"
PASSWORD = "install-test-password-42"


@dataclass(frozen=True)
class Block:
    section: str
    code: str


def doc_blocks(text: str) -> list[Block]:
    """The `sh` blocks of each numbered section, in order; a block right after a skip comment is left out."""
    blocks = []
    section = ""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            section = line[3:].split(".")[0]
        if line.strip() == "```sh":
            end = lines.index("```", index + 1)
            skipped = index > 0 and lines[index - 1].startswith(SKIP)
            if not skipped:
                blocks.append(Block(section, "\n".join(lines[index + 1 : end])))
            index = end
        index += 1
    return blocks


def test_block_extraction_follows_the_document() -> None:
    blocks = doc_blocks(DOC.read_text(encoding="utf-8"))
    collector = [b.code for b in blocks if b.section == "1"]
    assert any("systemctl enable --now prioritysupport-collector" in code for code in collector)
    assert any("collector add-user" in code for code in collector)
    assert not any("agent once" in b.code for b in blocks)  # marked: needs the customer's Odoo
    assert all(
        "$ROOT" in b.code or "apt-get" in b.code or "curl" in b.code for b in blocks if b.section in "12"
    )


@dataclass
class Install:
    root: Path
    env: dict[str, str]
    port: int
    outputs: list[str]

    def run(self, code: str) -> str:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", code],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        logs = "".join(p.read_text(errors="replace")[-3000:] for p in (self.root / "run").glob("*.log"))
        assert done.returncode == 0, (
            f"documented commands failed:\n{code}\n{done.stdout}\n{done.stderr}\n{logs}"
        )
        self.outputs.append(done.stdout)
        return done.stdout

    def adapt_collector_config(self) -> None:
        """The human edit: paths under $ROOT and the test's port (same file: owner and mode stay)."""
        path = self.root / "etc" / "prioritysupport" / "collector.toml"
        text = path.read_text(encoding="utf-8")
        for folder in ("/var/lib/prioritysupport", "/etc/prioritysupport", "/var/backups"):
            text = text.replace(f'"{folder}', f'"{self.root}{folder}').replace(
                f"sqlite:///{folder}", f"sqlite:///{self.root}{folder}"
            )
        text = text.replace("port = 8480", f"port = {self.port}")
        with path.open("r+", encoding="utf-8") as handle:
            handle.write(text)
            handle.truncate()


def _scratch_root() -> Path:
    # Not under pytest's tmp_path (mode 0700 in root's folder): the service user must reach its files.
    root = Path(tempfile.mkdtemp(prefix="ps-install-"))
    root.chmod(0o755)
    return root


def _stop_services(root: Path) -> None:
    for pid_file in (root / "run").glob("*.pid") if (root / "run").exists() else []:
        pid = int(pid_file.read_text(encoding="utf-8"))
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def install() -> Iterator[Install]:
    if os.geteuid() != 0:  # CI and the dev machines are root
        (pytest.fail if in_ci() else pytest.skip)(
            "the documented install runs as root: run the tests as root"
        )
    for tool in ("systemd-sysusers", "setpriv", "runuser"):
        require_binary(tool)
    root = _scratch_root()
    port = free_port()
    env = {
        "PATH": f"{SHIMS}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "ROOT": str(root),
        "HOME": str(root),
        "LANG": "C.UTF-8",
        "PS_INSTALL_TEST_SHIMS": str(SHIMS),
        "PS_INSTALL_TEST_PORT": str(port),
        "PS_INSTALL_TEST_PYTHON": require_binary("/usr/bin/python3.11", "python3.11"),
        "PS_INSTALL_TEST_SITE": sysconfig.get_paths()["purelib"],
        "PRIORITYSUPPORT_NEW_PASSWORD": PASSWORD,
    }
    try:
        yield Install(root, env, port, [])
    finally:
        _stop_services(root)
        shutil.rmtree(root, ignore_errors=True)


def _wait_healthy(url: str, root: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    log = root / "run" / "prioritysupport-collector.log"
    raise AssertionError(f"no /healthz after {timeout} s:\n{log.read_text() if log.exists() else ''}")


def _post(url: str, data: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_documented_collector_install_runs_as_written(install: Install) -> None:
    blocks = [b.code for b in doc_blocks(DOC.read_text(encoding="utf-8")) if b.section == "1"]
    root = install.root
    config_dir = root / "etc" / "prioritysupport"
    for code in blocks:
        if "systemctl enable --now prioritysupport-collector" in code:
            install.adapt_collector_config()
        install.run(code)
        if "collector.toml" in code and (config_dir / "collector.toml").exists() and "sed -i" in code:
            text = (config_dir / "collector.toml").read_text(encoding="utf-8")
            assert re.search(r'^ack_secret = "[0-9a-f]{64}"$', text, re.M), "ack_secret not set"
            assert re.search(r'^alertmanager_token = "[0-9a-f]{64}"$', text, re.M)
        if "curl" in code:
            _wait_healthy(f"http://127.0.0.1:{install.port}", root)

    service = subprocess.run(["id", "-u", "prioritysupport"], capture_output=True, text=True, check=True)
    uid = int(service.stdout)
    assert uid != 0
    # The folder and files: root's, readable by the service's group, by nobody else.
    folder = config_dir.stat()
    assert (folder.st_uid, stat.S_IMODE(folder.st_mode)) == (0, 0o750)
    for path in config_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path.name
        assert path.stat().st_gid == folder.st_gid, path.name
    # The collector runs as that user and owns its database.
    pid = int((root / "run" / "prioritysupport-collector.pid").read_text(encoding="utf-8"))
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    assert re.search(rf"^Uid:\s+{uid}\s", status, re.M), status
    assert (root / "var" / "lib" / "prioritysupport" / "collector.db").stat().st_uid == uid

    url = f"http://127.0.0.1:{install.port}"
    _wait_healthy(url, root)
    form = f"username=admin&password={PASSWORD}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert _post(f"{url}/staff/login", form, headers) == 303  # signed in, sent on to the queue
    assert _post(f"{url}/staff/login", b"username=admin&password=wrong", headers) != 303

    token = re.search(r"^([A-Za-z0-9_\-]{32,})$", "\n".join(install.outputs), re.M)
    assert token, "enroll-agent printed no token"
    report = f"{url}/api/v1/reports"
    json_headers = {"Content-Type": "application/json"}
    # The enrolled token passes authentication (the empty report is then refused for its content).
    assert _post(report, b"{}", {**json_headers, "Authorization": f"Bearer {token.group(1)}"}) == 422
    assert _post(report, b"{}", {**json_headers, "Authorization": "Bearer not-a-token"}) == 401


def test_the_documented_agent_install_runs_as_written(install: Install) -> None:
    for block in doc_blocks(DOC.read_text(encoding="utf-8")):
        if block.section == "2":
            install.run(block.code)
    agent_toml = install.root / "etc" / "prioritysupport" / "agent.toml"
    assert stat.S_IMODE(agent_toml.stat().st_mode) == 0o600
    assert stat.S_IMODE(agent_toml.parent.stat().st_mode) == 0o700
    assert (install.root / "etc" / "systemd" / "system" / "prioritysupport-agent.service").exists()
