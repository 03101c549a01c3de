"""Each check type is declared once (agent/checks/spec.py); all that lists check types derives from it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from agent.checks import registry
from agent.checks.integrations import INTEGRATIONS
from agent.config import _INTEGRATION_OPTIONS, ConfigError, parse_config
from agent.report import SCHEMA_PATH

ROOT = Path(__file__).resolve().parents[2]


def test_the_report_schema_kind_enum_is_the_registry() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    kind = schema["properties"]["checks"]["items"]["properties"]["kind"]
    assert kind["enum"] == registry.kind_names()


def test_the_derived_files_are_current() -> None:
    assert registry.main(["--check"]) == 0, "run: .venv/bin/python -m agent.checks.registry"
    assert json.loads(registry.KINDS_FILE.read_text(encoding="utf-8")) == registry.kinds_document()


def test_check_reports_a_stale_file_and_writing_fixes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    schema, kinds = tmp_path / "report-v1.json", tmp_path / "check-kinds.json"
    schema.write_text(SCHEMA_PATH.read_text(encoding="utf-8").replace('"disk", "host"', '"disk"'), "utf-8")
    monkeypatch.setattr(registry, "REPORT_SCHEMA", schema)
    monkeypatch.setattr(registry, "KINDS_FILE", kinds)
    assert registry.main(["--check"]) == 1
    assert "is stale" in capsys.readouterr().err
    assert registry.main([]) == 0 and registry.main(["--check"]) == 0
    assert schema.read_text(encoding="utf-8") == SCHEMA_PATH.read_text(encoding="utf-8")


def test_the_config_reads_the_options_each_spec_declares() -> None:
    assert list(_INTEGRATION_OPTIONS) == [spec.name for spec in INTEGRATIONS]
    for spec in INTEGRATIONS:
        assert spec.run is not None and spec.run.__name__ == f"check_{spec.name}"
        assert _INTEGRATION_OPTIONS[spec.name] == {option.name: option.types for option in spec.options}


def _document(**integration: object) -> dict[str, object]:
    instance = {"name": "prod", "url": "https://odoo.example", "database": "prod", "api_key": "k"}
    return {"agent_id": "a", "instances": [{**instance, "integrations": [{"name": "x", **integration}]}]}


def test_an_integration_takes_its_spec_defaults_and_its_options_own_tests(tmp_path: Path) -> None:
    config = parse_config(_document(check="odoo_cron", crons=["Mail"]), {}, tmp_path)
    [integration] = config.instances[0].integrations
    assert (integration.impact, integration.scope) == ("low", "multiple-users")
    with pytest.raises(
        ConfigError, match=r"integrations\[0\]\.crons must be a list of scheduled action names"
    ):
        parse_config(_document(check="odoo_cron", crons=[1]), {}, tmp_path)
    with pytest.raises(ConfigError, match=r"integrations\[0\]\.url must start with https:// or http://"):
        parse_config(_document(check="http", url="ftp://x"), {}, tmp_path)


def test_the_agent_imports_nothing_of_the_collector_or_the_alerts() -> None:
    for path in (ROOT / "agent").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name.split(".")[0] in ("collector", "alerts") for name in names), path
