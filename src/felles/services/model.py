"""Tables of the services block: cases (saker), their history, decisions (vedtak), the
documents on a case (rendered letters) and caseworker tasks (oppgaver)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from felles.kernel.db import Base, BigIntegerPK


class Sak(Base):
    """A case: one per service and subject (for barnetrygd at birth, the child)."""

    __tablename__ = "svc_sak"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(String(64))
    #: Whom the case is about (an identifikasjonsnummer or organisasjonsnummer).
    subject: Mapped[str] = mapped_column(String(11))
    #: The party the decision is addressed to (søker/mottaker), when not the subject.
    part: Mapped[str | None] = mapped_column(String(11), index=True)
    owner_orgnr: Mapped[str] = mapped_column(String(9))
    status: Mapped[str] = mapped_column(String(30))
    #: Why the case went to manual handling (a rule code), else None.
    manual_reason: Mapped[str | None] = mapped_column(String(100))
    trigger_event_id: Mapped[str | None] = mapped_column(String(36))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("uq_svc_sak_service_subject", "service_id", "subject", unique=True),
        Index("ix_svc_sak_subject", "subject"),
        Index("ix_svc_sak_status", "service_id", "status"),
    )


class SakHendelse(Base):
    """One state change of a case, who made it and why (the case's audit trail)."""

    __tablename__ = "svc_sak_hendelse"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    sak_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("svc_sak.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    #: "system:<service id>" or "saksbehandler:<navIdent>@<orgnr>"
    actor: Mapped[str] = mapped_column(String(120))
    #: A rule code (automatic) or the caseworker's written reason.
    reason: Mapped[str | None] = mapped_column(Text)


class Forklaring(Base):
    """A rule explanation, stored once by its content's SHA-256: every child born in the same
    month and area has the same one, and it is the largest part of a decision."""

    __tablename__ = "svc_forklaring"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Vedtak(Base):
    """A decision on a case. An overridden decision is kept, pointing to the one replacing it."""

    __tablename__ = "svc_vedtak"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    sak_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("svc_sak.id", ondelete="CASCADE"), index=True
    )
    #: innvilget or avslag
    outcome: Mapped[str] = mapped_column(String(20))
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    #: [{"fom": "2025-06", "tom": "2043-04", "beloep": 1968}, …] kroner per month
    amounts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: The rule system's explanation (variables, parameters with their law, inputs), kept
    #: once however many decisions share it (``explanations``).
    explanation_id: Mapped[str] = mapped_column(String(64), ForeignKey("svc_forklaring.id"))
    explanation_row: Mapped[Forklaring] = relationship(lazy="joined")
    #: The data used: product, subject role, fields, source and basis of each.
    data_used: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    legal_references: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: How to appeal: deadline (date), to whom, how.
    klage: Mapped[dict[str, Any]] = mapped_column(JSON)
    automatic: Mapped[bool] = mapped_column(Boolean)
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The caseworker's written reason when they decided against the automation's result.
    override_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by: Mapped[int | None] = mapped_column(BigInteger)

    @property
    def explanation(self) -> dict[str, Any]:
        return self.explanation_row.content


class Dokument(Base):
    """A rendered document on a case (until the mailbox exists: the decision letter)."""

    __tablename__ = "svc_dokument"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    sak_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("svc_sak.id", ondelete="CASCADE"), index=True
    )
    vedtak_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))  # vedtaksbrev
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(60))
    content: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Oppgave(Base):
    """A task in an agency's caseworker queue (NAV's Oppgave: tema, oppgavetype, status,
    tilordnetRessurs, fristFerdigstillelse, versjon for optimistic locking)."""

    __tablename__ = "svc_oppgave"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    sak_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("svc_sak.id", ondelete="CASCADE"), index=True
    )
    owner_orgnr: Mapped[str] = mapped_column(String(9))
    tema: Mapped[str] = mapped_column(String(10))  # BAR for barnetrygd
    oppgavetype: Mapped[str] = mapped_column(String(20))  # BEH_SAK: behandle sak
    #: The rule codes that stopped automation, and their texts (no personal data).
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: OPPRETTET, UNDER_BEHANDLING, FERDIGSTILT (NAV's Oppgave statuses)
    status: Mapped[str] = mapped_column(String(20))
    tilordnet_ressurs: Mapped[str | None] = mapped_column(String(20))
    frist: Mapped[date] = mapped_column(Date)
    versjon: Mapped[int] = mapped_column(Integer, default=1)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_svc_oppgave_queue", "owner_orgnr", "status", "id"),)
