"""A delivery worker in its own process, as a second collector replica would run it (poll 0.5 s).

python -m bench.alerts.worker_process DATABASE_URL RECEIVER_PORT
"""

from __future__ import annotations

import sys

from sqlalchemy import create_engine

from alerts.channels import ChannelBook
from alerts.outbox import Outbox
from alerts.worker import DeliveryWorker
from prioritysupport.clock import SystemClock


def main() -> None:
    url, port = sys.argv[1], int(sys.argv[2])
    engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    channels = ChannelBook.from_urls([(f"json://127.0.0.1:{port}/ours", ["support-team"])])
    worker = DeliveryWorker(Outbox(engine, SystemClock()), channels, poll_interval=0.5)
    print("ready", flush=True)
    worker.run()


if __name__ == "__main__":
    main()
