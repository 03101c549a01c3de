"""What every helpdesk route needs: the collector, the settings, the signer, the page renderer, limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collector.helpdesk.ratelimit import RateLimiter
from collector.helpdesk.settings import HelpdeskSettings
from collector.helpdesk.signing import Signer
from collector.service import Collector

TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class Helpdesk:
    collector: Collector
    settings: HelpdeskSettings
    signer: Signer
    form_limiter: RateLimiter
    pages: Any  # jinja2.Environment

    def render(self, name: str, **values: Any) -> str:
        return str(self.pages.get_template(name).render(**values))


def page_environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
