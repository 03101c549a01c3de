"""Delivering reports: written to the spool first, then sent in order with a bearer token.

Spooling before sending means a crash or restart loses nothing; the collector de-duplicates by
report id, so a report sent twice (answer lost) is stored once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import requests

from agent.spool import Spool

log = logging.getLogger("prioritysupport.agent.push")
# The collector has the report already (e.g. a replay after a lost answer): delivered.
DELIVERED_STATUSES = {200, 201, 202, 204, 409}
# The collector will never accept this document: keeping it would block the queue forever.
REJECTED_STATUSES = {400, 413, 422}


@dataclass
class FlushResult:
    sent: int = 0
    rejected: int = 0
    remaining: int = 0
    error: str | None = None


class Pusher:
    def __init__(
        self,
        spool: Spool,
        url: str | None,
        token: str | None,
        verify: bool | str = True,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self.spool = spool
        self.url = url
        self.token = token
        self.verify = verify
        self.timeout = timeout
        self.session = session or requests.Session()
        self.last_success: float | None = None
        self.last_error: str | None = None

    def submit(self, sequence: int, report_id: str, body: bytes) -> FlushResult:
        """Spool the report, then try to deliver everything waiting, oldest first."""
        self.spool.put(sequence, report_id, body)
        return self.flush()

    def flush(self) -> FlushResult:
        outcome = FlushResult()
        if not self.url:
            outcome.remaining = self.spool.size
            outcome.error = "no collector configured"
            return outcome
        self.spool.enforce_bounds()
        pending = self.spool.pending()
        for index, item in enumerate(pending):
            try:
                response = self.session.post(
                    self.url,
                    data=item.read(),
                    headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
                    timeout=self.timeout,
                    verify=self.verify,
                )
            except requests.exceptions.SSLError:
                outcome.error = "TLS to the collector failed: check its certificate or collector.ca_bundle"
            except requests.RequestException as error:
                outcome.error = f"collector unreachable ({error.__class__.__name__})"
            except FileNotFoundError:
                continue
            else:
                if response.status_code in DELIVERED_STATUSES:
                    self.spool.remove(item)
                    outcome.sent += 1
                    continue
                if response.status_code in REJECTED_STATUSES:
                    log.error(
                        "collector rejected report %s with HTTP %d; dropped it: %s",
                        item.path.name,
                        response.status_code,
                        response.text[:300],
                    )
                    self.spool.remove(item)
                    outcome.rejected += 1
                    continue
                outcome.error = f"collector answered HTTP {response.status_code}"
            outcome.remaining = len(pending) - index
            break
        if outcome.error:
            self.last_error = outcome.error
            log.warning("push deferred: %s; %d report(s) wait in the spool", outcome.error, outcome.remaining)
        elif outcome.sent:
            self.last_success = time.time()
            self.last_error = None
        return outcome
