"""Tables of the property registry: Matrikkelen's cadastral units and Grunnboken's owners.

* ``eie_matrikkelenhet``: one row per cadastral unit, identified by its matrikkelnummer
  (kommunenummer-gaardsnummer/bruksnummer/festenummer/seksjonsnummer, unique).
* ``eie_adresse``: which street addresses lie on which unit. The address itself belongs to
  the address register; this table holds only its id, and the id is the key, so an address
  belongs to one unit at most. No foreign key to ``adr_vegadresse``: a block owns its tables
  and checks other blocks' data through their queries.
* ``eie_dokument``: a registered (tinglyst) document: the first registration of owners
  (etablering), a skjøte, an arv, a skifte. Its id is the dokumentnummer.
* ``eie_hjemmel``: one row per owner (hjemmelshaver) and period: who held which share
  (teller/nevner, an exact fraction) from which document to which. The current owners of a
  unit are its rows without ``til_dokument_id``; their shares sum to exactly 1.

See docs/decisions/0018-eiendom-shares-and-history.md.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK


class Matrikkelenhet(Base):
    """A cadastral unit (grunneiendom, festegrunn, eierseksjon, jordsameie, anleggseiendom)."""

    __tablename__ = "eie_matrikkelenhet"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    kommunenummer: Mapped[str] = mapped_column(String(4))
    gaardsnummer: Mapped[int] = mapped_column(Integer)
    bruksnummer: Mapped[int] = mapped_column(Integer)
    # 0 when the unit is not a festegrunn (or a section of one) / not an eierseksjon.
    festenummer: Mapped[int] = mapped_column(Integer, default=0)
    seksjonsnummer: Mapped[int] = mapped_column(Integer, default=0)
    matrikkelenhetstype: Mapped[str] = mapped_column(String(20))
    # Area in square metres when known (Matrikkelen's computed area).
    areal: Mapped[float | None] = mapped_column(Float)
    opprettet: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    endret: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Raised by every change of the unit's owners; updates are guarded by it.
    versjon: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index(
            "uq_eie_matrikkelenhet_matrikkelnummer",
            "kommunenummer",
            "gaardsnummer",
            "bruksnummer",
            "festenummer",
            "seksjonsnummer",
            unique=True,
        ),
    )


class Adressekobling(Base):
    """A street address (from the address register) lying on a cadastral unit."""

    __tablename__ = "eie_adresse"

    adresse_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    matrikkelenhet_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("eie_matrikkelenhet.id"))
    koblet: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_eie_adresse_matrikkelenhet", "matrikkelenhet_id"),)


class Dokument(Base):
    """A registered document that set or moved a unit's ownership; ``id`` = dokumentnummer."""

    __tablename__ = "eie_dokument"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    matrikkelenhet_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("eie_matrikkelenhet.id"))
    # etablering, skjoete, arv, skifte
    dokumenttype: Mapped[str] = mapped_column(String(20))
    # The date from which the document has effect (the tinglysing date).
    dato: Mapped[date] = mapped_column(Date)
    # Purchase price in whole NOK, when the document states one (a skjøte usually does).
    vederlag: Mapped[int | None] = mapped_column(BigInteger)
    registrert: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_eie_dokument_matrikkelenhet", "matrikkelenhet_id", "id"),)


class Hjemmel(Base):
    """One owner's share of a unit over a period (current while ``til_dokument_id`` is NULL)."""

    __tablename__ = "eie_hjemmel"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    matrikkelenhet_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("eie_matrikkelenhet.id"))
    # Fødselsnummer or D-nummer (11 digits) of a person, organisasjonsnummer (9) of an entity.
    hjemmelshaver: Mapped[str] = mapped_column(String(11))
    hjemmelshavertype: Mapped[str] = mapped_column(String(6))  # person | enhet
    teller: Mapped[int] = mapped_column(BigInteger)
    nevner: Mapped[int] = mapped_column(BigInteger)
    fra_dokument_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("eie_dokument.id"))
    til_dokument_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("eie_dokument.id"))
    gyldig_fra: Mapped[date] = mapped_column(Date)
    gyldig_til: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("teller > 0 AND teller <= nevner", name="andel"),
        Index("ix_eie_hjemmel_matrikkelenhet", "matrikkelenhet_id", "til_dokument_id"),
        Index("ix_eie_hjemmel_hjemmelshaver", "hjemmelshaver", "til_dokument_id"),
    )
