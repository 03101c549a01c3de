"""HTTP for the Odoo client: one requests session with timeouts, CA bundle and bounded retries."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

from agent.odoo.errors import ServerDown

USER_AGENT = "prioritysupport-agent/1"


@dataclass(frozen=True)
class TransportSettings:
    timeout: float = 10.0
    retries: int = 1  # extra attempts after a connection failure or timeout
    backoff: float = 0.3  # seconds, doubled per attempt
    verify: bool | str = True  # True, False or the path of a CA bundle


class HttpTransport:
    """Retries only when nothing answered; an answer (even an error) is returned as it is."""

    def __init__(self, settings: TransportSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        attempts = 1 + max(self.settings.retries, 0)
        last: Exception | None = None
        for attempt in range(attempts):
            try:
                return self.session.request(
                    method, url, timeout=self.settings.timeout, verify=self.settings.verify, **kwargs
                )
            except requests.Timeout as error:
                last = error
            except requests.ConnectionError as error:
                last = error
            if attempt + 1 < attempts:
                time.sleep(self.settings.backoff * (2**attempt))
        raise ServerDown(_describe(url, last, self.settings.timeout)) from last

    def close(self) -> None:
        self.session.close()


def _describe(url: str, error: Exception | None, timeout: float) -> str:
    if isinstance(error, requests.exceptions.SSLError):
        return f"TLS to {url} failed ({error.__class__.__name__}): check the certificate or the CA bundle"
    if isinstance(error, requests.Timeout):
        return f"{url} did not answer within {timeout:g} s"
    text = str(error)
    if "Connection refused" in text:
        reason = "connection refused"
    elif "reset" in text.lower() or "RemoteDisconnected" in text or "aborted" in text.lower():
        reason = "connection reset"
    elif "Name or service not known" in text or "Failed to resolve" in text:
        reason = "host name not found"
    else:
        reason = error.__class__.__name__ if error else "no answer"
    return f"{url} is unreachable ({reason})"
