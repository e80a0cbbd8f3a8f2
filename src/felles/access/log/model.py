"""Tables of the access log (innsynslogg): entries, the chain head, signed checkpoints.

* ``innsyn_logg`` — one row per release of personal data (decision 0024): when, to which
  consumer (organisasjonsnummer) and which person acting, whose data (``subjekt``), which
  dataset and field *names* (never values), the purpose, the legal basis (``hjemmel``) or the
  consent (``samtykke_id``), the delegation when someone acted for the subject
  (``fullmakt_id``) and the request id. ``sekvensnummer`` runs 1, 2, 3 … without gaps in
  commit order; ``hash`` chains the row to the one before (``chain.entry_hash``). Append only:
  on PostgreSQL a trigger refuses UPDATE and DELETE.
* ``innsyn_kjede`` — the chain head, a single row (``id`` 1): the last sequence number and
  hash. The appending transaction locks it, so appends from many processes stay one line.
* ``innsyn_sjekkpunkt`` — signed checkpoints: the sequence number and hash of an entry, signed
  with an Ed25519 key kept outside the database (``signatur``, base64url; ``noekkel_id``
  names the key).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base

HASH_LENGTH = 64  # SHA-256, lowercase hex


class LogEntryRow(Base):
    """One logged release of personal data."""

    __tablename__ = "innsyn_logg"
    __table_args__ = (
        CheckConstraint(
            "hjemmel IS NOT NULL OR samtykke_id IS NOT NULL", name="hjemmel_eller_samtykke"
        ),
        CheckConstraint("sekvensnummer >= 1", name="sekvensnummer"),
        Index("ix_innsyn_logg_subjekt", "subjekt", "tidspunkt", "sekvensnummer"),
    )

    sekvensnummer: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    tidspunkt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    konsument: Mapped[str] = mapped_column(String(9))
    aktoer: Mapped[str | None] = mapped_column(String(64))
    fullmakt_id: Mapped[str | None] = mapped_column(String(64))
    subjekt: Mapped[str] = mapped_column(String(11))
    datasett: Mapped[str] = mapped_column(String(200))
    felter: Mapped[list[Any]] = mapped_column(JSON)
    formaal: Mapped[str] = mapped_column(String(200))
    hjemmel: Mapped[str | None] = mapped_column(String(200))
    samtykke_id: Mapped[str | None] = mapped_column(String(64))
    foresporsel_id: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))


class ChainHead(Base):
    """The last entry of the chain: locked by every append (one row, id 1)."""

    __tablename__ = "innsyn_kjede"
    __table_args__ = (CheckConstraint("id = 1", name="en_rad"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sekvensnummer: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))


class Checkpoint(Base):
    """A signed statement: entry ``sekvensnummer`` of the log has hash ``hash``."""

    __tablename__ = "innsyn_sjekkpunkt"

    sekvensnummer: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    tidspunkt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    noekkel_id: Mapped[str] = mapped_column(String(32))
    signatur: Mapped[str] = mapped_column(String(100))
