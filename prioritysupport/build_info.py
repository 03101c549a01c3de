"""build_info and process metrics for the agent's and the collector's /metrics: versions and restarts
(process_start_time_seconds), memory against the units' limits (process_resident_memory_bytes)."""

from __future__ import annotations

import importlib.metadata
import platform

from prometheus_client import CollectorRegistry, Gauge, ProcessCollector


def package_version() -> str:
    try:
        return importlib.metadata.version("prioritysupport")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout without installing
        return "unknown"


def register_process_metrics(registry: CollectorRegistry, component: str) -> None:
    """`prioritysupport_build_info{component,version,python_version} 1` plus the standard process_*."""
    info = Gauge(
        "prioritysupport_build_info",
        "Always 1; the labels say which component, version and Python run.",
        ("component", "version", "python_version"),
        registry=registry,
    )
    info.labels(component, package_version(), platform.python_version()).set(1)
    ProcessCollector(registry=registry)
