"""The alerts/ delivery worker, built from the [notifications] settings."""

from __future__ import annotations

import logging
from pathlib import Path

from alerts.channels import ChannelBook, SmtpSettings
from alerts.worker import DeliveryWorker
from collector.service import Collector

log = logging.getLogger("prioritysupport.collector")


def build_delivery_worker(collector: Collector) -> DeliveryWorker | None:
    settings = collector.config.notifications
    smtp = (
        SmtpSettings(host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_sender)
        if settings.smtp_host
        else None
    )
    if settings.apprise_config:
        channels = ChannelBook.from_yaml(Path(settings.apprise_config), smtp=smtp)
    elif smtp is not None:
        channels = ChannelBook(smtp=smtp)
    else:
        log.warning("no [notifications] channels configured: notifications are stored but not delivered")
        return None
    return DeliveryWorker(collector.outbox, channels)
