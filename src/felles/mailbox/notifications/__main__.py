"""``python -m felles.mailbox.notifications [--conditions MODULE ...]``: send due
notifications until stopped (decision 0035).

E-mail goes to the SMTP server in ``FELLES_SMTP_*``; SMS to the database gateway (the test
and demo provider). ``--conditions`` imports modules that register send conditions (e.g. the
mailbox's "only while the letter is unconfirmed"), as ``felles worker --consumers`` does.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import threading
from collections.abc import Sequence

import httpx

from felles.kernel.db import get_database
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from felles.mailbox.notifications.sending import send_due
from felles.mailbox.notifications.settings import notification_settings

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m felles.mailbox.notifications")
    parser.add_argument(
        "--conditions",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE, which registers send conditions (repeatable)",
    )
    parser.add_argument("--once", action="store_true", help="one round, then exit")
    args = parser.parse_args(argv)
    for module in args.conditions:
        importlib.import_module(module)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    database = get_database()
    email, sms = SmtpEmailSender(), DatabaseSmsGateway(database)
    interval = notification_settings().poll_interval
    with httpx.Client() as http:
        while not stop.is_set():
            done = send_due(database, email, sms, http=http)
            if args.once:
                break
            if done.idle:
                stop.wait(interval)


if __name__ == "__main__":
    main()
