"""Births: a child born in Norway to a resident mother gets a fødselsnummer and its parents."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, Problem
from felles.kernel.ids import person_input
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister.document import (
    DEFAULT_KILDE,
    PROTECTED_GRADERINGER,
    citizenships,
)
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.operations.common import (
    Changes,
    IdentWanted,
    check_kjoenn,
    check_kommunenummer,
    check_name,
    check_not_before,
    check_not_future,
    claim_people,
    copy_address,
    creation_meta,
    insert_people,
    is_dead,
    issue_idents,
    lock_people,
    no_free_ident,
    require_distinct,
    require_resident,
    resolve,
)
from felles.registries.folkeregister.queries import MARRIED

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

# barneloven § 3: the mother's husband who died before the birth is still the father when the
# child is born within 300 days; a later death leaves him unable to be registered as parent.
MAX_DAYS_SINCE_PARENT_DIED: Final = 300


@dataclass(frozen=True, slots=True)
class Birth:
    """A child born in Norway; ``far_eller_medmor`` is the other parent, if known."""

    mor: str
    foedselsdato: date
    kjoenn: str
    fornavn: str
    far_eller_medmor: str | None = None
    medmor: bool = False
    mellomnavn: str | None = None
    etternavn: str | None = None
    foedekommune: str | None = None
    kilde: str = DEFAULT_KILDE

    @property
    def other_role(self) -> str:
        return "medmor" if self.medmor else "far"


def _check_input(birth: Birth) -> dict[str, str]:
    """The input checks (InvalidInput); returns the parents' idents by role."""
    check_kjoenn(birth.kjoenn)
    check_name(birth.fornavn, field="fornavn")
    check_name(birth.mellomnavn, field="mellomnavn", required=False)
    check_name(birth.etternavn, field="etternavn", required=False)
    check_not_future(birth.foedselsdato, field="foedselsdato")
    if birth.foedekommune is not None:
        check_kommunenummer(birth.foedekommune)
    wanted = {"mor": person_input(birth.mor, role="mor")}
    if birth.far_eller_medmor is not None:
        role = birth.other_role
        wanted[role] = person_input(birth.far_eller_medmor, role=role)
    return wanted


def _check_parents(birth: Birth, mother: Person, other: Person | None) -> None:
    require_resident(mother, role="mor")
    day = birth.foedselsdato
    check_not_before(day, mother.foedselsdato, field="foedselsdato", what="mor's birth")
    if other is None:
        return
    role = birth.other_role
    require_distinct(mother, other)
    check_not_before(day, other.foedselsdato, field="foedselsdato", what=f"{role}'s birth")
    if other.doedsdato is not None:
        if day - other.doedsdato > timedelta(days=MAX_DAYS_SINCE_PARENT_DIED):
            raise Conflict(
                f"{role} died more than {MAX_DAYS_SINCE_PARENT_DIED} days before the birth"
            )
    elif other.status == "doed":
        raise Conflict(f"{role} is registered as dead")


def _foreldreansvar(mother: Person, other: Person | None) -> str:
    """Joint when the parents are married to each other or live together, else the mother's."""
    if other is None or is_dead(other):
        return "mor"
    married = mother.sivilstand in MARRIED and mother.sivilstand_relatert_id == other.id
    together = (
        mother.adresse_id is not None
        and mother.adresse_id == other.adresse_id
        and mother.bruksenhetsnummer == other.bruksenhetsnummer
    )
    return "felles" if married or together else "mor"


def _child_citizenship(mother: Person, other: Person | None) -> str:
    parents = [mother] + ([other] if other is not None else [])
    if any("NOR" in citizenships(parent) for parent in parents):
        return "NOR"
    return mother.statsborgerskap


def _child_row(
    birth: Birth, ident: str, mother: Person, other: Person | None, now: datetime
) -> dict[str, Any]:
    protected = mother.adressebeskyttelse in PROTECTED_GRADERINGER
    return {
        "ident": ident,
        "identifikatortype": "foedselsnummer",
        "status": "bosatt",
        "fornavn": birth.fornavn,
        "mellomnavn": birth.mellomnavn,
        "etternavn": birth.etternavn or mother.etternavn,
        "foedselsdato": birth.foedselsdato,
        # A protected mother's municipality is not revealed through the child's foedsel.
        "foedekommune": birth.foedekommune or (None if protected else mother.kommunenummer),
        "foedeland": "NOR",
        "kjoenn": birth.kjoenn,
        "doedsdato": None,
        "sivilstand": "ugift",
        "sivilstandsdato": None,
        "sivilstand_relatert_id": None,
        "foreldreansvar": _foreldreansvar(mother, other),
        # The child lives with the mother: it must not reveal an address she has protected.
        "adressebeskyttelse": mother.adressebeskyttelse,
        "statsborgerskap": _child_citizenship(mother, other),
        "statsborgerskap_ervervsdato": birth.foedselsdato,
        "innflyttet_fra": None,
        "innflyttingsdato": None,
        "utflyttet_til": None,
        "utflyttingsdato": None,
        "opprettet": now,
        "endret": now,
        "element_meta": creation_meta(now, kilde=birth.kilde, aarsak="foedsel"),
        **copy_address(mother, flyttedato=birth.foedselsdato),
    }


