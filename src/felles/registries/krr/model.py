"""Tables of KRR. One row per registered person; people without a row are IKKE_REGISTRERT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base


class KontaktInfo(Base):
    __tablename__ = "krr_person"

    personidentifikator: Mapped[str] = mapped_column(String(11), primary_key=True)
    # AKTIV or SLETTET (a deleted registration is kept, with its contact details removed).
    status: Mapped[str] = mapped_column(String(16), default="AKTIV")
    reservasjon: Mapped[bool] = mapped_column(Boolean, default=False)
    reservasjonstidspunkt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    epostadresse: Mapped[str | None] = mapped_column(String(200))
    epostadresse_oppdatert: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    epostadresse_sist_verifisert: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mobiltelefonnummer: Mapped[str | None] = mapped_column(String(20))
    mobiltelefonnummer_oppdatert: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mobiltelefonnummer_sist_verifisert: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True)
    )
    # Digital mailbox (digital postkasse): address at the provider and the provider's orgnr.
    postkasseadresse: Mapped[str | None] = mapped_column(String(100))
    postkasseleverandoeradresse: Mapped[str | None] = mapped_column(String(9))
    spraak: Mapped[str | None] = mapped_column(String(2))
    spraak_oppdatert: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opprettet: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    endret: Mapped[datetime] = mapped_column(DateTime(timezone=True))
