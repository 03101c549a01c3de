"""The policy a running collector decides by: one catalogue and the SLA policy built from it, as one value.

It is built once, from the `[policy] catalogue` setting, and handed to whatever needs it (like the clock),
so a deployment's catalogue reaches every deadline, calendar, limit and evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from collector.policy.calendars import BusinessCalendar
from collector.policy.catalogue import Catalogue, load_catalogue
from collector.policy.sla import SlaPolicy


@dataclass(frozen=True)
class Policy:
    catalogue: Catalogue
    sla: SlaPolicy

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> Policy:
        return cls(catalogue, SlaPolicy.from_catalogue(catalogue))

    @property
    def source(self) -> str:
        """The file the catalogue came from (the override, or the shipped default)."""
        return self.catalogue.source

    def calendar(self, name: str) -> BusinessCalendar:
        """The support or premium business calendar by name."""
        return self.sla.calendar(name)


def load_policy(path: Path | None = None) -> Policy:
    """The shipped catalogue with the override file at `path` merged over it; CatalogueError when bad."""
    return Policy.from_catalogue(load_catalogue(path))
