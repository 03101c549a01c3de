"""The TOML configuration: defaults, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.config import ConfigError, load_config, parse_config


def test_defaults_put_sqlite_under_var(tmp_path: Path) -> None:
    config = parse_config({}, tmp_path)
    assert config.database_url == f"sqlite:///{tmp_path / 'var' / 'collector.db'}"
    assert config.server.host == "127.0.0.1"
    assert (tmp_path / "var").is_dir()


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"server": {"prot": 1}}, "server.prot"),
        ({"server": {"port": "80"}}, "server.port"),
        ({"server": {"port": True}}, "server.port"),
        ({"clock": {"mode": "accelerated"}}, "clock.start"),
        ({"clock": {"mode": "warp"}}, "clock.mode"),
        ({"monitoring": {"damping": {"disk": 0}}}, "monitoring.damping.disk"),
        ({"database": {"url": "mysql://x"}}, "database.url"),
        ({"nonsense": {}}, "nonsense"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, data: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        parse_config(data, tmp_path)


def test_accelerated_clock_and_relative_paths(tmp_path: Path) -> None:
    path = tmp_path / "collector.toml"
    path.write_text(
        '[clock]\nmode = "accelerated"\nstart = 2026-11-27T16:30:00+01:00\nfactor = 60\n'
        '[database]\nurl = "sqlite:///data/c.db"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.clock.factor == 60
    assert config.database_url.endswith(str(tmp_path / "data" / "c.db"))


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[server\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


def test_impact_scope_overrides_accept_dutch_and_name_the_key(tmp_path: Path) -> None:
    config = parse_config(
        {
            "monitoring": {
                "integration_overrides": {"webshop": {"impact": "hoog", "scope": "organisatie breed"}}
            }
        },
        tmp_path,
    )
    assert config.monitoring.integration_overrides == {"webshop": ("high", "organisation")}
    with pytest.raises(ConfigError, match=r'monitoring\.check_overrides\."odoo\.login"'):
        parse_config(
            {"monitoring": {"check_overrides": {"odoo.login": {"impact": "huge", "scope": "x"}}}}, tmp_path
        )
