"""``python -m felles.subscriptions``: send due deliveries until stopped (decision 0031).

Run it beside ``felles worker --consumers felles.subscriptions.consumer``, which queues them.
"""

from __future__ import annotations

import signal
import threading

import httpx

from felles.kernel.db import get_database
from felles.subscriptions.service import deliver_due


def main(interval: float = 1.0) -> None:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    database = get_database()
    with httpx.Client() as http:
        while not stop.is_set():
            done = deliver_due(database, http)
            if not (done.delivered or done.failed or done.dead):
                stop.wait(interval)


if __name__ == "__main__":
    main()
