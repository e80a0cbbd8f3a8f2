"""Reads of KRR: registrations by person, and the notification rule (varslingsstatus).

The 18-month rule (eForvaltningsforskriften § 32; Digdir's "18-månedersregel"): contact
details that have been neither updated nor confirmed in the last 18 months must not be used
to notify. felles derives ``varslingsstatus`` from that:

* KAN_IKKE_VARSLES when the person is not registered (IKKE_REGISTRERT), deleted (SLETTET),
  reserved, has neither e-mail nor mobile number, or when *no* registered detail has an
  ``_oppdatert`` or ``_sist_verifisert`` time strictly newer than 18 calendar months before
  the clock's now;
* KAN_VARSLES otherwise, i.e. when at least one of e-mail and mobile number is fresh (Digdir:
  "så lenge ett av datofeltene sistOppdatert eller sistVerifisert er nyere enn 18 mnd").

Stale details are still delivered, as the real register does (they may be used for service
messages); a consumer that needs to know which channel is fresh checks the dates itself.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.registries.krr.model import KontaktInfo

Status = Literal["AKTIV", "SLETTET", "IKKE_REGISTRERT"]
Varslingsstatus = Literal["KAN_VARSLES", "KAN_IKKE_VARSLES"]

AKTIV: Final = "AKTIV"
SLETTET: Final = "SLETTET"
IKKE_REGISTRERT: Final = "IKKE_REGISTRERT"
KAN_VARSLES: Final = "KAN_VARSLES"
KAN_IKKE_VARSLES: Final = "KAN_IKKE_VARSLES"

#: How long contact details stay usable for notification without update or confirmation.
FRESHNESS_MONTHS = 18


def get_registration(session: Session, *, personidentifikator: str) -> KontaktInfo | None:
    """The person's registration (AKTIV or SLETTET), or None when never registered."""
    return session.get(KontaktInfo, personidentifikator)


def get_registrations(
    session: Session, *, personidentifikatorer: Iterable[str]
) -> dict[str, KontaktInfo]:
    """Registrations for many people in one query, keyed by personidentifikator."""
    wanted = list(dict.fromkeys(personidentifikatorer))
    if not wanted:
        return {}
    query = select(KontaktInfo).where(KontaktInfo.personidentifikator.in_(wanted))
    return {row.personidentifikator: row for row in session.scalars(query)}


def status_of(row: KontaktInfo | None) -> Status:
    """AKTIV or SLETTET from the row; IKKE_REGISTRERT when there is none."""
    if row is None:
        return IKKE_REGISTRERT
    return SLETTET if row.status == SLETTET else AKTIV


def as_utc(instant: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite gives naive values, which are UTC in felles)."""
    if instant is None:
        return None
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def months_before(instant: datetime, months: int) -> datetime:
    """The same wall time ``months`` calendar months earlier (day clamped to month end)."""
    index = instant.year * 12 + (instant.month - 1) - months
    year, month = divmod(index, 12)
    day = min(instant.day, calendar.monthrange(year, month + 1)[1])
    return instant.replace(year=year, month=month + 1, day=day)


def freshness_cutoff(now: datetime) -> datetime:
    """The 18-month cutoff at ``now``: a detail is fresh when updated or confirmed after it."""
    return months_before(now.astimezone(UTC), FRESHNESS_MONTHS)


def fresh(oppdatert: datetime | None, verifisert: datetime | None, *, cutoff: datetime) -> bool:
    """Whether a detail updated at ``oppdatert`` and confirmed at ``verifisert`` is fresh:
    one of the times strictly after ``cutoff`` (``freshness_cutoff``)."""
    times = [t for t in (as_utc(oppdatert), as_utc(verifisert)) if t is not None]
    return any(t > cutoff for t in times)


def fresh_channels(row: KontaktInfo, *, now: datetime) -> tuple[bool, bool]:
    """Whether the e-mail and the mobile number are registered and fresh (18-month rule)."""
    cutoff = freshness_cutoff(now)
    epost = row.epostadresse is not None and fresh(
        row.epostadresse_oppdatert, row.epostadresse_sist_verifisert, cutoff=cutoff
    )
    mobil = row.mobiltelefonnummer is not None and fresh(
        row.mobiltelefonnummer_oppdatert, row.mobiltelefonnummer_sist_verifisert, cutoff=cutoff
    )
    return epost, mobil


def varslingsstatus(row: KontaktInfo | None, *, now: datetime) -> Varslingsstatus:
    """KAN_VARSLES or KAN_IKKE_VARSLES by the rule in this module's docstring."""
    if row is None or status_of(row) != AKTIV or row.reservasjon:
        return KAN_IKKE_VARSLES
    return KAN_VARSLES if any(fresh_channels(row, now=now)) else KAN_IKKE_VARSLES
