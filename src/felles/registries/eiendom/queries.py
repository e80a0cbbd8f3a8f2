"""Reads of the property registry: units, their addresses, owners and owner history.

Every function takes a session and reads this block's tables only; a unit's view (its
addresses and current owners) for any number of units costs three indexed selects.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from felles.kernel.db import member_of
from felles.registries.eiendom.model import Adressekobling, Dokument, Hjemmel, Matrikkelenhet
from felles.registries.eiendom.values import Hjemmelshavertype, Matrikkelnummer

MAX_UNITS: Final = 1000


@dataclass(frozen=True, slots=True)
class Eierandel:
    """One owner's share of a unit over a period (``til_dokument`` None: current)."""

    id: int
    matrikkelenhet_id: int
    hjemmelshaver: str
    hjemmelshavertype: Hjemmelshavertype
    andel: Fraction
    gyldig_fra: date
    fra_dokument: int
    gyldig_til: date | None = None
    til_dokument: int | None = None


@dataclass(frozen=True, slots=True)
class UnitView:
    """A unit with the ids of its addresses and its current owners (largest share first)."""

    unit: Matrikkelenhet
    adresse_ids: tuple[int, ...]
    hjemmelshavere: tuple[Eierandel, ...]

    @property
    def matrikkelnummer(self) -> Matrikkelnummer:
        return matrikkelnummer_of(self.unit)


def matrikkelnummer_of(unit: Matrikkelenhet) -> Matrikkelnummer:
    return Matrikkelnummer(
        unit.kommunenummer,
        unit.gaardsnummer,
        unit.bruksnummer,
        unit.festenummer,
        unit.seksjonsnummer,
    )


_HJEMMEL_COLUMNS: Final = (
    Hjemmel.id,
    Hjemmel.matrikkelenhet_id,
    Hjemmel.hjemmelshaver,
    Hjemmel.hjemmelshavertype,
    Hjemmel.teller,
    Hjemmel.nevner,
    Hjemmel.gyldig_fra,
    Hjemmel.fra_dokument_id,
    Hjemmel.gyldig_til,
    Hjemmel.til_dokument_id,
)


def _eierandel(row: Any) -> Eierandel:
    return Eierandel(
        id=row.id,
        matrikkelenhet_id=row.matrikkelenhet_id,
        hjemmelshaver=row.hjemmelshaver,
        hjemmelshavertype=row.hjemmelshavertype,
        andel=Fraction(row.teller, row.nevner),
        gyldig_fra=row.gyldig_fra,
        fra_dokument=row.fra_dokument_id,
        gyldig_til=row.gyldig_til,
        til_dokument=row.til_dokument_id,
    )


def _owner_order(share: Eierandel) -> tuple[Fraction, str]:
    return (-share.andel, share.hjemmelshaver)


# ----------------------------------------------------------------------------- units


def get_unit(session: Session, matrikkelnummer: Matrikkelnummer) -> Matrikkelenhet | None:
    """The unit with this matrikkelnummer, or None."""
    n = matrikkelnummer
    query = select(Matrikkelenhet).where(
        Matrikkelenhet.kommunenummer == n.kommunenummer,
        Matrikkelenhet.gaardsnummer == n.gaardsnummer,
        Matrikkelenhet.bruksnummer == n.bruksnummer,
        Matrikkelenhet.festenummer == n.festenummer,
        Matrikkelenhet.seksjonsnummer == n.seksjonsnummer,
    )
    return session.scalars(query).first()


def units_on_gaard(
    session: Session,
    *,
    kommunenummer: str,
    gaardsnummer: int,
    bruksnummer: int | None = None,
    limit: int = MAX_UNITS,
) -> list[Matrikkelenhet]:
    """The units with this gårdsnummer (and bruksnummer) in the municipality, in number order."""
    query = select(Matrikkelenhet).where(
        Matrikkelenhet.kommunenummer == kommunenummer,
        Matrikkelenhet.gaardsnummer == gaardsnummer,
    )
    if bruksnummer is not None:
        query = query.where(Matrikkelenhet.bruksnummer == bruksnummer)
    query = query.order_by(
        Matrikkelenhet.bruksnummer, Matrikkelenhet.festenummer, Matrikkelenhet.seksjonsnummer
    )
    return list(session.scalars(query.limit(limit)))


def units_at_address(session: Session, *, adresse_id: int) -> list[Matrikkelenhet]:
    """The unit the address lies on (an address lies on one unit at most)."""
    query = (
        select(Matrikkelenhet)
        .join(Adressekobling, Adressekobling.matrikkelenhet_id == Matrikkelenhet.id)
        .where(Adressekobling.adresse_id == adresse_id)
    )
    return list(session.scalars(query))


def linked_units(session: Session, *, adresse_ids: Collection[int]) -> dict[int, int]:
    """The unit id of each address that lies on a unit, by address id."""
    if not adresse_ids:
        return {}
    query = select(Adressekobling.adresse_id, Adressekobling.matrikkelenhet_id).where(
        member_of(session, Adressekobling.adresse_id, adresse_ids)
    )
    return {adresse_id: unit_id for adresse_id, unit_id in session.execute(query)}


