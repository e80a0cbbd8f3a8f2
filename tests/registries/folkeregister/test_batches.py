"""Batched commands: every item checked with the single command's rules, then set-based writes.

A refused item writes nothing and emits nothing; the others are written. A person takes
part in one item of a batch at most. The statements a batch sends do not grow with its
size (that is what makes the simulator fast); the single commands are batches of one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister import operations as ops
from felles.registries.folkeregister.model import Person
from tests.registries.folkeregister.conftest import FJORDVEIEN, SOLBAKKEN, Register
from tests.registries.folkeregister.test_operations import (
    UNKNOWN,
    _couple,
    _events_since,
    _last_seq,
    _relations,
)

BORN = date(2025, 5, 20)


@contextmanager
def _statements(frg: Register) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs."""
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(frg.database.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(frg.database.engine, "before_cursor_execute", record)


def _births(mothers: list[str]) -> list[ops.Birth]:
    return [
        ops.Birth(mor=mor, foedselsdato=BORN, kjoenn="kvinne" if i % 2 else "mann", fornavn="Ada")
        for i, mor in enumerate(mothers)
    ]


def test_a_batch_of_births_writes_the_good_ones_and_refuses_the_rest(frg: Register) -> None:
    mother, other_mother = frg.person(), frg.person(foedselsdato=date(1992, 1, 5))
    mor, far = _couple(frg)
    dead = frg.person(status="doed", doedsdato=date(2024, 1, 1))
    seq = _last_seq(frg) + 1
    births = [
        ops.Birth(mor=mor, far_eller_medmor=far, foedselsdato=BORN, kjoenn="mann", fornavn="Per"),
        ops.Birth(mor=dead, foedselsdato=BORN, kjoenn="mann", fornavn="Nei"),
        ops.Birth(mor=UNKNOWN, foedselsdato=BORN, kjoenn="mann", fornavn="Nei"),
        ops.Birth(mor=mother, foedselsdato=BORN, kjoenn="kvinne", fornavn="Ada"),
        ops.Birth(mor=mother, foedselsdato=BORN, kjoenn="kvinne", fornavn="Tvilling"),
        ops.Birth(mor=other_mother, foedselsdato=BORN, kjoenn="hen", fornavn="Nei"),
    ]
    outcome = frg.run(ops.register_births, births=births)
    assert [type(result).__name__ for result in outcome] == [
        "Person", "Conflict", "NotFound", "Person", "Conflict", "InvalidInput",
    ]  # fmt: skip
    assert isinstance(outcome[4], Problem) and "same batch" in outcome[4].detail
    children = [r for r in outcome if isinstance(r, Person)]
    assert len({child.ident for child in children}) == 2
    assert all(child.versjon == 1 and child.id for child in children)
    first = frg.get(children[0].ident)
    assert first.foreldreansvar == "felles" and first.etternavn == "Nordmann"
    assert {(rolle, min_rolle) for _, rolle, min_rolle, _ in _relations(frg, first.id)} == {
        ("mor", "barn"),
        ("far", "barn"),
    }
    # Five events for the child with two parents, four for the other; nothing for refusals.
    assert len(_events_since(frg, seq)) == 5 + 4
    assert frg.get(mor).versjon == 3  # married (2), a child (3)
    assert frg.get(other_mother).versjon == 1


def test_the_statements_of_a_batch_do_not_grow_with_its_size(frg: Register) -> None:
    if not frg.database.is_postgresql:
        pytest.skip("set-wise statements are PostgreSQL's; SQLite inserts a row at a time")
    few = [frg.person(foedselsdato=date(1990, 1, 1 + i)) for i in range(2)]
    many = [frg.person(foedselsdato=date(1991, 1, 1 + i)) for i in range(12)]
    counts = []
    for mothers in (few, many):
        with frg.uow() as uow, _statements(frg) as sent:
            outcome = ops.register_births(uow, births=_births(mothers))
            uow.commit()
        assert all(isinstance(result, Person) for result in outcome)
        counts.append(len(sent))
    assert counts[0] == counts[1]


def test_deaths_in_a_batch_widow_the_spouses(frg: Register) -> None:
    mor, far = _couple(frg)
    alone = frg.person(foedselsdato=date(1940, 2, 2))
    outcome = frg.run(
        ops.register_deaths,
        deaths=[
            ops.Death(ident=far, doedsdato=BORN),
            ops.Death(ident=mor, doedsdato=BORN),  # the widow of the first
            ops.Death(ident=alone, doedsdato=BORN),
            ops.Death(ident=alone, doedsdato=BORN),
            ops.Death(ident=UNKNOWN, doedsdato=BORN),
            ops.Death(ident=mor, doedsdato=date(2030, 1, 1)),
        ],
    )
    assert [type(result) for result in outcome] == [
        Person, Conflict, Person, Conflict, NotFound, InvalidInput,
    ]  # fmt: skip
    widow = frg.get(mor)
    assert widow.sivilstand == "enkeEllerEnkemann" and widow.doedsdato is None
    assert frg.get(far).status == "doed" and frg.get(alone).status == "doed"


def test_marriages_and_divorces_in_batches(frg: Register) -> None:
    anne, bjorn = frg.person(), frg.person(kjoenn="mann")
    cecilie, david = frg.person(), frg.person(kjoenn="mann", adresse_id=FJORDVEIEN)
    parent = frg.person(foedselsdato=date(1960, 1, 1))
    child = frg.run(
        ops.register_birth, mor=parent, foedselsdato=date(2000, 1, 1), kjoenn="mann",
        fornavn="Sønn",
    ).ident  # fmt: skip
    outcome = frg.run(
        ops.register_marriages,
        marriages=[
            ops.Marriage(ident_a=anne, ident_b=bjorn, dato=BORN),
            ops.Marriage(ident_a=anne, ident_b=david, dato=BORN),  # anne is in the first
            ops.Marriage(ident_a=cecilie, ident_b=david, dato=BORN),
            ops.Marriage(ident_a=parent, ident_b=child, dato=BORN),
        ],
    )
    assert [type(result).__name__ for result in outcome] == [
        "tuple", "Conflict", "tuple", "Conflict",
    ]  # fmt: skip
    assert isinstance(outcome[3], Problem) and "parent and their child" in outcome[3].detail
    assert frg.get(anne).sivilstand == frg.get(david).sivilstand == "gift"

    seq = _last_seq(frg) + 1
    outcome = frg.run(
        ops.register_divorces,
        divorces=[
            ops.Divorce(ident_a=anne, ident_b=bjorn, dato=BORN),
            ops.Divorce(ident_a=cecilie, ident_b=bjorn, dato=BORN),
            ops.Divorce(ident_a=david, ident_b=cecilie, dato=BORN),
        ],
    )
    assert [type(result).__name__ for result in outcome] == ["tuple", "Conflict", "tuple"]
    assert {frg.get(i).sivilstand for i in (anne, bjorn, cecilie, david)} == {"skilt"}
    assert _relations(frg, frg.get(anne).id) == {
        (frg.get(bjorn).id, "ektefelleEllerPartner", "ektefelleEllerPartner", False)
    }
    types = [t for t, _ in _events_since(frg, seq)]
    assert types.count(ev.ENDRING_I_SIVILSTAND) == 4


def test_newcomers_and_emigrants_in_batches(frg: Register) -> None:
    def newcomer(**values: object) -> ops.Immigration:
        fields: dict[str, object] = {
            "fornavn": "Ana", "etternavn": "Silva", "foedselsdato": date(1990, 5, 5),
            "kjoenn": "kvinne", "statsborgerskap": ["PRT"], "fraflyttingsland": "PRT",
            "innflyttingsdato": BORN, "adresse_id": SOLBAKKEN,
        }  # fmt: skip
        fields.update(values)
        return ops.Immigration(**fields)  # type: ignore[arg-type]

    outcome = frg.run(
        ops.register_immigrations,
        immigrations=[
            newcomer(),
            newcomer(adresse_id=None, d_nummer=True, fornavn="Joana"),
            newcomer(adresse_id=999),
            newcomer(fraflyttingsland="NOR"),
            newcomer(fornavn="Maria"),
        ],
    )
    assert [type(result).__name__ for result in outcome] == [
        "Person", "Person", "InvalidInput", "InvalidInput", "Person",
    ]  # fmt: skip
    people = [r for r in outcome if isinstance(r, Person)]
    assert len({p.ident for p in people}) == 3  # same birth date and sex, distinct numbers
    assert [p.status for p in people] == ["bosatt", "midlertidig", "bosatt"]
    assert people[1].identifikatortype == "dNummer" and people[1].adresse_id is None

    outcome = frg.run(
        ops.register_emigrations,
        emigrations=[
            ops.Emigration(ident=people[0].ident, tilflyttingsland="PRT", utflyttingsdato=BORN),
            ops.Emigration(ident=people[1].ident, tilflyttingsland="PRT", utflyttingsdato=BORN),
            ops.Emigration(ident=people[2].ident, tilflyttingsland="NOR", utflyttingsdato=BORN),
        ],
    )
    assert [type(result) for result in outcome] == [Person, Conflict, InvalidInput]
    gone = frg.get(people[0].ident)
    assert (gone.status, gone.adresse_id, gone.utflyttet_til) == ("utflyttet", None, "PRT")
    assert frg.run(ops.register_emigrations, emigrations=[]) == []
