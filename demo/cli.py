"""Command-line registration (placeholder until this package's commands land)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the root application."""
