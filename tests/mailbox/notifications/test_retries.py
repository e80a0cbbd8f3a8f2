"""When the SMTP server is down: retried with backoff, sent when it is back; given up after
the last attempt. Nothing personal in the log lines either way."""

from __future__ import annotations

import logging

import pytest

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.mailbox.notifications import ChannelScheme
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from felles.mailbox.notifications.sending import MAX_ATTEMPTS, backoff
from felles.mailbox.notifications.settings import SmtpSettings
from tests.mailbox.notifications.conftest import Inbox, People, SmtpServer, free_port, send

EMAIL = "nede@example.no"


@pytest.fixture
def down() -> SmtpServer:
    """An SMTP server that is not running yet (its port is free)."""
    return SmtpServer(free_port(), Inbox())


def test_smtp_down_then_up_is_retried_with_backoff_and_sent(
    database: Database,
    people: People,
    clock: SimulatedClock,
    down: SmtpServer,
    sms_gateway: DatabaseSmsGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="felles")
    sender = SmtpEmailSender(SmtpSettings(host="127.0.0.1", port=down.port, timeout=2))
    ident = people.person(email=EMAIL)
    order_id = people.order(ident, channel_scheme=ChannelScheme.EMAIL)

    first = send(database, sender, sms_gateway)
    assert (first.emails, first.retries) == (0, 1)
    [notification] = people.notifications(order_id)
    assert (notification.status, notification.attempts) == ("New", 1)
    assert notification.last_error == "ConnectionRefusedError"
    assert people.order_row(order_id).status == "Processing"

    # Not before the backoff has passed.
    clock.advance(backoff(1) / 2)
    assert send(database, sender, sms_gateway).retries == 0
    clock.advance(backoff(1))
    assert send(database, sender, sms_gateway).retries == 1  # still down: 2 attempts
    clock.advance(backoff(2))
    down.start()
    try:
        done = send(database, sender, sms_gateway)
    finally:
        down.stop()

    assert done.emails == 1
    [message] = down.inbox.messages
    assert message["To"] == EMAIL
    [notification] = people.notifications(order_id)
    assert (notification.status, notification.attempts) == ("Succeeded", 3)
    assert people.order_row(order_id).status == "Completed"
    log = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "ConnectionRefusedError" in log
    assert EMAIL not in log and ident not in log


def test_given_up_after_the_last_attempt(
    database: Database,
    people: People,
    clock: SimulatedClock,
    down: SmtpServer,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    sender = SmtpEmailSender(SmtpSettings(host="127.0.0.1", port=down.port, timeout=2))
    order_id = people.order(people.person(email=EMAIL), channel_scheme=ChannelScheme.EMAIL)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        send(database, sender, sms_gateway)
        clock.advance(backoff(attempt))
    [notification] = people.notifications(order_id)
    assert (notification.status, notification.attempts) == ("Failed", MAX_ATTEMPTS)
    assert people.order_row(order_id).status == "Completed"
    assert send(database, sender, sms_gateway).idle
