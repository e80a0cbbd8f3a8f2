"""Tables of Enhetsregisteret (prefix ``enh_``).

* ``enh_enhet``: one row per unit, main entities (enheter) and sub-units (underenheter) alike,
  told apart by ``er_underenhet``. They share one number series, so one table gives one
  unique index for every organisasjonsnummer and one lookup for ``unit_status``. Addresses
  are stored as the JSON objects the API serves; the municipality of the business address
  (sub-units: beliggenhetsadresse) is a column, because search filters on it.
* ``enh_rolle``: the current roles of a main entity, held by a person (fødselsnummer or
  D-nummer from Folkeregisteret) or by another unit.
* ``enh_oppdatering``: the change feed (``/oppdateringer/enheter``), one row per change, written
  in the same transaction as the change and its CloudEvent.
* ``enh_navnesok``: what name search reads — number, kind and normalised name of every unit
  not deleted. Derived from ``enh_enhet`` and kept by database triggers (migration 0007), so
  every writer (operations, set-wise SQL, the bulk loader's COPY) keeps it right.

Name search (decisions 0015 and 0021): ``navn_sok`` holds the name normalised to lowercase
words; on PostgreSQL a GIN index over ``to_tsvector('simple', navn_sok)`` of the narrow
``enh_navnesok`` answers "every word of the query is the start of a word of the name" with
``to_tsquery`` prefix terms. SQLite scans ``navn_sok`` with LIKE.
"""

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
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK

MAX_NAVN = 180  # Enhetsregisteret's limit for a name


class Enhet(Base):
    """A main entity (enhet) or a sub-unit (underenhet)."""

    __tablename__ = "enh_enhet"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    organisasjonsnummer: Mapped[str] = mapped_column(String(9), unique=True)
    er_underenhet: Mapped[bool] = mapped_column(Boolean)
    navn: Mapped[str] = mapped_column(String(MAX_NAVN))
    # The name in lowercase words (see normalise_name): what name search matches.
    navn_sok: Mapped[str] = mapped_column(String(MAX_NAVN))
    organisasjonsform: Mapped[str] = mapped_column(String(4))
    # A sub-unit's main entity; for a public-sector entity the unit it belongs under.
    overordnet_enhet: Mapped[str | None] = mapped_column(
        String(9), ForeignKey("enh_enhet.organisasjonsnummer")
    )
    naeringskode1: Mapped[str | None] = mapped_column(String(6))
    naeringskode2: Mapped[str | None] = mapped_column(String(6))
    naeringskode3: Mapped[str | None] = mapped_column(String(6))
    institusjonell_sektorkode: Mapped[str | None] = mapped_column(String(4))

    # forretningsadresse (sub-units: beliggenhetsadresse) and postadresse as served:
    # {"adresse": [...], "postnummer", "poststed", "kommunenummer", "kommune", "landkode", "land"}
    kommunenummer: Mapped[str | None] = mapped_column(String(4))
    forretningsadresse: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    postadresse: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    antall_ansatte: Mapped[int | None] = mapped_column(Integer)
    stiftelsesdato: Mapped[date | None] = mapped_column(Date)
    oppstartsdato: Mapped[date | None] = mapped_column(Date)  # sub-units
    registreringsdato: Mapped[date] = mapped_column(Date)  # registreringsdatoEnhetsregisteret

    registrert_i_mvaregisteret: Mapped[bool] = mapped_column(Boolean, default=False)
    registrert_i_foretaksregisteret: Mapped[bool] = mapped_column(Boolean, default=False)
    registrert_i_frivillighetsregisteret: Mapped[bool] = mapped_column(Boolean, default=False)
    registrert_i_stiftelsesregisteret: Mapped[bool] = mapped_column(Boolean, default=False)
    konkurs: Mapped[bool] = mapped_column(Boolean, default=False)
    konkursdato: Mapped[date | None] = mapped_column(Date)
    under_avvikling: Mapped[bool] = mapped_column(Boolean, default=False)
    under_avvikling_dato: Mapped[date | None] = mapped_column(Date)
    under_tvangsavvikling: Mapped[bool] = mapped_column(Boolean, default=False)

    maalform: Mapped[str] = mapped_column(String(10), default="Bokmål")
    hjemmeside: Mapped[str | None] = mapped_column(String(200))
    vedtektsfestet_formaal: Mapped[list[str] | None] = mapped_column(JSON)
    aktivitet: Mapped[list[str] | None] = mapped_column(JSON)

    nedleggelsesdato: Mapped[date | None] = mapped_column(Date)  # sub-units
    slettedato: Mapped[date | None] = mapped_column(Date)

    opprettet: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    endret: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    versjon: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": versjon}  # noqa: RUF012 (SQLAlchemy reads it once)
    __table_args__ = (
        # Search filters; every search is about main entities or sub-units, never both.
        Index("ix_enh_enhet_kommune", "er_underenhet", "kommunenummer"),
        Index("ix_enh_enhet_orgform", "er_underenhet", "organisasjonsform"),
        Index("ix_enh_enhet_naering", "er_underenhet", "naeringskode1"),
        # The sub-units of an entity; units registered under a public-sector unit.
        Index("ix_enh_enhet_overordnet", "overordnet_enhet"),
    )


