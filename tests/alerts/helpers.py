from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import Engine

from alerts.backoff import RetryPolicy
from alerts.channels import ChannelBook, SmtpSettings
from alerts.model import NotificationRequest
from alerts.outbox import Outbox
from alerts.signing import AckSigner
from alerts.worker import DeliveryWorker
from prioritysupport.clock import Clock
from tests.alerts.receivers import MailCatcher, WebhookReceiver

SECRET = "test-secret-0123456789abcdef"


def book(receiver: WebhookReceiver, mail: MailCatcher | None = None) -> ChannelBook:
    """Tags to paths on one receiver, so tests see which tag got what."""
    tags = ["oncall-primary", "oncall-secondary", "support-manager", "support-team", "ops"]
    smtp = SmtpSettings("127.0.0.1", mail.port, "support@erpm.test") if mail else None
    return ChannelBook.from_urls([(receiver.url(tag), [tag]) for tag in tags], smtp=smtp)


def setup(
    engine: Engine, clock: Clock, channels: ChannelBook, max_attempts: int = 4
) -> tuple[Outbox, DeliveryWorker]:
    box = Outbox(engine, clock, ack_signer=AckSigner(SECRET, clock), public_url="http://127.0.0.1:8080")
    worker = DeliveryWorker(
        box,
        channels,
        retry=RetryPolicy(base=timedelta(seconds=30), cap=timedelta(minutes=10), max_attempts=max_attempts),
        send_timeout=5.0,
        rng=random.Random(7),
    )
    return box, worker


def enqueue(box: Outbox, request: NotificationRequest) -> int:
    with box.engine.begin() as conn:
        return box.enqueue(conn, request)
