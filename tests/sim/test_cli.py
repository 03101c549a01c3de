"""`prioritysupport sim odoo` runs a simulator a client can use, and refuses bad options with a sentence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.sim.conftest import proxy
from tests.support.components import free_port, wait_for_port


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from prioritysupport.cli import main; main()", *args]


def test_sim_odoo_serves_until_stopped(tmp_path: Path) -> None:
    addons = tmp_path / "addons" / "my_module"
    addons.mkdir(parents=True)
    (addons / "__manifest__.py").write_text("{'name': 'Mine', 'author': 'Me'}\n")
    port = free_port()
    process = subprocess.Popen(
        _command(
            "sim",
            "odoo",
            "--port",
            str(port),
            "--version",
            "15.0",
            "--users",
            "3",
            "--db",
            "acme",
            "--addons-path",
            str(tmp_path / "addons"),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, timeout=20)
        common = proxy(f"http://127.0.0.1:{port}/xmlrpc/2/common")
        assert common.version()["server_version"] == "15.0"
        uid = common.authenticate("acme", "admin", "admin", {})
        models = proxy(f"http://127.0.0.1:{port}/xmlrpc/2/object")
        assert (
            models.execute_kw("acme", uid, "admin", "res.users", "search_count", [[("share", "=", False)]])
            == 3
        )
        installed = models.execute_kw(
            "acme",
            uid,
            "admin",
            "ir.module.module",
            "search_read",
            [[("state", "=", "installed")]],
            {"fields": ["name"]},
        )
        assert "my_module" in {row["name"] for row in installed}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sim_odoo_refuses_unknown_version() -> None:
    result = subprocess.run(
        _command("sim", "odoo", "--port", str(free_port()), "--version", "12.0"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "unsupported Odoo version '12.0'" in result.stderr and "Traceback" not in result.stderr
