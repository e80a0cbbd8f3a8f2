"""The two ways out: e-mail over SMTP, and SMS through a gateway.

``EmailSender`` and ``SmsGateway`` are protocols, so the due-sender does not care which
server or provider is behind them. ``SmtpEmailSender`` speaks real SMTP (``smtplib``) to the
server in the settings; ``DatabaseSmsGateway`` "sends" an SMS by writing it to
``ntf_sent_sms`` (the test and demo provider). An HTTP SMS provider is a further class with
the same ``send``. A failure is ``SendFailed``: ``permanent`` when trying again cannot help
(the server refused the address), else it is retried with backoff.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Protocol

from sqlalchemy import select

from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.mailbox.notifications.model import SentSmsRow
from felles.mailbox.notifications.settings import SmtpSettings, smtp_settings


class SendFailed(Exception):  # noqa: N818 (what happened, not an error class family)
    """Sending failed; ``reason`` is a code or exception type, never a server's text."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:100]
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    notification_id: str
    from_address: str
    to: str
    subject: str
    body: str
    content_type: str = "Plain"


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    notification_id: str
    sender: str
    to: str
    body: str


class EmailSender(Protocol):
    def send(self, email: OutgoingEmail) -> None: ...


class SmsGateway(Protocol):
    def send(self, sms: OutgoingSms) -> None: ...


def build_message(email: OutgoingEmail) -> EmailMessage:
    """The MIME message: UTF-8 text (or HTML), marked as sent automatically (RFC 3834)."""
    message = EmailMessage()
    message["From"] = email.from_address
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(get_clock().now())
    message["Message-ID"] = make_msgid(idstring=email.notification_id, domain="felles.varsling")
    message["Auto-Submitted"] = "auto-generated"
    message["X-Felles-Notification-Id"] = email.notification_id
    subtype = "html" if email.content_type == "Html" else "plain"
    message.set_content(email.body, subtype=subtype, charset="utf-8")
    return message


class SmtpEmailSender:
    """Sends each e-mail over its own SMTP connection to the configured server."""

    def __init__(self, settings: SmtpSettings | None = None) -> None:
        self.settings = settings or smtp_settings()

    def send(self, email: OutgoingEmail) -> None:
        settings = self.settings
        message = build_message(email)
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
                if settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.username:
                    password = settings.password.get_secret_value() if settings.password else ""
                    smtp.login(settings.username, password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise SendFailed(
                f"SMTP {codes[0] if codes else 'refused'}",
                permanent=bool(codes) and all(500 <= code < 600 for code in codes),
            ) from error
        except smtplib.SMTPResponseException as error:
            raise SendFailed(
                f"SMTP {error.smtp_code}", permanent=500 <= error.smtp_code < 600
            ) from error
        except (OSError, smtplib.SMTPException) as error:  # no server, connection lost
            raise SendFailed(type(error).__name__) from error


class DatabaseSmsGateway:
    """Writes each SMS to ``ntf_sent_sms``; a repeat of one notification is written once."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def send(self, sms: OutgoingSms) -> None:
        with self.database.unit_of_work() as uow:
            exists = uow.session.scalar(
                select(SentSmsRow.id).where(SentSmsRow.notification_id == sms.notification_id)
            )
            if exists is None:
                uow.session.add(
                    SentSmsRow(
                        notification_id=sms.notification_id,
                        sender=sms.sender,
                        recipient=sms.to,
                        body=sms.body,
                        sent_at=get_clock().now(),
                    )
                )
                uow.commit()
