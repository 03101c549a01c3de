"""Imports inside the collector point down: http -> service (composition) -> services -> policy, storage."""

from __future__ import annotations

import grimp
import pytest

SERVICES = ("ingest", "monitoring", "tickets", "routing", "contracts", "evaluation", "policy", "storage")
ABOVE_SERVICES = ("collector.http", "collector.helpdesk", "collector.service")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("collector", "alerts")


def _upward(graph: grimp.ImportGraph, importer: str, above: tuple[str, ...]) -> list[str]:
    modules = graph.find_descendants(importer) | {importer}
    return sorted(
        f"{module} imports {imported}"
        for module in modules
        for imported in graph.find_modules_directly_imported_by(module)
        if any(imported == top or imported.startswith(f"{top}.") for top in above)
    )


@pytest.mark.parametrize("package", SERVICES)
def test_services_import_nothing_above_them(graph: grimp.ImportGraph, package: str) -> None:
    assert _upward(graph, f"collector.{package}", ABOVE_SERVICES) == []


def test_the_composition_does_not_import_the_http_layer(graph: grimp.ImportGraph) -> None:
    assert _upward(graph, "collector.service", ("collector.http", "collector.helpdesk")) == []
