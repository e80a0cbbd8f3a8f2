"""Illustrative KRR registrations for demos and docs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.registries.krr.model import KontaktInfo


def reserved_identifiers(session: Session, *, limit: int = 20) -> list[str]:
    """Identifiers of people reserved against digital communication (they get paper)."""
    query = (
        select(KontaktInfo.personidentifikator)
        .where(KontaktInfo.reservasjon.is_(True), KontaktInfo.status == "AKTIV")
        .limit(limit)
    )
    return list(session.scalars(query))
