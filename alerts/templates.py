"""Notification texts: Jinja2, Dutch and English, per kind; a subject, a plain text body and an HTML body.

Each template file (`templates/<language>/<kind>.j2`) defines three blocks: subject, text and html.
A missing value renders empty rather than failing: a page with a blank field beats no page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).with_name("templates")
FALLBACK = "generic"


class TemplateMissing(LookupError):
    """No template for this name and language."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=4)
def _environment(directory: str) -> Any:
    import jinja2

    from alerts import page_text

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=jinja2.select_autoescape(enabled_extensions=("j2",), default_for_string=False),
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    # Times as people read them (Amsterdam, weekday, to the minute) and the lock-screen first line.
    env.filters["when"] = page_text.when
    env.globals["deadline_text"] = page_text.deadline_text
    env.globals["headline"] = page_text.headline
    return env


def _block(template: Any, name: str, values: dict[str, Any], escape: bool) -> str:
    import markupsafe

    context = template.new_context(dict(values))
    rendered = "".join(template.blocks[name](context)) if name in template.blocks else ""
    # Autoescaping is right for HTML; the subject and plain text must show characters as they are.
    return rendered.strip() if escape else markupsafe.Markup(rendered).unescape().strip()


def render(
    template: str, language: str, values: dict[str, Any], directory: Path = TEMPLATE_DIR
) -> RenderedMessage:
    """Render one message. Unknown template names fall back to the generic template of the language."""
    import jinja2

    env = _environment(str(directory))
    try:
        tmpl = env.get_template(f"{language}/{template}.j2")
    except jinja2.TemplateNotFound:
        try:
            tmpl = env.get_template(f"{language}/{FALLBACK}.j2")
        except jinja2.TemplateNotFound as error:
            raise TemplateMissing(f"no template '{template}' for language '{language}'") from error
    return RenderedMessage(
        subject=_block(tmpl, "subject", values, escape=False),
        text=_block(tmpl, "text", values, escape=False),
        html=_block(tmpl, "html", values, escape=True),
    )


def available(directory: Path = TEMPLATE_DIR) -> dict[str, list[str]]:
    """Template names per language (for docs and tests)."""
    return {
        lang.name: sorted(p.stem for p in lang.glob("*.j2") if not p.stem.startswith("_"))  # _: shared parts
        for lang in sorted(directory.iterdir())
        if lang.is_dir()
    }
