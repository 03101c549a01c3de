"""Config errors name the key; secrets come from a private file or the environment and are never shown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agent.config import ConfigError, load_config

MINIMAL = """
agent_id = "a1"
[[instances]]
name = "prod"
url = "https://odoo.example.com"
database = "prod"
{secret}
"""


def _write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "agent.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_minimal_configuration_and_defaults(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, MINIMAL.format(secret='api_key = "s3cret"')), environ={})
    [instance] = config.instances
    assert (instance.login, instance.protocol, instance.secret_is_api_key) == ("admin", "auto", True)
    assert config.intervals.counts == 3600 and config.state_dir == tmp_path / "state"
    assert "s3cret" not in repr(config)


def test_readable_file_with_secrets_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.format(secret='api_key = "s3cret"'), mode=0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_config(path, environ={})


def test_secret_from_environment_allows_a_readable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.format(secret='api_key_env = "ODOO_KEY"'), mode=0o644)
    assert load_config(path, environ={"ODOO_KEY": "from-env"}).instances[0].secret == "from-env"
    with pytest.raises(ConfigError, match=r"instances\[0\].api_key_env names ODOO_KEY"):
        load_config(path, environ={})


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('api_key = "k"\ntimeout = "fast"', r"instances\[0\].timeout must be a number"),
        (
            'api_key = "k"\nprotocol = "soap"',
            r"instances\[0\].protocol is 'soap': use one of auto, xmlrpc, json2",
        ),
        ('api_key = "k"\ncolour = "blue"', r"instances\[0\].colour is not a known setting"),
        ("", r"instances\[0\].api_key is missing"),
        (
            'api_key = "k"\n[[instances.integrations]]\nname = "x"\ncheck = "http"',
            r"integrations\[0\].url is missing",
        ),
        (
            'api_key = "k"\n[[instances.integrations]]\nname = "x"\ncheck = "ftp"',
            r"integrations\[0\].check is 'ftp'",
        ),
    ],
)
def test_errors_name_the_key(tmp_path: Path, snippet: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, MINIMAL.format(secret=snippet)), environ={})


def test_check_config_command(tmp_path: Path) -> None:
    good = _write(tmp_path, MINIMAL.format(secret='api_key = "s3cret"'))
    command = [sys.executable, "-c", "from prioritysupport.cli import main; main()", "agent", "check-config"]
    ok = subprocess.run([*command, "--config", str(good)], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "valid" in ok.stdout and "s3cret" not in ok.stdout + ok.stderr
    broken = _write(tmp_path, "agent_id = [")
    bad = subprocess.run([*command, "--config", str(broken)], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "not valid TOML" in bad.stderr and "Traceback" not in bad.stderr
