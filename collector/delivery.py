"""The alerts/ delivery worker, built from the [notifications] settings."""

from __future__ import annotations

import logging
from pathlib import Path

from alerts.channels import ChannelBook, ChannelConfigError, SmtpSettings
from alerts.oncall import RotaError, load_rota
from alerts.outbox import Outbox
from alerts.worker import DeliveryWorker
from collector.config import ConfigError, NotificationSettings

log = logging.getLogger("prioritysupport.collector")


def build_delivery_worker(settings: NotificationSettings, outbox: Outbox) -> DeliveryWorker | None:
    """The worker for the configured channels; ConfigError (naming the key) when a file cannot be used."""
    try:
        return _build(settings, outbox)
    except RotaError as exc:
        raise ConfigError(f"notifications.rota: {exc}") from None
    except ChannelConfigError as exc:
        raise ConfigError(f"notifications.apprise_config: {exc}") from None


def _build(settings: NotificationSettings, outbox: Outbox) -> DeliveryWorker | None:
    smtp = (
        SmtpSettings(host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_sender)
        if settings.smtp_host
        else None
    )
    people, lookup = None, None
    if settings.rota:
        rota = load_rota(Path(settings.rota))
        people, lookup = dict(rota.notify_urls()), rota.person_on_call
    if settings.apprise_config:
        channels = ChannelBook.from_yaml(Path(settings.apprise_config), smtp=smtp, people=people, rota=lookup)
    elif smtp is not None or people:
        channels = ChannelBook(smtp=smtp, people=people, rota=lookup)
    else:
        log.warning("no [notifications] channels configured: notifications are stored but not delivered")
        return None
    return DeliveryWorker(outbox, channels)
