"""Committed dashboards: the generator's output, on the provisioned datasource, with valid PromQL."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.deploy.components import Prometheus, load_yaml, prometheus_server
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
