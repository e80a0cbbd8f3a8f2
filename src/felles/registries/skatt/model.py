"""Tables of Skatteetaten: assessments (skatteoppgjør) and arrears (restanser).

* ``skatt_skatteoppgjoer`` — the current assessment of a person for an income year: the
  inputs (pay, capital income, interest paid, gross wealth, debt), the results of
  ``calculation.assess`` under the same names, the day of the assessment
  (``skatteoppgjoersdato``) and ``versjon`` (1 for the first assessment, one more for every
  endret skatteoppgjør). One row per (person, year): a new assessment of the year replaces the
  row's values.
* ``skatt_skatteoppgjoer_historikk`` — every replaced version, copied there unchanged with
  ``erstattet`` (when it was replaced). The current row and its history together are every
  version of the year.
* ``skatt_restanse`` — one claim Skatteetaten has against a person or an organisation
  (``skyldner``: fødselsnummer/D-nummer or organisasjonsnummer): kind, amount, due date and,
  once paid, ``betalt_dato``. A claim is an arrear (forfalt og ubetalt) from its due date until
  it is paid.

The person is stored under the identity number Folkeregisteret gave as current when the
assessment was made. Amounts are whole NOK (BIGINT); what one row can state is also a check
here: inputs and taxes are not negative, a claim is more than 0.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK

#: The inputs of an assessment, in the order of ``calculation.assess``'s arguments.
INPUTS = ("loennsinntekt", "kapitalinntekt", "renteutgifter", "bruttoformue", "gjeld")
#: The results, named as ``calculation.Assessment``'s fields.
RESULTS = (
    "pensjonsgivende_inntekt",
    "bruttoinntekt",
    "alminnelig_inntekt",
    "nettoformue",
    "trygdeavgift",
    "trinnskatt",
    "skatt_alminnelig_inntekt",
    "formuesskatt",
    "utlignet_skatt",
)
_NOT_NEGATIVE = (
    *INPUTS,
    "pensjonsgivende_inntekt",
    "bruttoinntekt",
    "trygdeavgift",
    "trinnskatt",
    "skatt_alminnelig_inntekt",
    "formuesskatt",
    "utlignet_skatt",
)
_AMOUNTS_NOT_NEGATIVE = " AND ".join(f"{column} >= 0" for column in _NOT_NEGATIVE)


class _AssessmentColumns:
    """The columns a current assessment and a replaced one share."""

    personidentifikator: Mapped[str] = mapped_column(String(11))
    inntektsaar: Mapped[int] = mapped_column(Integer)
    versjon: Mapped[int] = mapped_column(Integer)
    loennsinntekt: Mapped[int] = mapped_column(BigInteger)
    kapitalinntekt: Mapped[int] = mapped_column(BigInteger)
    renteutgifter: Mapped[int] = mapped_column(BigInteger)
    bruttoformue: Mapped[int] = mapped_column(BigInteger)
    gjeld: Mapped[int] = mapped_column(BigInteger)
    pensjonsgivende_inntekt: Mapped[int] = mapped_column(BigInteger)
    bruttoinntekt: Mapped[int] = mapped_column(BigInteger)
    alminnelig_inntekt: Mapped[int] = mapped_column(BigInteger)  # may be negative
    nettoformue: Mapped[int] = mapped_column(BigInteger)  # may be negative
    trygdeavgift: Mapped[int] = mapped_column(BigInteger)
    trinnskatt: Mapped[int] = mapped_column(BigInteger)
    skatt_alminnelig_inntekt: Mapped[int] = mapped_column(BigInteger)
    formuesskatt: Mapped[int] = mapped_column(BigInteger)
    utlignet_skatt: Mapped[int] = mapped_column(BigInteger)
    skatteoppgjoersdato: Mapped[date] = mapped_column(Date)
    registrert: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Skatteoppgjoer(_AssessmentColumns, Base):
    """The current assessment (skatteoppgjør) of a person for an income year."""

    __tablename__ = "skatt_skatteoppgjoer"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)

    __table_args__ = (
        # One current assessment per person and year; also lets "the person's latest" read
        # one index range.
        UniqueConstraint(
            "personidentifikator", "inntektsaar", name="uq_skatt_skatteoppgjoer_person_aar"
        ),
        CheckConstraint(_AMOUNTS_NOT_NEGATIVE, name="beloep"),
        CheckConstraint("versjon >= 1", name="versjon"),
    )


class SkatteoppgjoerHistorikk(_AssessmentColumns, Base):
    """A replaced version of an assessment (the year's skatteoppgjør was changed later)."""

    __tablename__ = "skatt_skatteoppgjoer_historikk"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    # The current row it was a version of.
    skatteoppgjoer_id: Mapped[int] = mapped_column(BigInteger)
    erstattet: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint(
            "personidentifikator",
            "inntektsaar",
            "versjon",
            name="uq_skatt_skatteoppgjoer_historikk_versjon",
        ),
        Index("ix_skatt_skatteoppgjoer_historikk_oppgjoer", "skatteoppgjoer_id"),
    )


class Restanse(Base):
    """A claim of Skatteetaten against a person or an organisation (arrear once overdue)."""

    __tablename__ = "skatt_restanse"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    # Fødselsnummer or D-nummer (11 digits) of a person, organisasjonsnummer (9) of an entity.
    skyldner: Mapped[str] = mapped_column(String(11))
    skyldnertype: Mapped[str] = mapped_column(String(6))  # person | enhet
    # skatt, arbeidsgiveravgift, merverdiavgift, forskuddstrekk (Skatteetaten's restanse kinds)
    kravtype: Mapped[str] = mapped_column(String(30))
    beloep: Mapped[int] = mapped_column(BigInteger)
    forfallsdato: Mapped[date] = mapped_column(Date)
    betalt_dato: Mapped[date | None] = mapped_column(Date)
    registrert: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("beloep > 0", name="beloep"),
        # A debtor's open claims (restanser of a person or an organisation, skatteattest).
        Index("ix_skatt_restanse_skyldner", "skyldner", "betalt_dato"),
    )
