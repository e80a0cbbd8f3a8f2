"""The public-sector units later services need as owners: registered once, at start.

``seed_public_sector`` registers every municipality (KOMM), every county authority (FYLK)
and the main state agencies (ORGL) from ``data/offentlige_enheter.csv`` through
``register_enhet``, so each is an event and a change-feed row like any registration. It is
idempotent: units already registered are left as they are. State agencies carry their real
organisation numbers where verified (see ``data/SOURCES.md``); the others have reserved
synthetic numbers (39xxxxxxx, decision 0014).
"""

from __future__ import annotations

from felles.kernel.db import Database, UnitOfWork
from felles.registries.enhetsregisteret import queries, reference
from felles.registries.enhetsregisteret.operations import register_enhet


def _seed(uow: UnitOfWork) -> int:
    units = reference.offentlige_enheter()
    known = queries.units_status(uow.session, orgnrs=[u.organisasjonsnummer for u in units])
    added = 0
    for unit in units:
        if unit.organisasjonsnummer in known:
            continue
        register_enhet(
            uow,
            organisasjonsnummer=unit.organisasjonsnummer,
            navn=unit.navn,
            organisasjonsform=unit.organisasjonsform,
            naeringskode=unit.naeringskode,
            kommunenummer=unit.kommunenummer,
        )
        added += 1
    return added


def seed_public_sector(uow_or_database: UnitOfWork | Database) -> int:
    """Register the public-sector units not yet registered; returns how many were added.

    Given a ``UnitOfWork`` it does not commit (the caller does); given a ``Database`` it runs
    in a unit of work of its own and commits.
    """
    if isinstance(uow_or_database, UnitOfWork):
        return _seed(uow_or_database)
    with uow_or_database.unit_of_work() as uow:
        added = _seed(uow)
        uow.commit()
        return added
