"""Two senders at once: each order is processed once and each e-mail sent once."""

from __future__ import annotations

import threading

from felles.kernel.db import Database
from felles.mailbox.notifications import ChannelScheme, SendRound, send_due
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from tests.mailbox.notifications.conftest import People, SmtpServer


def test_two_runners_send_each_email_once(
    database: Database,
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    for number in range(6):
        ident = people.person(email=f"person{number}@example.no")
        people.order(ident, channel_scheme=ChannelScheme.EMAIL, idempotency_key=f"k{number}")
    rounds: list[SendRound] = []
    start = threading.Barrier(2)

    def runner() -> None:
        start.wait()
        rounds.append(send_due(database, email_sender, sms_gateway))

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # What one runner processed but did not send yet, the next round sends; nothing twice.
    rounds.append(send_due(database, email_sender, sms_gateway))
    assert sum(r.orders for r in rounds) == 6
    assert sum(r.emails for r in rounds) == 6
    assert sorted(m["To"] for m in smtp.inbox.messages) == [
        f"person{n}@example.no" for n in range(6)
    ]
