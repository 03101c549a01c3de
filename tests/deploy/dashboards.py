"""Loads deploy/grafana/build_dashboards.py (a script, not a package) and lists every panel query."""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass
from types import ModuleType

from tests.deploy.components import DEPLOY

GRAFANA = DEPLOY / "grafana"


def load_builder() -> ModuleType:
    name = "prioritysupport_build_dashboards"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GRAFANA / "build_dashboards.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    expr: str

    @property
    def label(self) -> str:
        return f"{self.dashboard} / {self.panel}: {self.expr}"


def panel_queries() -> list[PanelQuery]:
    """Every query of every committed dashboard, with Grafana's variables expanded as 'All' would."""
    substitutions = load_builder().TEST_SUBSTITUTIONS
    queries = []
    for path in sorted((GRAFANA / "dashboards").glob("*.json")):
        model = json.loads(path.read_text(encoding="utf-8"))
        for panel in model["panels"]:
            for target in panel["targets"]:
                expr = target["expr"]
                for variable in sorted(substitutions, key=len, reverse=True):
                    expr = expr.replace(variable, substitutions[variable])
                queries.append(PanelQuery(model["title"], panel["title"], expr))
    return queries
