"""``register_moves``: many moves in one registration, with ``register_move``'s rules."""

from __future__ import annotations

from datetime import date

from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister import operations as ops
from felles.registries.folkeregister.model import Person
from tests.registries.folkeregister.conftest import SOLBAKKEN, STORGATA, Register
from tests.registries.folkeregister.test_operations import UNKNOWN, _history, _last_seq

MOVED = date(2025, 5, 1)


def _move(ident: str, **values: object) -> ops.Move:
    fields: dict[str, object] = {"adresse_id": SOLBAKKEN, "flyttedato": MOVED}
    fields.update(values)
    return ops.Move(ident=ident, **fields)  # type: ignore[arg-type]


def test_a_household_moves_in_one_registration_with_history_and_events(frg: Register) -> None:
    household = [frg.person(), frg.person(kjoenn="mann"), frg.person(foedselsdato=date(2015, 1, 2))]
    seq = _last_seq(frg) + 1
    before = frg.snapshot()
    moves = [_move(ident, bruksenhetsnummer="H0201", group=1) for ident in household]
    outcome = frg.run(ops.register_moves, moves=moves)
    assert [p.ident for p in outcome if isinstance(p, Person)] == household
    after = frg.snapshot()
    assert after.history - before.history == 3
    assert after.outbox - before.outbox == 3
    assert after.versions - before.versions == 3
    for ident in household:
        person = frg.get(ident)
        assert (person.adresse_id, person.bruksenhetsnummer, person.flyttedato) == (
            SOLBAKKEN,
            "H0201",
            MOVED,
        )
        assert person.kommunenummer == "5501" and person.versjon == 2
        assert person.element_meta is not None
        assert person.element_meta["bostedsadresse"]["aarsak"] == "flytting"
        (old,) = _history(frg, person.id, "bostedsadresse")
        assert old.data["vegadresse"]["adressenavn"] == "Storgata"
    assert frg.event_types()[seq - 1 :] == [ev.ENDRING_I_BOSTEDSADRESSE] * 3


def test_refused_moves_write_nothing_and_take_their_group_with_them(frg: Register) -> None:
    alone, first, second = frg.person(), frg.person(), frg.person()
    dead = frg.person(doedsdato=date(2024, 1, 1), status="doed")
    before = frg.snapshot()
    outcome = frg.run(
        ops.register_moves,
        moves=[
            _move(alone, adresse_id=STORGATA, bruksenhetsnummer="H0101"),  # already there
            _move(first, group="a"),
            _move(dead, group="a"),
            _move(second, adresse_id=999),
            _move(UNKNOWN),
            _move("123", group="b"),
        ],
    )
    assert [type(result) for result in outcome] == [
        Conflict,
        Conflict,
        Conflict,
        InvalidInput,
        NotFound,
        InvalidInput,
    ]
    assert isinstance(outcome[0], Problem) and "already registered" in outcome[0].detail
    assert isinstance(outcome[1], Problem) and "group" in outcome[1].detail
    assert isinstance(outcome[2], Problem) and "dead" in outcome[2].detail
    assert frg.snapshot() == before


def test_one_person_twice_and_the_single_move_agree(frg: Register) -> None:
    ident = frg.person()
    outcome = frg.run(ops.register_moves, moves=[_move(ident), _move(ident, adresse_id=STORGATA)])
    assert isinstance(outcome[0], Person)
    assert isinstance(outcome[1], InvalidInput) and "only once" in outcome[1].detail
    # register_move is the batch of one: the same rules and messages, raised.
    detail = frg.refused(
        Conflict, ops.register_move, ident=ident, adresse_id=SOLBAKKEN, flyttedato=MOVED
    )
    assert "already registered at this address" in detail
    assert frg.run(ops.register_moves, moves=[]) == []
