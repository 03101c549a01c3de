"""The demo's HTTP client: it uses the collector the way people do (web form with CSRF, staff sign-in,
the JSON API), never its Python internals."""

from __future__ import annotations

import re
from typing import Any

import requests

TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
NUMBER = re.compile(r'id="ticket-number">(PS-\d{4}-\d{5})<')


class DemoClientError(RuntimeError):
    """The collector answered something the demo did not expect (the message says what)."""


class CollectorClient:
    def __init__(self, url: str, staff_token: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout
        # The management API is staff-only: the demo reads it with a staff token, like an operator script.
        self._api = requests.Session()
        self._api.headers["Authorization"] = f"Bearer {staff_token}"

    # -- JSON API --------------------------------------------------------------------------------------

    def tickets(self, customer: str | None = None) -> list[dict[str, Any]]:
        params = {"customer": customer} if customer else {}
        answer = self._api.get(f"{self.url}/api/v1/tickets", params=params, timeout=self.timeout)
        answer.raise_for_status()
        return list(answer.json())

    def ticket(self, number: str) -> dict[str, Any]:
        answer = self._api.get(f"{self.url}/api/v1/tickets/{number}", timeout=self.timeout)
        answer.raise_for_status()
        return dict(answer.json())

    def customer(self, key: str) -> dict[str, Any]:
        answer = self._api.get(f"{self.url}/api/v1/customers/{key}", timeout=self.timeout)
        answer.raise_for_status()
        return dict(answer.json())

    # -- the public web form ---------------------------------------------------------------------------

    def submit_form(self, fields: dict[str, str], lang: str = "nl") -> str:
        """Fill in /melding like a browser (cookie plus the form's CSRF token); returns the ticket number."""
        session = requests.Session()
        page = session.get(f"{self.url}/melding", params={"lang": lang}, timeout=self.timeout)
        token = TOKEN.search(page.text)
        if token is None:
            raise DemoClientError("the web form carries no CSRF token")
        answer = session.post(
            f"{self.url}/melding",
            params={"lang": lang},
            data={**fields, "csrf": token.group(1)},
            files=[("attachments", ("", b""))],
            timeout=self.timeout,
        )
        found = NUMBER.search(answer.text)
        if found is None:
            raise DemoClientError(f"the web form did not confirm a ticket (HTTP {answer.status_code})")
        return found.group(1)

    # -- staff pages -----------------------------------------------------------------------------------

    def staff_session(self, username: str, password: str) -> requests.Session:
        session = requests.Session()
        answer = session.post(
            f"{self.url}/staff/login",
            data={"username": username, "password": password},
            allow_redirects=False,
            timeout=self.timeout,
        )
        if answer.status_code != 303:
            raise DemoClientError(f"staff sign-in failed (HTTP {answer.status_code})")
        return session

    def staff_action(self, session: requests.Session, number: str, action: str, **fields: str) -> None:
        page = session.get(f"{self.url}/staff/tickets/{number}", timeout=self.timeout)
        token = TOKEN.search(page.text)
        if token is None:
            raise DemoClientError(f"the staff page of {number} carries no CSRF token")
        answer = session.post(
            f"{self.url}/staff/tickets/{number}/action",
            data={"csrf": token.group(1), "action": action, **fields},
            allow_redirects=False,
            timeout=self.timeout,
        )
        if answer.status_code >= 400:
            raise DemoClientError(f"staff action {action} on {number} failed (HTTP {answer.status_code})")
