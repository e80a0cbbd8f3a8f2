"""Fixtures for notifications: a real SMTP server (aiosmtpd) on a free port, the database SMS
gateway, and people in Folkeregisteret with KRR registrations."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.mailbox.notifications import (
    DatabaseSmsGateway,
    NotificationOrder,
    SendRound,
    SmtpEmailSender,
    order_notification,
    send_due,
)
from felles.mailbox.notifications.model import NotificationRow, OrderRow, SentSmsRow
from felles.mailbox.notifications.settings import SmtpSettings
from felles.registries.krr.operations import register_contact, reserve
from tests.registries.folkeregister.conftest import Register, seed_addresses

NAV = "889640782"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Inbox:
    """What the SMTP server received, as parsed messages with their envelope recipients."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A running SMTP server on a free port."""
    server = SmtpServer(free_port(), Inbox())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def email_sender(smtp: SmtpServer) -> SmtpEmailSender:
    return SmtpEmailSender(SmtpSettings(host="127.0.0.1", port=smtp.port, timeout=5))


@pytest.fixture
def sms_gateway(database: Database) -> DatabaseSmsGateway:
    return DatabaseSmsGateway(database)


@dataclass
class People:
    """People in Folkeregisteret and KRR, and one-line ordering and sending."""

    database: Database
    clock: SimulatedClock
    register: Register

    def person(
        self,
        *,
        email: str | None = None,
        mobile: str | None = None,
        spraak: str | None = None,
        reserved: bool = False,
        in_krr: bool = True,
        fornavn: str = "Kari",
    ) -> str:
        ident = self.register.person(fornavn=fornavn)
        if in_krr and (email or mobile or spraak):
            self.register.run(
                register_contact,
                personidentifikator=ident,
                epostadresse=email,
                mobiltelefonnummer=mobile,
                spraak=spraak,
            )
        if in_krr and reserved:
            self.register.run(reserve, personidentifikator=ident)
        return ident

    def order(self, recipient: str, **values: Any) -> str:
        values.setdefault("idempotency_key", f"brev-{recipient}-{len(values)}")
        order = NotificationOrder(
            sender_orgnr=values.pop("sender_orgnr", NAV), recipient=recipient, **values
        )
        with self.database.unit_of_work() as uow:
            order_id = order_notification(uow, order)
            uow.commit()
        return order_id

    def order_row(self, order_id: str) -> OrderRow:
        with self.database.read_session() as session:
            row = session.get(OrderRow, order_id)
            assert row is not None
            return row

    def notifications(self, order_id: str) -> list[NotificationRow]:
        with self.database.read_session() as session:
            query = select(NotificationRow).where(NotificationRow.order_id == order_id)
            return list(session.scalars(query.order_by(NotificationRow.channel)))

    def sent_sms(self) -> list[SentSmsRow]:
        with self.database.read_session() as session:
            return list(session.scalars(select(SentSmsRow).order_by(SentSmsRow.id)))


@pytest.fixture
def people(database: Database, clock: SimulatedClock) -> People:
    seed_addresses(database)
    return People(database, clock, Register(database, clock))


def send(
    database: Database, email_sender: SmtpEmailSender, sms_gateway: DatabaseSmsGateway
) -> SendRound:
    return send_due(database, email_sender, sms_gateway)
