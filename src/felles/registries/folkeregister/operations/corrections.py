"""Changes to one person's own elements: a new name, address protection."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, InvalidInput
from felles.kernel.ids import person_input
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister.document import DEFAULT_KILDE
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.operations.common import (
    Changes,
    check_name,
    check_not_before,
    check_not_future,
    lock_people,
    require_alive,
    resolve,
)

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

GRADERINGER: Final = ("ugradert", "klientadresse", "fortrolig", "strengtFortrolig")


def _load_one(uow: UnitOfWork, ident: str) -> Person:
    parsed = person_input(ident, role="person")
    return resolve(lock_people(uow.session, [parsed]), {"person": parsed})["person"]


def change_name(
    uow: UnitOfWork,
    *,
    ident: str,
    fornavn: str,
    mellomnavn: str | None,
    etternavn: str,
    gyldig_fra: date,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a new name, valid from ``gyldig_fra``."""
    check_name(fornavn, field="fornavn")
    check_name(mellomnavn, field="mellomnavn", required=False)
    check_name(etternavn, field="etternavn")
    check_not_future(gyldig_fra, field="gyldig_fra")
    person = _load_one(uow, ident)
    require_alive(person, role="person")
    check_not_before(gyldig_fra, person.foedselsdato, field="gyldig_fra", what="foedselsdato")
    if (person.fornavn, person.mellomnavn, person.etternavn) == (fornavn, mellomnavn, etternavn):
        raise Conflict("The person already has this name")

    changes = Changes(get_clock().now())
    values = {"fornavn": fornavn, "mellomnavn": mellomnavn, "etternavn": etternavn}
    changes.change(
        person, "navn", values, kilde=kilde, aarsak="navneendring", gyldig_fra=gyldig_fra
    )
    changes.write(uow.session)
    ev.hendelse(uow, person, ev.ENDRING_I_NAVN)
    return person


def set_address_protection(
    uow: UnitOfWork, *, ident: str, gradering: str, kilde: str = DEFAULT_KILDE
) -> Person:
    """Set adressebeskyttelse (ugradert, klientadresse, fortrolig, strengtFortrolig)."""
    if gradering not in GRADERINGER:
        raise InvalidInput(f"gradering must be one of: {', '.join(GRADERINGER)}")
    person = _load_one(uow, ident)
    if person.adressebeskyttelse == gradering:
        raise Conflict(f"The person's adressebeskyttelse is already {gradering}")

    changes = Changes(get_clock().now())
    changes.change(
        person,
        "adressebeskyttelse",
        {"adressebeskyttelse": gradering},
        kilde=kilde,
        aarsak="adressebeskyttelse",
    )
    changes.write(uow.session)
    ev.hendelse(uow, person, ev.ENDRING_I_ADRESSEBESKYTTELSE)
    return person
