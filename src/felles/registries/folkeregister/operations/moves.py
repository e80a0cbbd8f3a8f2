"""Moves within Norway to an address in the address register, alone or as a household."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.ids import person_input
from felles.registries.adresser.model import Vegadresse
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister.document import DEFAULT_KILDE
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.operations.common import (
    Changes,
    address_values,
    check_bruksenhetsnummer,
    check_not_before,
    check_not_future,
    kommunenummer_for_event,
    lock_people,
    require_resident,
    vegadresser,
)

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork


@dataclass(frozen=True, slots=True)
class Move:
    """One person's move within Norway to an address in the address register.

    Moves with the same ``group`` (a household) are refused together: when one of them is
    refused, so are the others of the group, and none of them is written.
    """

    ident: str
    adresse_id: int
    flyttedato: date
    bruksenhetsnummer: str | None = None
    kilde: str = DEFAULT_KILDE
    group: Hashable | None = None


def _check_input(move: Move) -> str:
    """The input checks of a move (InvalidInput); returns the parsed identifier."""
    check_bruksenhetsnummer(move.bruksenhetsnummer)
    check_not_future(move.flyttedato, field="flyttedato")
    return person_input(move.ident, role="person")


def _check_move(person: Person, move: Move, adresse: Vegadresse | None) -> None:
    """The checks of a move against the register (Conflict, InvalidInput)."""
    require_resident(person, role="person")
    flyttedato = move.flyttedato
    check_not_before(flyttedato, person.foedselsdato, field="flyttedato", what="foedselsdato")
    check_not_before(
        flyttedato, person.flyttedato, field="flyttedato", what="the current address's flyttedato"
    )
    if adresse is None:
        raise InvalidInput("No address with this adresseIdentifikatorFraMatrikkelen exists")
    if person.adresse_id == adresse.id and person.bruksenhetsnummer == move.bruksenhetsnummer:
        raise Conflict("The person is already registered at this address")


def _refuse_groups(moves: Sequence[Move], batch: Batch[Person]) -> None:
    """Refuse every move of a group one of whose moves was refused."""
    still_open = batch.open()
    refused = {moves[index].group for index in set(range(len(moves))) - set(still_open)}
    refused.discard(None)
    for index in still_open:
        if moves[index].group in refused:
            batch.refuse(index, Conflict("The move of another person of the group was refused"))


def register_moves(uow: UnitOfWork, *, moves: Sequence[Move]) -> list[Person | Problem]:
    """Register many moves at once; per move the person moved or the ``Problem`` refusing it.

    The rules and messages are ``register_move``'s. Every move is checked before anything
    is written; the people are row-locked in ident order in one statement, the superseded
    addresses go to frg_historikk and the people are updated in one statement
    (executemany, guarded by ``versjon``). Refused moves write nothing.
    """
    batch: Batch[Person] = Batch(len(moves))
    idents = batch.each(lambda index: _check_input(moves[index]))
    session = uow.session
    people = lock_people(session, set(idents.values()))
    adressen = vegadresser(session, {moves[index].adresse_id for index in idents})
    seen: set[int] = set()

    def check_move(index: int) -> Person:
        move, person = moves[index], people.get(idents[index])
        if person is None:
            raise NotFound("person: no person is registered with this identifikasjonsnummer")
        if person.id in seen:
            raise InvalidInput("A person can move only once in one registration")
        _check_move(person, move, adressen.get(move.adresse_id))
        seen.add(person.id)
        return person

    moving = batch.each(check_move)
    _refuse_groups(moves, batch)

    changes = Changes(get_clock().now())
    accepted = batch.open()
    # The municipality moved from, read before the change: the old municipality is told of
    # the move from it (None for a protected address, as the new one).
    moved_from = {index: kommunenummer_for_event(moving[index]) for index in accepted}
    for index in accepted:
        move = moves[index]
        values = address_values(
            adressen[move.adresse_id],
            bruksenhetsnummer=move.bruksenhetsnummer,
            flyttedato=move.flyttedato,
        )
        changes.change(moving[index], "bostedsadresse", values, kilde=move.kilde, aarsak="flytting")
    changes.write(session)
    for index in accepted:
        person = moving[index]
        batch.done(index, person)
        ev.hendelse(
            uow,
            person,
            ev.ENDRING_I_BOSTEDSADRESSE,
            flyttedato=moves[index].flyttedato,
            kommunenummer=kommunenummer_for_event(person),
            fraKommunenummer=moved_from[index],
        )
    return batch.results()


def register_move(
    uow: UnitOfWork,
    *,
    ident: str,
    adresse_id: int,
    flyttedato: date,
    bruksenhetsnummer: str | None = None,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a move within Norway to an address in the address register."""
    move = Move(
        ident=ident,
        adresse_id=adresse_id,
        flyttedato=flyttedato,
        bruksenhetsnummer=bruksenhetsnummer,
        kilde=kilde,
    )
    return single(register_moves(uow, moves=[move]))
