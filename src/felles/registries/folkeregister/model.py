"""Tables of Folkeregisteret.

The current version of every single-valued element sits in typed columns of ``frg_person``
(fast to load in bulk, fast to query); superseded versions move to ``frg_historikk`` when an
operation changes them, so the person document can list every version with ``erGjeldende``.
Family relations are rows in both directions (``frg_familierelasjon``), so that "my children"
and "my parents" are both one indexed lookup and symmetry is checkable.
See docs/decisions/0005-folkeregister-storage.md.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import JSON, BigInteger, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK

#: Folkeregisteret's sivilstand codes, in the order of its API documentation.
SIVILSTAND_CODES: Final = (
    "uoppgitt",
    "ugift",
    "gift",
    "enkeEllerEnkemann",
    "skilt",
    "separert",
    "registrertPartner",
    "separertPartner",
    "skiltPartner",
    "gjenlevendePartner",
)


class Person(Base):
    __tablename__ = "frg_person"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    # identifikasjonsnummer: the current fødselsnummer or D-nummer.
    ident: Mapped[str] = mapped_column(String(11), unique=True)
    identifikatortype: Mapped[str] = mapped_column(String(16))  # foedselsnummer | dNummer
    status: Mapped[str] = mapped_column(String(24))  # bosatt, doed, utflyttet, ...

    fornavn: Mapped[str] = mapped_column(String(100))
    mellomnavn: Mapped[str | None] = mapped_column(String(100))
    etternavn: Mapped[str] = mapped_column(String(100))

    foedselsdato: Mapped[date] = mapped_column(Date)
    foedekommune: Mapped[str | None] = mapped_column(String(4))  # foedekommuneINorge
    foedeland: Mapped[str] = mapped_column(String(3))  # ISO 3166 alpha-3
    kjoenn: Mapped[str] = mapped_column(String(6))  # kvinne | mann
    doedsdato: Mapped[date | None] = mapped_column(Date)

    sivilstand: Mapped[str] = mapped_column(String(30))
    sivilstandsdato: Mapped[date | None] = mapped_column(Date)
    # relatertVedSivilstand: the spouse/partner (or the deceased one for gjenlevende).
    sivilstand_relatert_id: Mapped[int | None] = mapped_column(BigInteger)

    # For minors: who holds parental responsibility (felles, mor, far, medmor). The holders
    # are the parents with that role in frg_familierelasjon; it lapses at 18.
    foreldreansvar: Mapped[str | None] = mapped_column(String(10))

    adressebeskyttelse: Mapped[str] = mapped_column(String(20), default="ugradert")

    # bostedsadresse (vegadresse), copied from the address register at registration time.
    adresse_id: Mapped[int | None] = mapped_column(BigInteger)
    kommunenummer: Mapped[str | None] = mapped_column(String(4))
    adressenavn: Mapped[str | None] = mapped_column(String(100))
    husnummer: Mapped[int | None] = mapped_column(Integer)
    husbokstav: Mapped[str | None] = mapped_column(String(2))
    adressekode: Mapped[int | None] = mapped_column(Integer)
    bruksenhetsnummer: Mapped[str | None] = mapped_column(String(5))
    postnummer: Mapped[str | None] = mapped_column(String(4))
    poststed: Mapped[str | None] = mapped_column(String(60))
    flyttedato: Mapped[date | None] = mapped_column(Date)

    # ISO alpha-3 codes, comma-separated (most people have one; dual citizens two).
    statsborgerskap: Mapped[str] = mapped_column(String(40))
    statsborgerskap_ervervsdato: Mapped[date | None] = mapped_column(Date)

    innflyttet_fra: Mapped[str | None] = mapped_column(String(3))
    innflyttingsdato: Mapped[date | None] = mapped_column(Date)
    utflyttet_til: Mapped[str | None] = mapped_column(String(3))
    utflyttingsdato: Mapped[date | None] = mapped_column(Date)

    opprettet: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    endret: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Per element changed after creation: {"navn": {"ajourholdstidspunkt": ..., "kilde": ...,
    # "aarsak": ...}}. NULL for people unchanged since the bulk load keeps that load lean.
    element_meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    versjon: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": versjon}  # noqa: RUF012 (SQLAlchemy reads it once)
    __table_args__ = (
        # Who lives at an address (a household moves together; letters go to a household).
        Index("ix_frg_person_adresse", "adresse_id", "bruksenhetsnummer"),
        # People of an age (the simulator picks by birth date; agencies ask "born on").
        Index("ix_frg_person_foedselsdato", "foedselsdato"),
    )


class Familierelasjon(Base):
    """One direction of a family relation; its mirror row always exists too."""

    __tablename__ = "frg_familierelasjon"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(BigInteger)
    relatert_person_id: Mapped[int] = mapped_column(BigInteger)
    relatert_persons_rolle: Mapped[str] = mapped_column(String(24))
    min_rolle_for_person: Mapped[str] = mapped_column(String(24))
    gyldig_fra: Mapped[date | None] = mapped_column(Date)
    ajourholdstidspunkt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set when the relation ends (a divorce ends ektefelleEllerPartner); parents stay parents.
    opphoerstidspunkt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_frg_familierelasjon_person", "person_id"),
        Index("ix_frg_familierelasjon_relatert", "relatert_person_id"),
    )


class Historikk(Base):
    """A superseded version of a single-valued element (erGjeldende = false)."""

    __tablename__ = "frg_historikk"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(BigInteger)
    element: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    gyldighetstidspunkt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ajourholdstidspunkt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opphoerstidspunkt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kilde: Mapped[str] = mapped_column(String(40))
    aarsak: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (Index("ix_frg_historikk_person", "person_id", "element"),)


class TidligereIdent(Base):
    """Identity numbers a person no longer uses (e.g. a D-nummer replaced by a fødselsnummer)."""

    __tablename__ = "frg_tidligere_ident"
    # Every number of a person (``queries.person_idents``) is looked up by person.
    __table_args__ = (Index("ix_frg_tidligere_ident_person", "person_id"),)

    ident: Mapped[str] = mapped_column(String(11), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger)
    identifikatortype: Mapped[str] = mapped_column(String(16))
    opphoerstidspunkt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
