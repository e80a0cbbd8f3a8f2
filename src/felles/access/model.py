"""Tables of the access block: consents (samtykke) and delegations (fullmakt).

* ``acc_samtykke`` — a consent request and, once answered, the consent (Altinn's consent
  request): from a person (``fra_ident``) to an organisation (``til_orgnr``), the rights asked
  (``rettigheter``: a JSON list of ``{"formaal": ..., "felter": [...]}``, full field names),
  ``gyldig_til``, the message to the person per language (``melding``) and the redirect URL.
  ``status`` is ``created``, ``accepted``, ``rejected``, ``revoked`` or ``expired`` (Altinn's
  event types); ``samtykket`` is when it was accepted, ``avsluttet`` when it was rejected,
  revoked or expired, ``sist_brukt`` when the consumer last used it.
* ``acc_samtykke_hendelse`` — the request's history (Altinn's ``consentRequestEvents``): one
  row per change or use, with who performed it. The same changes go to the outbox as events.
* ``acc_fullmakt`` — a power of attorney: ``fullmaktsgiver`` lets ``fullmektig`` act for them
  in ``omraader`` (comma-separated areas) from ``gyldig_fra`` to ``gyldig_til`` (inclusive
  dates; open-ended when null) until ``trukket`` (revoked).

Legal bases are not here: they are files in the repository (``access/hjemler``). Rights
derived from the registries (foreldreansvar, roles) are never stored: they are computed at
decision time, so they follow the registries.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK

CONSENT_STATUSES = ("created", "accepted", "rejected", "revoked", "expired")


class Samtykke(Base):
    """A consent request and its answer (Altinn 3's consent request)."""

    __tablename__ = "acc_samtykke"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID
    fra_ident: Mapped[str] = mapped_column(String(11))
    til_orgnr: Mapped[str] = mapped_column(String(9))
    rettigheter: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    gyldig_til: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    melding: Mapped[dict[str, str]] = mapped_column(JSON)
    redirect_url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(10))
    opprettet: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    samtykket: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    avsluttet: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sist_brukt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_acc_samtykke_fra_til", "fra_ident", "til_orgnr"),
        Index("ix_acc_samtykke_til", "til_orgnr"),
        Index("ix_acc_samtykke_status_gyldig_til", "status", "gyldig_til"),
    )


class SamtykkeHendelse(Base):
    """One change or use of a consent request (Altinn's consentRequestEvents)."""

    __tablename__ = "acc_samtykke_hendelse"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    hendelse_id: Mapped[str] = mapped_column(String(36))  # the outbox event's id
    samtykke_id: Mapped[str] = mapped_column(String(36))
    hendelsestype: Mapped[str] = mapped_column(String(10))
    tidspunkt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    utfoert_av: Mapped[str] = mapped_column(String(60))  # a party URN

    __table_args__ = (Index("ix_acc_samtykke_hendelse_samtykke", "samtykke_id"),)


class Fullmakt(Base):
    """A power of attorney from one person to another for some areas and a time span."""

    __tablename__ = "acc_fullmakt"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    fullmaktsgiver: Mapped[str] = mapped_column(String(11))
    fullmektig: Mapped[str] = mapped_column(String(11))
    omraader: Mapped[str] = mapped_column(String(100))  # comma-separated, sorted
    gyldig_fra: Mapped[date] = mapped_column(Date)
    gyldig_til: Mapped[date | None] = mapped_column(Date)
    opprettet: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    trukket: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    trukket_av: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (
        Index("ix_acc_fullmakt_giver_mektig", "fullmaktsgiver", "fullmektig"),
        Index("ix_acc_fullmakt_fullmektig", "fullmektig"),
    )


__all__ = ["CONSENT_STATUSES", "Fullmakt", "Samtykke", "SamtykkeHendelse"]
