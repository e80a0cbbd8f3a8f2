"""The notifications inside ``felles simulate --notifications`` (the demo): after each
simulated day — after the services have sent that day's letters — send what is due, with the
clock still on that day.

Sending here rather than in a sender process of its own keeps the notices on the simulated
clock: an order is due the simulated day its letter was published, and a task's reminder
``delay_days`` simulated days later. A sender on the wall clock would find the whole
simulated past due at once and send each reminder straight after its notice.

E-mail goes to ``FELLES_SMTP_*`` (the demo's mail catcher), SMS to the database gateway.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Final

import httpx

import felles.mailbox.conditions  # noqa: F401 - registers the mailbox's send condition
from felles.kernel.db import Database
from felles.mailbox.notifications.delivery import (
    DatabaseSmsGateway,
    EmailSender,
    SmsGateway,
    SmtpEmailSender,
)
from felles.mailbox.notifications.sending import SendRound, send_due

#: Rounds per simulated day at most (each round takes up to ``send_due``'s limit of rows).
MAX_ROUNDS: Final = 1_000


@dataclass
class NotificationsStep:
    """Sends every due notification; call once per simulated day, ``close`` at the end."""

    database: Database
    email_sender: EmailSender | None = None
    sms_gateway: SmsGateway | None = None
    totals: SendRound = field(default_factory=SendRound)
    _http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        if self.email_sender is None:
            self.email_sender = SmtpEmailSender()
        if self.sms_gateway is None:
            self.sms_gateway = DatabaseSmsGateway(self.database)
        self._http = httpx.Client()

    def __call__(self, day: date) -> SendRound:
        """Rounds until one does nothing (a retry waits for a later day); that day's counts."""
        assert self.email_sender is not None and self.sms_gateway is not None
        today = SendRound()
        for _ in range(MAX_ROUNDS):
            done = send_due(self.database, self.email_sender, self.sms_gateway, http=self._http)
            if done.idle:
                break
            for counter in fields(SendRound):
                name = counter.name
                setattr(today, name, getattr(today, name) + getattr(done, name))
                setattr(self.totals, name, getattr(self.totals, name) + getattr(done, name))
        return today

    def close(self) -> None:
        self._http.close()

    def summary(self) -> str:
        totals = self.totals
        return (
            f"Notifications: {totals.orders:,} orders processed, {totals.emails:,} e-mails and "
            f"{totals.sms:,} SMS sent, {totals.condition_not_met:,} not needed any more, "
            f"{totals.not_sent:,} with no address (or reserved), {totals.failed:,} failed"
        )
