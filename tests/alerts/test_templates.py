"""Every kind has a Dutch and an English text with a subject, a plain body and an HTML body."""

from __future__ import annotations

import pytest

from alerts.model import KINDS
from alerts.templates import available, render

VALUES = {
    "subject_ref": "PS-42",
    "customer": "Bakkerij <De Korst> & Zn",
    "priority": "A",
    "summary": "Odoo antwoordt niet",
    "contact": "Mevr. Jansen",
    "usage": "27 users",
    "limit": "25 users",
    "package": "Plus",
    "reply": "We hebben het opgelost.",
    "ack_url": "https://support.example/ack/abc",
    "step": 1,
    "waited": "15 min",
}

INTERNAL_REF_KINDS = ("limit_warning", "package_advice")


def test_every_kind_exists_in_both_languages() -> None:
    names = available()
    for language in ("nl", "en"):
        assert set(KINDS) <= set(names[language])


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_renders_subject_text_and_escaped_html(kind: str, language: str) -> None:
    message = render(kind, language, {"kind": kind, **VALUES})
    if kind in INTERNAL_REF_KINDS:  # their subject_ref is an internal key (limits:1:users): never shown
        assert "PS-42" not in message.subject + message.text + message.html
    else:
        assert "PS-42" in message.subject + message.text
    assert message.text and "<p>" in message.html
    assert "<De Korst>" not in message.html  # autoescaped in HTML
    if "customer" in message.text or "De Korst" in message.text:
        assert "&lt;" not in message.text  # plain text shows characters as they are


def test_page_carries_the_ack_link() -> None:
    assert "https://support.example/ack/abc" in render("page", "en", VALUES).text
    assert 'href="https://support.example/ack/abc"' in render("page", "nl", VALUES).html


def test_unknown_template_falls_back_to_generic() -> None:
    assert render("something_new", "en", {"kind": "something_new", "subject_ref": "X-1"}).subject == (
        "something_new: X-1"
    )