def register_births(
    uow: UnitOfWork, *, births: Sequence[Birth], rng: random.Random | None = None
) -> list[Person | Problem]:
    """Register many births at once; per birth the child or the ``Problem`` refusing it.

    The parents of every birth are row-locked in one statement, the children's numbers
    issued together, the children inserted in one statement and the relations (both
    directions) in one more; each parent gets a new version.
    """
    batch: Batch[Person] = Batch(len(births))
    wanted = batch.each(lambda i: _check_input(births[i]))
    session = uow.session
    people = lock_people(session, {ident for roles in wanted.values() for ident in roles.values()})

    def check_parents(index: int) -> tuple[Person, Person | None]:
        birth = births[index]
        found = resolve(people, wanted[index])
        mother, other = found["mor"], found.get(birth.other_role)
        _check_parents(birth, mother, other)
        return mother, other

    parents = batch.each(check_parents)
    for index, pair in parents.items():
        claim_people(batch, index, pair)

    accepted = batch.open()
    idents = issue_idents(
        session,
        [IdentWanted(births[i].foedselsdato, births[i].kjoenn, d_number=False) for i in accepted],
        rng=rng,
    )
    now = get_clock().now()
    rows: list[dict[str, Any]] = []
    created: list[int] = []
    for index, ident in zip(accepted, idents, strict=True):
        if ident is None:
            batch.refuse(index, no_free_ident(d_number=False))
            continue
        mother, other = parents[index]
        rows.append(_child_row(births[index], ident, mother, other, now))
        created.append(index)
    children = insert_people(session, rows)

    changes = Changes(now)
    for index, child in zip(created, children, strict=True):
        birth = births[index]
        for role, parent in _parents_by_role(birth, *parents[index]):
            changes.link(child, parent, roles=(role, "barn"), gyldig_fra=birth.foedselsdato)
            changes.touch(parent)
    changes.write(session)

    for index, child in zip(created, children, strict=True):
        batch.done(index, child)
        _emit(uow, births[index], child, parents[index])
    return batch.results()


def _parents_by_role(
    birth: Birth, mother: Person, other: Person | None
) -> list[tuple[str, Person]]:
    return [("mor", mother)] + ([(birth.other_role, other)] if other is not None else [])


def _emit(
    uow: UnitOfWork, birth: Birth, child: Person, parents: tuple[Person, Person | None]
) -> None:
    ev.hendelse(uow, child, ev.PERSON_ER_OPPRETTET)
    ev.hendelse(uow, child, ev.ENDRING_I_FOEDSEL, foedselsdato=birth.foedselsdato)
    ev.hendelse(uow, child, ev.ENDRING_I_FAMILIERELASJON)
    for _, parent in _parents_by_role(birth, *parents):
        ev.hendelse(
            uow,
            parent,
            ev.ENDRING_I_FAMILIERELASJON,
            relatertPerson=child.ident,
            relatertPersonsRolle="barn",
        )


def register_birth(
    uow: UnitOfWork,
    *,
    mor: str,
    far_eller_medmor: str | None = None,
    medmor: bool = False,
    foedselsdato: date,
    kjoenn: str,
    fornavn: str,
    mellomnavn: str | None = None,
    etternavn: str | None = None,
    foedekommune: str | None = None,
    rng: random.Random | None = None,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a child born in Norway to a resident mother; returns the child."""
    birth = Birth(
        mor=mor,
        far_eller_medmor=far_eller_medmor,
        medmor=medmor,
        foedselsdato=foedselsdato,
        kjoenn=kjoenn,
        fornavn=fornavn,
        mellomnavn=mellomnavn,
        etternavn=etternavn,
        foedekommune=foedekommune,
        kilde=kilde,
    )
    return single(register_births(uow, births=[birth], rng=rng))
