"""Marriages (before 2009 also registered partnerships) and divorces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, InvalidInput, Problem
from felles.kernel.ids import person_input
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister.document import DEFAULT_KILDE, PARENT_ROLES, age_on
from felles.registries.folkeregister.model import Familierelasjon, Person
from felles.registries.folkeregister.operations.common import (
    Changes,
    check_not_before,
    check_not_future,
    claim_people,
    idents_of,
    lock_people,
    require_alive,
    require_distinct,
    resolve,
)
from felles.registries.folkeregister.queries import MARRIED

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

Couple = tuple[Person, Person]

# Since 1 January 2009 (ekteskapsloven as amended in 2008) new registered partnerships cannot
# be entered into in Norway; marriage covers every couple.
PARTNERSHIP_ABOLISHED: Final = date(2009, 1, 1)
MARRIAGE_AGE: Final = 18
SPOUSE_ROLE: Final = "ektefelleEllerPartner"
_PARENT_OR_CHILD: Final = sorted(PARENT_ROLES | {"barn"})


@dataclass(frozen=True, slots=True)
class Marriage:
    ident_a: str
    ident_b: str
    dato: date
    partnerskap: bool = False
    kilde: str = DEFAULT_KILDE


@dataclass(frozen=True, slots=True)
class Divorce:
    ident_a: str
    ident_b: str
    dato: date
    kilde: str = DEFAULT_KILDE


def _parse_couple(ident_a: str, ident_b: str) -> dict[str, str]:
    return {
        "person1": person_input(ident_a, role="person1"),
        "person2": person_input(ident_b, role="person2"),
    }


def _resolve_couple(people: dict[str, Person], wanted: dict[str, str]) -> Couple:
    found = resolve(people, wanted)
    couple = found["person1"], found["person2"]
    require_distinct(*couple)
    return couple


def _lock_couples(
    session: Session, batch: Batch[Couple], wanted: dict[int, dict[str, str]]
) -> dict[int, Couple]:
    """Both people of every open item, locked in one statement; each item claims its two."""
    people = lock_people(session, {i for roles in wanted.values() for i in roles.values()})
    couples = batch.each(lambda index: _resolve_couple(people, wanted[index]))
    for index, couple in couples.items():
        claim_people(batch, index, couple)
    return couples


def _parents_and_children(session: Session, couples: Sequence[Couple]) -> set[tuple[int, int]]:
    """Pairs (a, b) of the couples where one is the other's parent or child (one statement)."""
    ids = {person.id for couple in couples for person in couple}
    if not ids:
        return set()
    relation = Familierelasjon
    query = select(relation.person_id, relation.relatert_person_id).where(
        relation.person_id.in_(sorted(ids)),
        relation.relatert_person_id.in_(sorted(ids)),
        relation.relatert_persons_rolle.in_(_PARENT_OR_CHILD),
        relation.opphoerstidspunkt.is_(None),
    )
    return {(row.person_id, row.relatert_person_id) for row in session.execute(query)}


def _check_can_marry(couple: Couple, dato: date) -> None:
    for role, person in zip(("person1", "person2"), couple, strict=True):
        require_alive(person, role=role)
        if age_on(person.foedselsdato, dato) < MARRIAGE_AGE:
            raise InvalidInput(f"{role} is younger than {MARRIAGE_AGE} on the date of marriage")
        if person.sivilstand in MARRIED:
            raise Conflict(f"{role} is already married or in a registered partnership")
        check_not_before(
            dato, person.sivilstandsdato, field="dato", what=f"{role}'s current sivilstandsdato"
        )


def _set_couple_sivilstand(
    changes: Changes,
    couple: Couple,
    *,
    sivilstand: str,
    dato: date,
    kilde: str,
    aarsak: str,
    idents: dict[int, str],
) -> None:
    """Both spouses get the same sivilstand, each pointing at the other."""
    first, second = couple
    for person, spouse in ((first, second), (second, first)):
        values = {
            "sivilstand": sivilstand,
            "sivilstandsdato": dato,
            "sivilstand_relatert_id": spouse.id,
        }
        changes.change(person, "sivilstand", values, kilde=kilde, aarsak=aarsak, idents=idents)


def _couple_events(uow: UnitOfWork, couple: Couple) -> None:
    """endringISivilstand and endringIFamilierelasjon for both spouses."""
    first, second = couple
    for person, spouse in ((first, second), (second, first)):
        ev.hendelse(uow, person, ev.ENDRING_I_SIVILSTAND, sivilstand=person.sivilstand)
        ev.hendelse(
            uow,
            person,
            ev.ENDRING_I_FAMILIERELASJON,
            relatertPerson=spouse.ident,
            relatertPersonsRolle=SPOUSE_ROLE,
        )