class Navnesok(Base):
    """A unit not deleted, as name search reads it (kept by triggers on ``enh_enhet``).

    A row is a tenth of an ``enh_enhet`` row, so a search that matches tens of thousands of
    names counts and ranks them from a few thousand pages instead of tens of thousands
    (decision 0021). Never written by Python code.
    """

    __tablename__ = "enh_navnesok"

    enhet_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    er_underenhet: Mapped[bool] = mapped_column(Boolean)
    navn_sok: Mapped[str] = mapped_column(String(MAX_NAVN))
    organisasjonsnummer: Mapped[str] = mapped_column(String(9))

    __table_args__ = (
        # Word-prefix matching on PostgreSQL through a GIN full-text index.
        Index(
            "ix_enh_navnesok_navn_fts",
            func.to_tsvector(literal_column("'simple'"), literal_column("navn_sok")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )


class Rolle(Base):
    """One current role in a main entity, held by a person or by another unit."""

    __tablename__ = "enh_rolle"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    enhet_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("enh_enhet.id"))
    rollegruppe: Mapped[str] = mapped_column(String(4))  # DAGL, STYR, REVI, ...
    rolletype: Mapped[str] = mapped_column(String(4))  # DAGL, LEDE, MEDL, NEST, ...
    # Exactly one holder: a fødselsnummer/D-nummer, or a unit's organisasjonsnummer.
    person_ident: Mapped[str | None] = mapped_column(String(11))
    rolle_orgnr: Mapped[str | None] = mapped_column(
        String(9), ForeignKey("enh_enhet.organisasjonsnummer")
    )
    rekkefolge: Mapped[int] = mapped_column(Integer, default=0)
    registrert: Mapped[date] = mapped_column(Date)  # when the role was registered

    __table_args__ = (
        Index("ix_enh_rolle_enhet", "enhet_id"),
        # "Which entities does this person hold roles in" (the business view, later).
        Index("ix_enh_rolle_person", "person_ident"),
        Index("ix_enh_rolle_orgnr", "rolle_orgnr"),
    )


class Oppdatering(Base):
    """One entry of the change feed: a unit was created, changed, deleted or removed."""

    __tablename__ = "enh_oppdatering"

    oppdateringsid: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    organisasjonsnummer: Mapped[str] = mapped_column(String(9))
    er_underenhet: Mapped[bool] = mapped_column(Boolean)
    endringstype: Mapped[str] = mapped_column(String(10))  # Ny, Endring, Sletting, Fjernet
    dato: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_enh_oppdatering_id", "er_underenhet", "oppdateringsid"),
        Index("ix_enh_oppdatering_dato", "er_underenhet", "dato"),
    )
