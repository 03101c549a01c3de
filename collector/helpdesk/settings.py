"""Helpdesk settings: defaults, overridable per process through `collector.extras["helpdesk"]` or env vars."""

from __future__ import annotations

import os
from dataclasses import dataclass

ENV_PREFIX = "PRIORITYSUPPORT_HELPDESK_"


@dataclass(frozen=True)
class HelpdeskSettings:
    # Behind the TLS proxy the cookies must be Secure; plain-HTTP tests switch it off.
    cookie_secure: bool = True
    # Signs sessions and form tokens; None: a random key kept in the database (shared by replicas).
    secret_key: str | None = None
    session_hours: float = 12.0
    max_attachment_bytes: int = 5 * 1024 * 1024
    max_attachments: int = 3
    # Web form: this many submissions per client address per window (in memory, per process).
    form_submissions: int = 5
    form_window_seconds: float = 600.0
    login_attempts: int = 5  # consecutive failures before an account is locked
    lockout_minutes: int = 15
    # The collector's management API (/api/v1/... except agent reports and the Alertmanager webhook) needs
    # staff sign-in or a staff token. Switch off only for a collector reachable by trusted callers alone.
    protect_management_api: bool = True
    mail_intake_host: str = "127.0.0.1"
    mail_intake_port: int = 2525

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> HelpdeskSettings:
        env = dict(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            return env.get(ENV_PREFIX + name.upper())

        defaults = cls()
        secure = get("cookie_secure")
        protect = get("protect_management_api")
        port = get("mail_intake_port")
        return cls(
            cookie_secure=defaults.cookie_secure
            if secure is None
            else secure.lower() in ("1", "true", "yes"),
            secret_key=get("secret_key") or None,
            protect_management_api=defaults.protect_management_api
            if protect is None
            else protect.lower() in ("1", "true", "yes"),
            mail_intake_host=get("mail_intake_host") or defaults.mail_intake_host,
            mail_intake_port=int(port) if port and port.isdigit() else defaults.mail_intake_port,
        )
