"""Deaths: the person's status becomes doed; a spouse or partner becomes widowed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, Problem
from felles.kernel.ids import person_input
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister.document import DEFAULT_KILDE
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.operations.common import (
    Changes,
    check_not_before,
    check_not_future,
    claim_people,
    is_dead,
    lock_people,
    lock_people_by_id,
    resolve,
)
from felles.registries.folkeregister.queries import MARRIED

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork


@dataclass(frozen=True, slots=True)
class Death:
    ident: str
    doedsdato: date
    kilde: str = DEFAULT_KILDE


def _widowed_sivilstand(current: str) -> str:
    partners = current in {"registrertPartner", "separertPartner"}
    return "gjenlevendePartner" if partners else "enkeEllerEnkemann"


def _surviving_spouse(person: Person, spouses: dict[int, Person]) -> Person | None:
    """The spouse whose sivilstand points back at ``person``, if alive and still married."""
    if person.sivilstand not in MARRIED or person.sivilstand_relatert_id is None:
        return None
    spouse = spouses.get(person.sivilstand_relatert_id)
    if spouse is None or is_dead(spouse) or spouse.sivilstand_relatert_id != person.id:
        return None
    return spouse if spouse.sivilstand in MARRIED else None


def register_deaths(uow: UnitOfWork, *, deaths: Sequence[Death]) -> list[Person | Problem]:
    """Register many deaths at once; per death the deceased or the ``Problem`` refusing it.

    The deceased are row-locked in one statement and their spouses in one more; the
    superseded versions go to frg_historikk and every changed person is updated once.
    """
    batch: Batch[Person] = Batch(len(deaths))

    def check_input(index: int) -> str:
        check_not_future(deaths[index].doedsdato, field="doedsdato")
        return person_input(deaths[index].ident, role="person")

    idents = batch.each(check_input)
    session = uow.session
    people = lock_people(session, set(idents.values()))

    def check_person(index: int) -> Person:
        person = resolve(people, {"person": idents[index]})["person"]
        if is_dead(person):
            raise Conflict("The person is already registered as dead")
        doedsdato = deaths[index].doedsdato
        check_not_before(doedsdato, person.foedselsdato, field="doedsdato", what="foedselsdato")
        return person

    deceased = batch.each(check_person)
    spouses = lock_people_by_id(
        session,
        {p.sivilstand_relatert_id for p in deceased.values() if p.sivilstand_relatert_id},
    )

    def check_spouse(index: int) -> Person | None:
        person = deceased[index]
        spouse = _surviving_spouse(person, spouses)
        if spouse is not None:
            check_not_before(
                deaths[index].doedsdato,
                person.sivilstandsdato,
                field="doedsdato",
                what="the date of the marriage",
            )
        return spouse

    widowed: dict[int, Person] = {}
    for index, spouse in batch.each(check_spouse).items():
        if claim_people(batch, index, (deceased[index], spouse)) and spouse is not None:
            widowed[index] = spouse

    changes = Changes(get_clock().now())
    accepted = batch.open()
    for index in accepted:
        person, death = deceased[index], deaths[index]
        kilde, doedsdato = death.kilde, death.doedsdato
        changes.change(
            person, "status", {"status": "doed"},
            kilde=kilde, aarsak="doedsfall", gyldig_fra=doedsdato,
        )  # fmt: skip
        changes.change(
            person, "doedsfall", {"doedsdato": doedsdato},
            kilde=kilde, aarsak="doedsfall", archive=False,
        )  # fmt: skip
        spouse = widowed.get(index)
        if spouse is not None:
            values = {
                "sivilstand": _widowed_sivilstand(spouse.sivilstand),
                "sivilstandsdato": doedsdato,
                "sivilstand_relatert_id": person.id,
            }
            changes.change(
                spouse, "sivilstand", values,
                kilde=kilde, aarsak="doedsfall", idents={person.id: person.ident},
            )  # fmt: skip
    changes.write(session)

    for index in accepted:
        person, doedsdato = deceased[index], deaths[index].doedsdato
        batch.done(index, person)
        ev.hendelse(uow, person, ev.PERSON_ER_DOED, doedsdato=doedsdato)
        ev.hendelse(uow, person, ev.ENDRING_I_DOEDSFALL, doedsdato=doedsdato)
        spouse = widowed.get(index)
        if spouse is not None:
            ev.hendelse(uow, spouse, ev.ENDRING_I_SIVILSTAND, sivilstand=spouse.sivilstand)
    return batch.results()


def register_death(
    uow: UnitOfWork, *, ident: str, doedsdato: date, kilde: str = DEFAULT_KILDE
) -> Person:
    """Register a death; a spouse or partner becomes widowed. Returns the deceased."""
    return single(
        register_deaths(uow, deaths=[Death(ident=ident, doedsdato=doedsdato, kilde=kilde)])
    )
