"""Registrations on top of Enhetsregisteret and the end of a unit's life.

Foretaksregisteret (business enterprises), Frivillighetsregisteret (voluntary organisations)
and Merverdiavgiftsregisteret (VAT) are registers of their own in reality; here they are
flags on the unit, set by these commands. A bankruptcy (konkurs) and a resolved dissolution
(avvikling; ``tvangsavvikling`` when a court forces it) mark the entity; deletion sets
``slettedato`` (the API then answers 410 Gone), deletes the entity's active sub-units with
it and removes its roles.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import delete, select

from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict
from felles.registries.enhetsregisteret import events, reference
from felles.registries.enhetsregisteret.model import Enhet, Rolle
from felles.registries.enhetsregisteret.operations.common import (
    ENDRING,
    SLETTING,
    checked_date,
    checked_orgnr,
    main_entity_or_raise,
    now,
    record,
    require_not_deleted,
    today,
    unit_or_raise,
)

#: Forms Frivillighetsregisteret accepts (associations, foundations, and companies and
#: cooperatives with a non-profit purpose).
FRIVILLIGHET_FORMER: Final = frozenset({"FLI", "STI", "SA", "AS"})


def register_in_foretaksregisteret(uow: UnitOfWork, *, orgnr: str) -> Enhet:
    """Register a business (næringsdrivende) entity in Foretaksregisteret."""
    enhet = main_entity_or_raise(uow, checked_orgnr(orgnr))
    if not reference.organisasjonsformer()[enhet.organisasjonsform].naeringsdrivende:
        raise Conflict(
            f"an entity of form {enhet.organisasjonsform} cannot be in Foretaksregisteret"
        )
    if enhet.registrert_i_foretaksregisteret:
        raise Conflict("the entity is already registered in Foretaksregisteret")
    enhet.registrert_i_foretaksregisteret = True
    enhet.endret = now()
    record(uow, enhet, ENDRING, events.REGISTRERT_I_FORETAKSREGISTERET)
    return enhet


def register_in_frivillighetsregisteret(uow: UnitOfWork, *, orgnr: str) -> Enhet:
    """Register a voluntary organisation in Frivillighetsregisteret."""
    enhet = main_entity_or_raise(uow, checked_orgnr(orgnr))
    if enhet.organisasjonsform not in FRIVILLIGHET_FORMER:
        allowed = ", ".join(sorted(FRIVILLIGHET_FORMER))
        raise Conflict(f"only entities of form {allowed} can be in Frivillighetsregisteret")
    if enhet.registrert_i_frivillighetsregisteret:
        raise Conflict("the entity is already registered in Frivillighetsregisteret")
    enhet.registrert_i_frivillighetsregisteret = True
    enhet.endret = now()
    record(uow, enhet, ENDRING, events.REGISTRERT_I_FRIVILLIGHETSREGISTERET)
    return enhet


def register_in_mvaregisteret(uow: UnitOfWork, *, orgnr: str) -> Enhet:
    """Register an entity (and its active sub-units) in Merverdiavgiftsregisteret."""
    enhet = main_entity_or_raise(uow, checked_orgnr(orgnr))
    if enhet.registrert_i_mvaregisteret:
        raise Conflict("the entity is already registered in Merverdiavgiftsregisteret")
    if enhet.konkurs:
        raise Conflict("a bankrupt entity cannot be registered in Merverdiavgiftsregisteret")
    enhet.registrert_i_mvaregisteret = True
    enhet.endret = now()
    record(uow, enhet, ENDRING, events.REGISTRERT_I_MVAREGISTERET)
    return enhet


def register_bankruptcy(uow: UnitOfWork, *, orgnr: str, konkursdato: date | None = None) -> Enhet:
    """A court opened bankruptcy proceedings (konkurs) against the entity."""
    day = checked_date(konkursdato, field="konkursdato") or today()
    enhet = main_entity_or_raise(uow, checked_orgnr(orgnr))
    if enhet.konkurs:
        raise Conflict(f"the entity is already bankrupt (since {enhet.konkursdato})")
    enhet.konkurs, enhet.konkursdato, enhet.endret = True, day, now()
    record(uow, enhet, ENDRING, events.KONKURS, konkursdato=day)
    return enhet


def register_dissolution(
    uow: UnitOfWork, *, orgnr: str, dato: date | None = None, tvangsavvikling: bool = False
) -> Enhet:
    """The entity is being dissolved (under avvikling), by its owners or by a court."""
    day = checked_date(dato, field="dato") or today()
    enhet = main_entity_or_raise(uow, checked_orgnr(orgnr))
    if tvangsavvikling and enhet.under_tvangsavvikling:
        raise Conflict("the entity is already under forced dissolution")
    if not tvangsavvikling and enhet.under_avvikling:
        raise Conflict(
            f"the entity is already under dissolution (since {enhet.under_avvikling_dato})"
        )
    if tvangsavvikling:
        enhet.under_tvangsavvikling = True
    else:
        enhet.under_avvikling, enhet.under_avvikling_dato = True, day
    enhet.endret = now()
    record(
        uow,
        enhet,
        ENDRING,
        events.UNDER_AVVIKLING,
        avviklingsdato=day,
        tvangsavvikling=tvangsavvikling,
    )
    return enhet


def delete_unit(uow: UnitOfWork, *, orgnr: str, slettedato: date | None = None) -> Enhet:
    """Delete a unit: ``slettedato`` set, the API answers 410 from then on.

    A main entity takes its active sub-units with it (each with its own Sletting) and loses
    its roles; roles it holds in other entities stay and show ``erSlettet``.
    """
    day = checked_date(slettedato, field="slettedato") or today()
    unit = unit_or_raise(uow, checked_orgnr(orgnr))
    require_not_deleted(unit, role="the unit")
    when = now()
    if not unit.er_underenhet:
        children = uow.session.scalars(
            select(Enhet)
            .where(Enhet.overordnet_enhet == unit.organisasjonsnummer)
            .where(Enhet.er_underenhet.is_(True), Enhet.slettedato.is_(None))
            .order_by(Enhet.organisasjonsnummer)
        ).all()
        for child in children:
            child.slettedato, child.endret = day, when
            record(uow, child, SLETTING, events.UNDERENHET_SLETTET, slettedato=day)
        uow.session.execute(delete(Rolle).where(Rolle.enhet_id == unit.id))
    unit.slettedato, unit.endret = day, when
    name = events.UNDERENHET_SLETTET if unit.er_underenhet else events.ENHET_SLETTET
    record(uow, unit, SLETTING, name, slettedato=day)
    return unit