def register_marriages(uow: UnitOfWork, *, marriages: Sequence[Marriage]) -> list[Couple | Problem]:
    """Register many marriages at once; per marriage the couple or the ``Problem``."""
    batch: Batch[Couple] = Batch(len(marriages))

    def check_input(index: int) -> dict[str, str]:
        marriage = marriages[index]
        check_not_future(marriage.dato, field="dato")
        if marriage.partnerskap and marriage.dato >= PARTNERSHIP_ABOLISHED:
            raise InvalidInput(
                "New registered partnerships cannot be entered into in Norway since "
                "2009-01-01; register a marriage instead (it covers every couple)"
            )
        return _parse_couple(marriage.ident_a, marriage.ident_b)

    session = uow.session
    couples = _lock_couples(session, batch, batch.each(check_input))
    batch.each(lambda index: _check_can_marry(couples[index], marriages[index].dato))
    related = _parents_and_children(session, [couples[i] for i in batch.open()])
    for index in batch.open():
        first, second = couples[index]
        if (first.id, second.id) in related or (second.id, first.id) in related:
            batch.refuse(index, Conflict("A parent and their child cannot marry each other"))

    accepted = batch.open()
    # The superseded sivilstand may point at a former spouse (skilt, enke): their idents.
    idents = idents_of(
        session,
        (person.sivilstand_relatert_id for i in accepted for person in couples[i]),
        known=[person for i in accepted for person in couples[i]],
    )
    changes = Changes(get_clock().now())
    for index in accepted:
        marriage, couple = marriages[index], couples[index]
        _set_couple_sivilstand(
            changes, couple,
            sivilstand="registrertPartner" if marriage.partnerskap else "gift",
            dato=marriage.dato, kilde=marriage.kilde, aarsak="inngaattEkteskap", idents=idents,
        )  # fmt: skip
        changes.link(*couple, roles=(SPOUSE_ROLE, SPOUSE_ROLE), gyldig_fra=marriage.dato)
    changes.write(session)
    for index in accepted:
        batch.done(index, couples[index])
        _couple_events(uow, couples[index])
    return batch.results()


def register_marriage(
    uow: UnitOfWork,
    *,
    ident_a: str,
    ident_b: str,
    dato: date,
    partnerskap: bool = False,
    kilde: str = DEFAULT_KILDE,
) -> Couple:
    """Register a marriage (or, before 2009, a registered partnership); returns both."""
    marriage = Marriage(
        ident_a=ident_a, ident_b=ident_b, dato=dato, partnerskap=partnerskap, kilde=kilde
    )
    return single(register_marriages(uow, marriages=[marriage]))


def _check_married_to_each_other(couple: Couple, dato: date) -> None:
    for role, person in zip(("person1", "person2"), couple, strict=True):
        require_alive(person, role=role)
    first, second = couple
    married = (
        first.sivilstand in MARRIED
        and second.sivilstand in MARRIED
        and first.sivilstand_relatert_id == second.id
        and second.sivilstand_relatert_id == first.id
    )
    if not married:
        raise Conflict("The two people are not married to each other")
    check_not_before(dato, first.sivilstandsdato, field="dato", what="the date of the marriage")


def register_divorces(uow: UnitOfWork, *, divorces: Sequence[Divorce]) -> list[Couple | Problem]:
    """Register many divorces at once; per divorce the couple or the ``Problem``."""
    batch: Batch[Couple] = Batch(len(divorces))

    def check_input(index: int) -> dict[str, str]:
        divorce = divorces[index]
        check_not_future(divorce.dato, field="dato")
        return _parse_couple(divorce.ident_a, divorce.ident_b)

    session = uow.session
    couples = _lock_couples(session, batch, batch.each(check_input))
    batch.each(lambda index: _check_married_to_each_other(couples[index], divorces[index].dato))

    changes = Changes(get_clock().now())
    accepted = batch.open()
    for index in accepted:
        divorce, couple = divorces[index], couples[index]
        first, second = couple
        partners = first.sivilstand in {"registrertPartner", "separertPartner"}
        _set_couple_sivilstand(
            changes, couple,
            sivilstand="skiltPartner" if partners else "skilt",
            dato=divorce.dato, kilde=divorce.kilde, aarsak="skilsmisse",
            idents={first.id: first.ident, second.id: second.ident},
        )  # fmt: skip
        changes.end_relation(first, second, role=SPOUSE_ROLE)
    changes.write(session)
    for index in accepted:
        batch.done(index, couples[index])
        _couple_events(uow, couples[index])
    return batch.results()


def register_divorce(
    uow: UnitOfWork, *, ident_a: str, ident_b: str, dato: date, kilde: str = DEFAULT_KILDE
) -> Couple:
    """Register a divorce (or dissolved partnership) of two people married to each other."""
    divorce = Divorce(ident_a=ident_a, ident_b=ident_b, dato=dato, kilde=kilde)
    return single(register_divorces(uow, divorces=[divorce]))