def address_ids(session: Session, *, unit_ids: Collection[int]) -> dict[int, list[int]]:
    """The address ids of each unit, in id order."""
    result: dict[int, list[int]] = {}
    if not unit_ids:
        return result
    query = (
        select(Adressekobling.matrikkelenhet_id, Adressekobling.adresse_id)
        .where(member_of(session, Adressekobling.matrikkelenhet_id, unit_ids))
        .order_by(Adressekobling.adresse_id)
    )
    for unit_id, adresse_id in session.execute(query):
        result.setdefault(unit_id, []).append(adresse_id)
    return result


# ---------------------------------------------------------------------------- owners


def current_owners(session: Session, *, unit_ids: Collection[int]) -> dict[int, list[Eierandel]]:
    """The current owners of each unit (largest share first); units without any left out."""
    result: dict[int, list[Eierandel]] = {}
    if not unit_ids:
        return result
    query = select(*_HJEMMEL_COLUMNS).where(
        member_of(session, Hjemmel.matrikkelenhet_id, unit_ids),
        Hjemmel.til_dokument_id.is_(None),
    )
    for row in session.execute(query):
        share = _eierandel(row)
        result.setdefault(share.matrikkelenhet_id, []).append(share)
    for shares in result.values():
        shares.sort(key=_owner_order)
    return result


def owned_by(session: Session, *, ident: str) -> list[Eierandel]:
    """The shares a person or entity holds now, one per unit, in unit order."""
    query = (
        select(*_HJEMMEL_COLUMNS)
        .where(Hjemmel.hjemmelshaver == ident, Hjemmel.til_dokument_id.is_(None))
        .order_by(Hjemmel.matrikkelenhet_id)
    )
    return [_eierandel(row) for row in session.execute(query)]


def owned_by_many(session: Session, *, idents: Collection[str]) -> dict[str, list[Eierandel]]:
    """The shares each person or entity holds now (as ``owned_by``), keyed by identifier;
    one query for any number of owners. Identifiers that hold nothing are left out."""
    result: dict[str, list[Eierandel]] = {}
    if not idents:
        return result
    query = (
        select(*_HJEMMEL_COLUMNS)
        .where(
            member_of(session, Hjemmel.hjemmelshaver, sorted(set(idents))),
            Hjemmel.til_dokument_id.is_(None),
        )
        .order_by(Hjemmel.matrikkelenhet_id, Hjemmel.id)
    )
    for row in session.execute(query):
        share = _eierandel(row)
        result.setdefault(share.hjemmelshaver, []).append(share)
    return result


def owner_history(session: Session, *, unit_id: int) -> list[Eierandel]:
    """Every share the unit's owners ever held, oldest first."""
    query = (
        select(*_HJEMMEL_COLUMNS)
        .where(Hjemmel.matrikkelenhet_id == unit_id)
        .order_by(Hjemmel.gyldig_fra, Hjemmel.fra_dokument_id, Hjemmel.id)
    )
    return [_eierandel(row) for row in session.execute(query)]


def documents(session: Session, *, unit_id: int) -> list[Dokument]:
    """The unit's registered documents, oldest first."""
    query = select(Dokument).where(Dokument.matrikkelenhet_id == unit_id).order_by(Dokument.id)
    return list(session.scalars(query))


def documents_by_id(session: Session, *, ids: Collection[int]) -> dict[int, Dokument]:
    if not ids:
        return {}
    query = select(Dokument).where(member_of(session, Dokument.id, ids))
    return {document.id: document for document in session.scalars(query)}


def last_document_dates(session: Session, *, unit_ids: Collection[int]) -> dict[int, date]:
    """The date of each unit's newest document (units without documents left out)."""
    if not unit_ids:
        return {}
    query = (
        select(Dokument.matrikkelenhet_id, func.max(Dokument.dato))
        .where(member_of(session, Dokument.matrikkelenhet_id, unit_ids))
        .group_by(Dokument.matrikkelenhet_id)
    )
    return {unit_id: day for unit_id, day in session.execute(query)}


# ----------------------------------------------------------------------------- views


def unit_views(session: Session, units: Sequence[Matrikkelenhet]) -> list[UnitView]:
    """Views of the units in the order given (two more selects, whatever the number)."""
    ids = [unit.id for unit in units]
    addresses = address_ids(session, unit_ids=ids)
    owners = current_owners(session, unit_ids=ids)
    return [
        UnitView(
            unit=unit,
            adresse_ids=tuple(addresses.get(unit.id, ())),
            hjemmelshavere=tuple(owners.get(unit.id, ())),
        )
        for unit in units
    ]


def unit_view(session: Session, matrikkelnummer: Matrikkelnummer) -> UnitView | None:
    """The view of the unit with this number, or None."""
    unit = get_unit(session, matrikkelnummer)
    return None if unit is None else unit_views(session, [unit])[0]


def units_by_id(session: Session, *, ids: Collection[int]) -> dict[int, Matrikkelenhet]:
    if not ids:
        return {}
    query = select(Matrikkelenhet).where(member_of(session, Matrikkelenhet.id, ids))
    return {unit.id: unit for unit in session.scalars(query)}
