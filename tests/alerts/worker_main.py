"""A delivery worker as its own process (for the kill -9 and two-replica tests).

python -m tests.alerts.worker_main DB_SPEC RECEIVER_PORT LEASE_SECONDS
"""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from alerts.channels import ChannelBook
from alerts.outbox import Outbox
from alerts.worker import DeliveryWorker
from prioritysupport.clock import SystemClock
from tests.alerts.db import engine_for


def main(argv: list[str]) -> None:
    spec, port, lease = argv[0], int(argv[1]), float(argv[2])
    logging.basicConfig(level=logging.WARNING)
    tags = ["oncall-primary", "support-team", "ops"]
    channels = ChannelBook.from_urls([(f"json://127.0.0.1:{port}/{tag}", [tag]) for tag in tags])
    box = Outbox(engine_for(spec), SystemClock())
    worker = DeliveryWorker(
        box, channels, lease=timedelta(seconds=lease), poll_interval=0.05, send_timeout=30
    )
    print("ready", flush=True)
    worker.run()


if __name__ == "__main__":
    main(sys.argv[1:])
