"""Helpers to fill in the public form like a browser does (cookie plus the token from the page)."""

from __future__ import annotations

import re
from typing import Any

import requests


def open_form(url: str, lang: str = "nl") -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{url}/melding?lang={lang}")
    assert page.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    return session, token.group(1)


def good_fields(**changes: str) -> dict[str, str]:
    fields = {
        "name": "Jan de Vries",
        "email": "jan@acme.example",
        "phone": "",
        "kind": "broken",
        "severity": "blocked",
        "reach": "everyone",
        "subject": "Niemand kan inloggen",
        "description": "Foutmelding 502 bij het inloggen.",
    }
    fields.update(changes)
    return fields


def submit(
    url: str, fields: dict[str, str], files: Any = None, lang: str = "nl", token: str | None = None
) -> requests.Response:
    session, csrf = open_form(url, lang)
    data = {**fields, "csrf": csrf if token is None else token}
    return session.post(f"{url}/melding?lang={lang}", data=data, files=files or [("attachments", ("", b""))])
