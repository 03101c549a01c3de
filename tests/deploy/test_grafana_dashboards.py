"""Committed dashboards: the generator's output, on the provisioned datasource, with valid PromQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.deploy.components import DEPLOY, Prometheus, load_yaml, prometheus_server
from tests.deploy.dashboards import GRAFANA, load_builder, panel_queries


def test_committed_json_matches_the_generator() -> None:
    builder = load_builder()
    for dashboard in builder.DASHBOARDS:
        committed = (GRAFANA / "dashboards" / builder.file_name(dashboard)).read_text(encoding="utf-8")
        assert committed == builder.render_text(dashboard), (
            f"{builder.file_name(dashboard)} is stale: run python deploy/grafana/build_dashboards.py"
        )


def test_the_four_dashboards_exist_with_unique_uids() -> None:
    models = [json.loads(path.read_text()) for path in (GRAFANA / "dashboards").glob("*.json")]
    titles = {model["title"].split(" / ")[-1] for model in models}
    assert titles == {"Customers", "SLA", "Fleet", "Notifications"}
    assert len({model["uid"] for model in models}) == len(models)


def test_panels_use_the_provisioned_datasource() -> None:
    provisioned = load_yaml(GRAFANA / "provisioning" / "datasources" / "prometheus.yml")
    uid = provisioned["datasources"][0]["uid"]
    for path in (GRAFANA / "dashboards").glob("*.json"):
        for panel in json.loads(path.read_text())["panels"]:
            assert panel["datasource"]["uid"] == uid, panel["title"]
            assert all(target["datasource"]["uid"] == uid for target in panel["targets"])


def test_panels_do_not_overlap() -> None:
    for path in (GRAFANA / "dashboards").glob("*.json"):
        cells: set[tuple[int, int]] = set()
        for panel in json.loads(path.read_text())["panels"]:
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24, panel["title"]
            mine = {
                (x, y)
                for x in range(grid["x"], grid["x"] + grid["w"])
                for y in range(grid["y"], grid["y"] + grid["h"])
            }
            assert not cells & mine, f"{path.name}: {panel['title']} overlaps another panel"
            cells |= mine


@pytest.fixture(scope="module")
def empty_prometheus() -> Iterator[Prometheus]:
    with prometheus_server() as server:
        yield server


def test_every_panel_query_parses_as_promql(empty_prometheus: Prometheus) -> None:
    queries = panel_queries()
    assert len(queries) >= 20
    failures = []
    for query in queries:
        status, body = empty_prometheus.query(query.expr)
        if status != 200:
            failures.append(f"{query.label} -> {body.get('error')}")
    assert not failures, "\n".join(failures)


def test_a_broken_query_is_caught(empty_prometheus: Prometheus) -> None:
    status, body = empty_prometheus.query("sum(prioritysupport_odoo_up")
    assert status == 400 and body["errorType"] == "bad_data"


def _sdk_round_trip(model: dict[str, Any]) -> list[str]:
    """What grafana-foundation-sdk's typed models do not keep of a dashboard: keys its schema does not know
    (for the panel's own type: options of a stat on a time series are dropped) and changed values."""
    from grafana_foundation_sdk.cog import plugins
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models.dashboard import Dashboard

    plugins.register_default_plugins()
    kept = json.loads(json.dumps(Dashboard.from_json(model), cls=JSONEncoder))
    return _lost(model, kept, "")


def _lost(given: Any, kept: Any, path: str) -> list[str]:
    if isinstance(given, dict):
        if not isinstance(kept, dict):
            return [f"{path}: not an object"]
        return [
            lost
            for key, value in given.items()
            for lost in ([f"{path}/{key}"] if key not in kept else _lost(value, kept[key], f"{path}/{key}"))
        ]
    if isinstance(given, list):
        if not isinstance(kept, list) or len(given) != len(kept):
            return [f"{path}: list changed"]
        return [
            lost
            for i, (a, b) in enumerate(zip(given, kept, strict=True))
            for lost in _lost(a, b, f"{path}[{i}]")
        ]
    return [] if given is None or given == kept else [f"{path}: {given!r} became {kept!r}"]


def test_dashboards_pass_the_grafana_schema() -> None:
    """grafana-foundation-sdk (Grafana's own schema as Python types) as the validator: every key of every
    dashboard, panel (per its type), target and variable survives its models unchanged."""
    from grafana_foundation_sdk.models.dashboard import Dashboard
    from grafana_foundation_sdk.models.prometheus import Dataquery

    for path in sorted((GRAFANA / "dashboards").glob("*.json")):
        model = json.loads(path.read_text(encoding="utf-8"))
        assert _sdk_round_trip(model) == [], path.name
        for panel in Dashboard.from_json(model).panels or []:
            assert all(isinstance(target, Dataquery) for target in getattr(panel, "targets", None) or [])


def test_the_schema_check_catches_a_wrong_option_and_an_unknown_key() -> None:
    model = json.loads((GRAFANA / "dashboards" / "fleet.json").read_text(encoding="utf-8"))
    panel = next(p for p in model["panels"] if p["type"] == "timeseries")
    panel["options"]["reduceOptions"] = {"calcs": ["lastNotNull"]}  # a stat's option on a time series
    panel["gridPos"]["wide"] = 3
    assert sorted(_sdk_round_trip(model)) == sorted(
        [f"/panels[{model['panels'].index(panel)}]/options/reduceOptions",
         f"/panels[{model['panels'].index(panel)}]/gridPos/wide"]
    )  # fmt: skip


def test_every_recording_rule_is_used() -> None:
    rules = DEPLOY / "prometheus" / "rules"
    recorded = [r["record"] for g in load_yaml(rules / "recording.yml")["groups"] for r in g["rules"]]
    alerts = (rules / "alerts.yml").read_text(encoding="utf-8")
    panels = " ".join(query.expr for query in panel_queries())
    unused = [name for name in recorded if name not in alerts and name not in panels]
    assert not unused, f"recording rules used by no alert and no panel: {unused}"
