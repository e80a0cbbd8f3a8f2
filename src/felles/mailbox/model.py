"""Tables of the mailbox (digital post): letters, their content per language, status history,
attachments, and where each letter went — the print queue or a digital mailbox provider.

A letter (``post_forsendelse``) is Altinn 3 Correspondence's *correspondence*: one sender,
one recipient. Its id is a UUID as in Altinn. The content is stored once per language
(nb, nn, en), as structured text (``felles.mailbox.content``), never as rendered HTML, so
that HTML and PDF are always rendered from the same source.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK


class Forsendelse(Base):
    """A letter to one person or organisation (Altinn: a correspondence)."""

    __tablename__ = "post_forsendelse"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sender_orgnr: Mapped[str] = mapped_column(String(9))
    #: The name shown as sender (Altinn's messageSender), when not the organisation's own.
    message_sender: Mapped[str | None] = mapped_column(String(200))
    senders_reference: Mapped[str | None] = mapped_column(String(100))
    #: The sender's idempotency key: one letter per sender and key.
    idempotent_key: Mapped[str | None] = mapped_column(String(100))
    #: A fødselsnummer/D-nummer (11 digits) or an organisasjonsnummer (9 digits).
    recipient: Mapped[str] = mapped_column(String(11))
    recipient_kind: Mapped[str] = mapped_column(String(12))  # person | organisation
    #: vedtak, informasjon or oppgave (a task: has a due date and is confirmed when done).
    kind: Mapped[str] = mapped_column(String(20))
    default_language: Mapped[str] = mapped_column(String(2))
    #: Initialized, Published, Read, Confirmed, Reserved, Failed (Altinn's names).
    status: Mapped[str] = mapped_column(String(20))
    status_changed: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Where it went: innboks (felles), digital-postkasse (Digipost/e-Boks) or papir.
    channel: Mapped[str | None] = mapped_column(String(20))
    #: Why that channel, a code (reservert, ikke-registrert-i-krr, digital-postkasse, ...).
    channel_reason: Mapped[str | None] = mapped_column(String(40))
    is_confirmation_needed: Mapped[bool] = mapped_column(Boolean)
    due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Where the letter came from inside felles, e.g. "vedtak:<id>" (a case's decision).
    origin: Mapped[str | None] = mapped_column(String(100))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("uq_post_forsendelse_sender_key", "sender_orgnr", "idempotent_key", unique=True),
        Index("ix_post_forsendelse_recipient", "recipient", "created"),
        Index("ix_post_forsendelse_sender", "sender_orgnr", "created"),
    )


class Innhold(Base):
    """A letter's content in one language: title, summary and body (structured text)."""

    __tablename__ = "post_innhold"

    forsendelse_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("post_forsendelse.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


class StatusHendelse(Base):
    """One status a letter reached, when, and who caused it (its audit trail)."""

    __tablename__ = "post_status"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    forsendelse_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("post_forsendelse.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: "system", "avsender:<orgnr>" or "mottaker:<pid>" (a person acting, possibly for an org).
    actor: Mapped[str] = mapped_column(String(60))
    #: A code, never free text (e.g. reservert, mangler-adresse).
    reason: Mapped[str | None] = mapped_column(String(60))


class Vedlegg(Base):
    """An attachment to a letter, stored in the database (letters are small)."""

    __tablename__ = "post_vedlegg"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    forsendelse_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("post_forsendelse.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))  # SHA-256, hex
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Utskrift(Base):
    """A letter waiting in the print queue (a reserved person, or one not in KRR).

    For a protected address (fortrolig, strengtFortrolig) the row holds **no address and no
    name**: ``handling`` is ``beskyttet-adresse`` and the letter is handed to the unit that
    handles protected addresses, which finds the address itself under its own authority.
    The mailbox never reads such an address at all (decision 0034).
    """

    __tablename__ = "post_utskrift"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    forsendelse_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("post_forsendelse.id", ondelete="CASCADE"), unique=True
    )
    #: ordinaer (print with the address below) or beskyttet-adresse (no address here).
    handling: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    #: The envelope's lines: street, postcode and place (from Folkeregisteret).
    address_lines: Mapped[list[str] | None] = mapped_column(JSON)
    #: venter (waiting), skrevet-ut (printed).
    status: Mapped[str] = mapped_column(String(20))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Leveranse(Base):
    """A letter handed to the recipient's digital mailbox provider (Digipost, e-Boks)."""

    __tablename__ = "post_leveranse"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    forsendelse_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("post_forsendelse.id", ondelete="CASCADE"), unique=True
    )
    provider_orgnr: Mapped[str] = mapped_column(String(9))
    mailbox_address: Mapped[str] = mapped_column(String(100))
    #: The provider adapter's receipt (a reference, no content).
    receipt: Mapped[dict[str, str]] = mapped_column(JSON)
    delivered: Mapped[datetime] = mapped_column(DateTime(timezone=True))
