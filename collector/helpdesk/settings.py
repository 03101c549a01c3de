"""Helpdesk settings: defaults, overridable per process through `collector.extras["helpdesk"]` or env vars."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

ENV_PREFIX = "PRIORITYSUPPORT_HELPDESK_"
_TRUE = ("1", "true", "yes")


def _help(text: str, *, env: bool = False, secret: bool = False) -> dict[str, Any]:
    """Field metadata: the reference's one-line help; `env`: read from PRIORITYSUPPORT_HELPDESK_<NAME>."""
    return {"help": text, "env": env, "secret": secret}


@dataclass(frozen=True)
class HelpdeskSettings:
    # Behind the TLS proxy the cookies must be Secure; plain-HTTP tests switch it off.
    cookie_secure: bool = field(
        default=True,
        metadata=_help("Mark session cookies Secure (switch off only for plain HTTP).", env=True),
    )
    # Signs sessions and form tokens; None: a random key kept in the database (shared by replicas).
    secret_key: str | None = field(
        default=None,
        metadata=_help(
            "Signs sessions and form tokens; unset: a random key kept in the database.", env=True, secret=True
        ),
    )
    session_hours: float = field(default=12.0, metadata=_help("Hours a staff or customer session lasts."))
    max_attachment_bytes: int = field(
        default=5 * 1024 * 1024, metadata=_help("Largest attachment of a web form submission, in bytes.")
    )
    max_attachments: int = field(default=3, metadata=_help("Attachments per web form submission."))
    max_ticket_attachment_bytes: int = field(
        default=20 * 1024 * 1024,
        metadata=_help("All attachments of one ticket together (web form and mail), in bytes."),
    )
    # Web form: this many submissions per client address per window (in memory, per process).
    form_submissions: int = field(
        default=5, metadata=_help("Web form submissions per client address per window.")
    )
    form_window_seconds: float = field(default=600.0, metadata=_help("Length of that window in seconds."))
    # Refused posts (typos, a stale page) count separately and far more leniently.
    form_attempts: int = field(
        default=30, metadata=_help("Web form posts of any outcome per client address per window.")
    )
    login_attempts: int = field(
        default=5, metadata=_help("Consecutive failed sign-ins before an account is locked.")
    )
    lockout_minutes: int = field(default=15, metadata=_help("Minutes an account stays locked."))
    # The collector's management API (/api/v1/... except agent reports and the Alertmanager webhook) needs
    # staff sign-in or a staff token. Switch off only for a collector reachable by trusted callers alone.
    protect_management_api: bool = field(
        default=True,
        metadata=_help("The management API needs staff sign-in or a staff token.", env=True),
    )
    mail_intake_host: str = field(
        default="127.0.0.1", metadata=_help("Address the SMTP mail intake listens on.", env=True)
    )
    mail_intake_port: int = field(
        default=2525, metadata=_help("Port the SMTP mail intake listens on.", env=True)
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> HelpdeskSettings:
        """The fields marked `env` from PRIORITYSUPPORT_HELPDESK_<NAME>; unset or unusable: the default."""
        env = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for setting in fields(cls):
            if not setting.metadata.get("env"):
                continue
            text = env.get(env_variable(setting.name))
            values[setting.name] = _from_text(text, setting.type, setting.default)
        return cls(**values)


def env_variable(name: str) -> str:
    return ENV_PREFIX + name.upper()


def _from_text(text: str | None, annotation: object, default: Any) -> Any:
    # Annotations are strings here (postponed evaluation).
    if annotation == "bool":
        return default if text is None else text.lower() in _TRUE
    if annotation == "int":
        return int(text) if text and text.isdigit() else default
    if annotation in ("str", "str | None"):
        return text or default
    raise TypeError(f"no environment parsing for a {annotation} setting")  # a programming error
