"""Tables of A-ordningen: employments (Aa-registeret) and monthly reported pay (a-meldinger).

* ``aord_arbeidsforhold`` — one row per employment: who (``arbeidstaker``, the person's
  identity number when the employment was registered), for whom (``opplysningspliktig``, the
  legal entity's orgnr, and ``arbeidssted``, the sub-unit where the person works), the type and
  the period. Its ``id`` is Aa-registeret's ``navArbeidsforholdId``; ``versjon`` its
  ``navVersjon`` (raised by every change, guards concurrent ones).
* ``aord_ansettelsesdetaljer`` — the employment's details over time: position percentage and
  occupation, each version valid from ``gyldig_fra`` to ``gyldig_til`` (NULL for the current
  one). A change closes the current version and adds one; nothing is overwritten.
* ``aord_amelding`` — one a-melding: an employer's report for a calendar month. Reporting the
  month again adds the next ``versjon`` and marks the earlier one ``erstattet`` (replaced); the
  replaced rows stay as history.
* ``aord_inntekt`` — the lines of an a-melding: per employee and sub-unit, pay by kind
  (``beskrivelse``, whole NOK) and the withholding tax (``beskrivelse`` = forskuddstrekk).
  ``norskident`` and ``kalendermaaned`` are copied from the employment and the melding, so "a
  person's income from month to month" is one index range.

Calendar months are ``YYYY-MM`` strings (they sort in time order). The invariants the
operations keep are also checks here where one row can state them: an employment never ends
before it starts, 0 < stillingsprosent ≤ 100, amounts are not negative.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK


class Arbeidsforhold(Base):
    """An employment relationship (arbeidsforhold) as Aa-registeret holds it."""

    __tablename__ = "aord_arbeidsforhold"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    arbeidstaker: Mapped[str] = mapped_column(String(11))
    opplysningspliktig: Mapped[str] = mapped_column(String(9))
    arbeidssted: Mapped[str] = mapped_column(String(9))
    type: Mapped[str] = mapped_column(String(48))
    startdato: Mapped[date] = mapped_column(Date)
    sluttdato: Mapped[date | None] = mapped_column(Date)
    sluttaarsak: Mapped[str | None] = mapped_column(String(60))
    opprettet: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sist_endret: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    versjon: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("sluttdato IS NULL OR sluttdato >= startdato", name="periode"),
        # A person's employments (the arbeidstaker API, pay reports, the simulator).
        Index("ix_aord_arbeidsforhold_arbeidstaker", "arbeidstaker", "startdato"),
        # An employer's employments (the arbeidssted and opplysningspliktig APIs).
        Index("ix_aord_arbeidsforhold_opplysningspliktig", "opplysningspliktig"),
        Index("ix_aord_arbeidsforhold_arbeidssted", "arbeidssted"),
    )


class Ansettelsesdetaljer(Base):
    """One version of an employment's details (position percentage, occupation)."""

    __tablename__ = "aord_ansettelsesdetaljer"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    arbeidsforhold_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("aord_arbeidsforhold.id"))
    gyldig_fra: Mapped[date] = mapped_column(Date)
    # The last day of this version; NULL while it is the current one.
    gyldig_til: Mapped[date | None] = mapped_column(Date)
    # avtaltStillingsprosent, two decimals (33.33 is a third of a full position).
    stillingsprosent: Mapped[float] = mapped_column(Numeric(5, 2, asdecimal=False))
    yrke: Mapped[str] = mapped_column(String(4))  # STYRK-08
    registrert: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(
            "stillingsprosent > 0 AND stillingsprosent <= 100", name="stillingsprosent"
        ),
        CheckConstraint("gyldig_til IS NULL OR gyldig_til >= gyldig_fra", name="gyldighet"),
        Index("ix_aord_ansettelsesdetaljer_arbeidsforhold", "arbeidsforhold_id", "gyldig_fra"),
    )


class AMelding(Base):
    """One a-melding: what an employer (opplysningspliktig) reported for a calendar month."""

    __tablename__ = "aord_amelding"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    opplysningspliktig: Mapped[str] = mapped_column(String(9))
    kalendermaaned: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    # 1 for the first report of the month, one more for every replacement.
    versjon: Mapped[int] = mapped_column(Integer)
    mottatt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When a later report of the same month replaced this one; NULL while it is current.
    erstattet: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    antall_inntektsmottakere: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        # Two reports racing for the same month cannot both become the next version.
        UniqueConstraint(
            "opplysningspliktig",
            "kalendermaaned",
            "versjon",
            name="uq_aord_amelding_maaned_versjon",
        ),
    )


class Inntekt(Base):
    """One line of an a-melding: an amount of pay of one kind, or the withholding tax."""

    __tablename__ = "aord_inntekt"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    amelding_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("aord_amelding.id"))
    arbeidsforhold_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("aord_arbeidsforhold.id"))
    norskident: Mapped[str] = mapped_column(String(11))
    virksomhet: Mapped[str] = mapped_column(String(9))
    kalendermaaned: Mapped[str] = mapped_column(String(7))
    beskrivelse: Mapped[str] = mapped_column(String(60))
    beloep: Mapped[int] = mapped_column(BigInteger)  # whole NOK

    __table_args__ = (
        CheckConstraint("beloep >= 0", name="beloep"),
        Index("ix_aord_inntekt_norskident", "norskident", "kalendermaaned"),
        Index("ix_aord_inntekt_amelding", "amelding_id"),
        Index("ix_aord_inntekt_arbeidsforhold", "arbeidsforhold_id", "kalendermaaned"),
    )
