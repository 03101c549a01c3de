"""What every helpdesk route needs: the collector, the settings, the signer, the page renderer, limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse

from collector.helpdesk.ratelimit import RateLimiter
from collector.helpdesk.settings import HelpdeskSettings
from collector.helpdesk.signing import Signer
from collector.http.page_headers import PAGE_HEADERS
from collector.service import Collector

TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class Helpdesk:
    collector: Collector
    settings: HelpdeskSettings
    signer: Signer
    form_limiter: RateLimiter  # accepted web form posts
    login_limiter: RateLimiter
    pages: Any  # jinja2.Environment
    form_attempts: RateLimiter | None = None  # every web form post, however it ends

    def render(self, name: str, **values: Any) -> str:
        return str(self.pages.get_template(name).render(**values))

    def html(self, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        """A rendered page with the headers every helpdesk page carries."""
        return HTMLResponse(self.render(name, **values), status_code=status, headers=PAGE_HEADERS)


def page_environment(install_filters: Callable[[Any], None]) -> Any:
    """The pages' Jinja environment; `install_filters` adds the staff pages' filters (times, names)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_filters(environment)
    return environment
