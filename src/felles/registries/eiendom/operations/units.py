"""Matrikkelen: registering cadastral units, and linking street addresses to them.

A unit's number must be new, its type must agree with its number (only an eierseksjon has a
seksjonsnummer, only a festegrunn — or a section of one — a festenummer), and the unit it is
part of (a festegrunn's grunneiendom, a section's unit) must be registered first, or earlier
in the same batch. Addresses come from the address register, must lie in the unit's
municipality and lie on one unit at most.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, delete

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.setwise import insert_many
from felles.kernel.web import MAX_BIGINT
from felles.registries.adresser import queries as adresser
from felles.registries.eiendom import events, queries
from felles.registries.eiendom.model import Adressekobling, Matrikkelenhet
from felles.registries.eiendom.operations.common import (
    lock_units,
    touch_units,
    unit_or_raise,
)
from felles.registries.eiendom.values import MAX_AREAL, Matrikkelnummer, check_type

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork
    from felles.registries.adresser.model import Vegadresse

_links = cast("Table", Adressekobling.__table__)
MAX_ADDRESSES = 1000


@dataclass(frozen=True, slots=True)
class NewUnit:
    """A cadastral unit to register, with the ids of the street addresses on it."""

    matrikkelnummer: Matrikkelnummer
    matrikkelenhetstype: str
    areal: float | None = None
    adresse_ids: tuple[int, ...] = ()


def _check_adresse_id(adresse_id: int) -> None:
    if not 1 <= adresse_id <= MAX_BIGINT:
        raise InvalidInput(f"adresseIdentifikatorFraMatrikkelen must be 1-{MAX_BIGINT}")


def _check_input(unit: NewUnit) -> None:
    number = unit.matrikkelnummer.checked()
    if adresser.find_kommune(kommunenummer=number.kommunenummer) is None:
        raise InvalidInput(f"kommunenummer {number.kommunenummer} is not a Norwegian municipality")
    check_type(number, unit.matrikkelenhetstype)
    areal = unit.areal
    if areal is not None and not (math.isfinite(areal) and 0 < areal <= MAX_AREAL):
        raise InvalidInput(f"areal must be above 0 and at most {MAX_AREAL:.0e} square metres")
    if len(unit.adresse_ids) > MAX_ADDRESSES:
        raise InvalidInput(f"a unit can be registered with at most {MAX_ADDRESSES} addresses")
    if len(set(unit.adresse_ids)) != len(unit.adresse_ids):
        raise InvalidInput("an address is named twice")
    for adresse_id in unit.adresse_ids:
        _check_adresse_id(adresse_id)


def _check_address(
    adresse_id: int, adresse: Vegadresse | None, *, kommunenummer: str, linked_to: int | None
) -> None:
    if adresse is None:
        raise InvalidInput(f"No address {adresse_id} (adresseIdentifikatorFraMatrikkelen) exists")
    if adresse.kommunenummer != kommunenummer:
        raise InvalidInput(
            f"address {adresse_id} lies in municipality {adresse.kommunenummer}, "
            f"not {kommunenummer}"
        )
    if linked_to is not None:
        raise Conflict(f"address {adresse_id} already lies on another cadastral unit")


def _event_data(unit: Matrikkelenhet, adresse_ids: Sequence[int]) -> dict[str, Any]:
    return {
        "matrikkelenhetstype": unit.matrikkelenhetstype,
        "areal": unit.areal,
        "adresser": list(adresse_ids),
    }


def register_units(uow: UnitOfWork, *, units: Sequence[NewUnit]) -> list[Matrikkelenhet | Problem]:
    """Register many units at once; per unit the new row or the ``Problem`` refusing it.

    Existing units and their parents are read in one statement, the addresses and their
    current links in one each; the units are inserted in one statement and the links in
    one more. Refused units write nothing.
    """
    batch: Batch[Matrikkelenhet] = Batch(len(units))
    batch.each(lambda index: _check_input(units[index]))
    session = uow.session
    wanted = {units[i].matrikkelnummer for i in batch.open()}
    parents = {number.parent for number in wanted if number.parent is not None}
    existing = lock_units(session, wanted | parents)
    all_ids = {a for i in batch.open() for a in units[i].adresse_ids}
    adressen = adresser.addresses_by_ids(session, ids=sorted(all_ids))
    linked = queries.linked_units(session, adresse_ids=all_ids)
    accepted: set[Matrikkelnummer] = set()
    taken: set[int] = set()

    def check(index: int) -> None:
        unit = units[index]
        number = unit.matrikkelnummer
        if number in existing or number in accepted:
            raise Conflict(f"The cadastral unit {number} is already registered")
        parent = number.parent
        if parent is not None and parent not in existing and parent not in accepted:
            raise Conflict(f"The unit {number} is part of {parent}, which is not registered")
        for adresse_id in unit.adresse_ids:
            linked_to = linked.get(adresse_id)
            if linked_to is None and adresse_id in taken:
                linked_to = -1  # an earlier unit of this batch
            _check_address(
                adresse_id,
                adressen.get(adresse_id),
                kommunenummer=number.kommunenummer,
                linked_to=linked_to,
            )
        accepted.add(number)
        taken.update(unit.adresse_ids)

    batch.each(check)
    now = get_clock().now()
    rows: dict[int, Matrikkelenhet] = {}
    for index in batch.open():
        unit, number = units[index], units[index].matrikkelnummer
        rows[index] = Matrikkelenhet(
            kommunenummer=number.kommunenummer,
            gaardsnummer=number.gaardsnummer,
            bruksnummer=number.bruksnummer,
            festenummer=number.festenummer,
            seksjonsnummer=number.seksjonsnummer,
            matrikkelenhetstype=unit.matrikkelenhetstype,
            areal=unit.areal,
            opprettet=now,
            endret=now,
            versjon=1,
        )
    session.add_all(rows.values())
    session.flush()
    insert_many(
        session,
        _links,
        [
            {"adresse_id": adresse_id, "matrikkelenhet_id": row.id, "koblet": now}
            for index, row in rows.items()
            for adresse_id in units[index].adresse_ids
        ],
    )
    for index, row in rows.items():
        batch.done(index, row)
        events.emit(
            uow,
            type=events.ENHET_OPPRETTET,
            matrikkelnummer=units[index].matrikkelnummer,
            data=_event_data(row, units[index].adresse_ids),
        )
    return batch.results()


def register_unit(
    uow: UnitOfWork,
    *,
    matrikkelnummer: Matrikkelnummer,
    matrikkelenhetstype: str,
    areal: float | None = None,
    adresse_ids: Collection[int] = (),
) -> Matrikkelenhet:
    """Register a cadastral unit with the street addresses on it."""
    unit = NewUnit(matrikkelnummer, matrikkelenhetstype, areal, tuple(adresse_ids))
    return single(register_units(uow, units=[unit]))


def link_address(
    uow: UnitOfWork, *, matrikkelnummer: Matrikkelnummer, adresse_id: int
) -> Matrikkelenhet:
    """Link a street address from the address register to a unit of its municipality."""
    number = matrikkelnummer.checked()
    _check_adresse_id(adresse_id)
    session = uow.session
    unit = unit_or_raise(lock_units(session, [number]), number)
    adresse = adresser.addresses_by_ids(session, ids=[adresse_id]).get(adresse_id)
    linked_to = queries.linked_units(session, adresse_ids=[adresse_id]).get(adresse_id)
    if linked_to == unit.id:
        raise Conflict(f"address {adresse_id} already lies on {number}")
    _check_address(adresse_id, adresse, kommunenummer=number.kommunenummer, linked_to=linked_to)
    now = get_clock().now()
    touch_units(session, [unit], now=now)
    insert_many(
        session, _links, [{"adresse_id": adresse_id, "matrikkelenhet_id": unit.id, "koblet": now}]
    )
    events.emit(
        uow,
        type=events.ADRESSE_KOBLET,
        matrikkelnummer=number,
        data={"adresseIdentifikatorFraMatrikkelen": adresse_id},
    )
    return unit


def unlink_address(
    uow: UnitOfWork, *, matrikkelnummer: Matrikkelnummer, adresse_id: int
) -> Matrikkelenhet:
    """Unlink a street address from the unit it lies on."""
    number = matrikkelnummer.checked()
    _check_adresse_id(adresse_id)
    session = uow.session
    unit = unit_or_raise(lock_units(session, [number]), number)
    linked_to = queries.linked_units(session, adresse_ids=[adresse_id]).get(adresse_id)
    if linked_to != unit.id:
        raise NotFound(f"address {adresse_id} does not lie on {number}")
    touch_units(session, [unit], now=get_clock().now())
    session.execute(
        delete(_links).where(
            _links.c.adresse_id == adresse_id, _links.c.matrikkelenhet_id == unit.id
        )
    )
    events.emit(
        uow,
        type=events.ADRESSE_FRAKOBLET,
        matrikkelnummer=number,
        data={"adresseIdentifikatorFraMatrikkelen": adresse_id},
    )
    return unit
