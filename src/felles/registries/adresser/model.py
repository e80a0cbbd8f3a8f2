"""Tables of the address register. One row per street address (vegadresse)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base


class Vegadresse(Base):
    """A street address as Matrikkelen holds it; ``id`` is adresseIdentifikatorFraMatrikkelen."""

    __tablename__ = "adr_vegadresse"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kommunenummer: Mapped[str] = mapped_column(String(4))
    adressenavn: Mapped[str] = mapped_column(String(100))
    # Street code: identifies the street (adressenavn) within the municipality.
    adressekode: Mapped[int] = mapped_column(Integer)
    husnummer: Mapped[int] = mapped_column(Integer)
    husbokstav: Mapped[str | None] = mapped_column(String(2))
    postnummer: Mapped[str] = mapped_column(String(4))
    poststed: Mapped[str] = mapped_column(String(60))
    # How many dwellings (bruksenheter) the address has; > 1 means flats H0101, H0102, ...
    antall_bruksenheter: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index(
            "uq_adr_vegadresse_kommune_kode_nummer",
            "kommunenummer",
            "adressekode",
            "husnummer",
            "husbokstav",
            unique=True,
        ),
        Index("ix_adr_vegadresse_postnummer", "postnummer"),
        # Random picks within a municipality walk ids in that municipality.
        Index("ix_adr_vegadresse_kommune_id", "kommunenummer", "id"),
    )
