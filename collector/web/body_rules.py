"""The collector's body limits per route and the token checks made before a body is read."""

from __future__ import annotations

import asyncio
import hmac

from collector.helpdesk.settings import HelpdeskSettings
from collector.http.body_limits import Authorise, BodyRule, size_text
from collector.service import Collector

# Room for the form's text fields and the multipart framing next to the attachments.
FORM_OVERHEAD = 256 * 1024


def bearer(headers: dict[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def alertmanager_check(expected: str) -> Authorise:
    async def check(headers: dict[str, str]) -> str | None:
        token = bearer(headers)
        if token is None or not hmac.compare_digest(token.encode(), expected.encode()):
            return "send the Alertmanager token as 'Authorization: Bearer <token>'"
        return None

    return check


def client_api_check(collector: Collector) -> Authorise:
    from collector.helpdesk.public.clients import client_for_token

    def known(token: str) -> bool:
        with collector.engine.connect() as conn:
            return client_for_token(conn, token) is not None

    async def check(headers: dict[str, str]) -> str | None:
        token = bearer(headers)
        if token is None:
            return "send 'Authorization: Bearer <token>' with your API token"
        if not await asyncio.to_thread(known, token):
            return "the API token is unknown or revoked; ask your account manager for a new one"
        return None

    return check


def form_limit(settings: HelpdeskSettings) -> int:
    return settings.max_attachments * settings.max_attachment_bytes + FORM_OVERHEAD


def form_message(settings: HelpdeskSettings) -> str:
    total = size_text(form_limit(settings))
    count, each = settings.max_attachments, size_text(settings.max_attachment_bytes)
    return (
        f"Het formulier met bijlagen is groter dan {total}: stuur hoogstens {count} bestanden van "
        f"{each}. Ga terug om het opnieuw te proberen.\n"
        f"The form with its attachments is larger than {total}: send at most {count} files of {each}. "
        "Go back to try again.\n"
    )


def body_rules(collector: Collector, helpdesk: HelpdeskSettings) -> tuple[list[BodyRule], BodyRule]:
    """(rules per route, the rule for every other route)."""
    config = collector.config
    token = config.server.alertmanager_token
    rules = [
        BodyRule(
            "/api/v1/reports",
            config.server.max_report_bytes,
            "the report",
            "send fewer modules or checks",
        ),
        BodyRule(
            "/api/v1/alertmanager",
            config.http.max_alertmanager_bytes,
            "the Alertmanager notification",
            "lower max_alerts in the webhook receiver or raise http.max_alertmanager_bytes",
            alertmanager_check(token) if token else None,
        ),
        BodyRule(
            "/api/client/v1/",
            config.http.max_client_api_bytes,
            "the request",
            "shorten the text; attachments go through the web form",
            client_api_check(collector),
        ),
        BodyRule(
            "/melding", form_limit(helpdesk), "the form", "send smaller files", message=form_message(helpdesk)
        ),
    ]
    default = BodyRule("/", config.http.max_body_bytes, "the request body", "send less")
    return rules, default
