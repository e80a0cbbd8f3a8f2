"""Properties of random transfers of ownership on a few units.

Whatever sequence of skjøter, arv, skifter and deaths happens (many of them refused because
they make no sense for the owners drawn: shares that do not add up, givers who own nothing,
dead or deleted receivers, dates out of order):

* the shares of every unit's current owners sum to exactly 1, and at every document in the
  unit's history the shares then current summed to exactly 1 too;
* a refused command changes nothing at all: no row, no event;
* a committed command added exactly one event, which names its document and the owners the
  register now holds; in the end every document has exactly one event and vice versa.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from felles.kernel.errors import Problem
from felles.registries.eiendom import events, operations, queries
from felles.registries.eiendom.model import Dokument, Hjemmel, Matrikkelenhet
from felles.registries.eiendom.values import Matrikkelnummer
from felles.registries.folkeregister import queries as folkeregister
from tests.registries.eiendom.conftest import Register, mnr

UNITS = ("0301-1/1", "0301-1/2", "4601-7/3")
START = date(2000, 1, 1)
FRG_TABLES = ("frg_familierelasjon", "frg_historikk", "frg_tidligere_ident", "frg_person")

PORTIONS = st.sampled_from([Fraction(1), Fraction(1, 2), Fraction(1, 3), Fraction(2, 3)])
WHO = st.integers(min_value=0, max_value=7)
# How a generated transfer is spoiled, if at all, so that refusals are common too.
SPOILERS = st.sampled_from(
    [None, None, None, None, "too_much", "not_owner", "sum", "backdated", "twice", "gone_buyer"]
)
TRANSFER = st.tuples(
    st.just("transfer"),
    st.integers(min_value=0, max_value=len(UNITS) - 1),
    st.sampled_from(["fitting", "fitting", "skjoete", "arv", "skifte"]),
    st.lists(st.tuples(st.integers(0, 5), PORTIONS), min_size=1, max_size=3),
    st.lists(st.tuples(WHO, st.integers(1, 3)), min_size=1, max_size=3),
    SPOILERS,
)
STEPS = st.one_of(TRANSFER, TRANSFER, TRANSFER, TRANSFER, st.tuples(st.just("death"), WHO))


@dataclass
class World:
    """The people and entities of one example, and what happened."""

    eie: Register
    people: list[str]
    deleted_entity: str
    day: date = START
    tally: Counter[str] = field(default_factory=Counter)

    def who(self, n: int) -> str:
        return self.people[n % len(self.people)]

    def next_day(self) -> date:
        self.day += timedelta(days=30)
        return self.day


def _reset(eie: Register) -> None:
    """Empty the property and Folkeregisteret tables (one database per test function)."""
    eie.empty()
    with eie.database.engine.begin() as connection:
        if eie.database.is_postgresql:
            connection.execute(text(f"TRUNCATE {', '.join(FRG_TABLES)} RESTART IDENTITY"))
        else:
            for table in FRG_TABLES:
                connection.execute(text(f"DELETE FROM {table}"))


def _world(eie: Register) -> World:
    """Six people and two entities (one of them deleted); three units with first owners."""
    _reset(eie)
    people = [eie.person(date(1940 + 9 * n, 1 + n, 1 + n)) for n in range(6)]
    entities = getattr(eie, "_entities", None)
    if entities is None:  # Enhetsregisteret's rows survive the reset: make them once
        entities = (eie.entity("Eiendom AS"), eie.entity("Nedlagt AS"))
        eie.delete_entity(entities[1])
        eie._entities = entities  # type: ignore[attr-defined]
    world = World(eie, [*people, entities[0]], deleted_entity=entities[1])
    owners = [
        [(people[0], "1")],
        [(people[1], "1/2"), (people[2], "1/2")],
        [(people[3], "1/3"), (entities[0], "2/3")],
    ]
    for number, first in zip(UNITS, owners, strict=True):
        eie.owned(number, *first, dato=START)
    return world


def _current(eie: Register, number: str) -> dict[str, Fraction]:
    return eie.owners(number)


def _transfer(world: World, step: tuple[Any, ...]) -> dict[str, Any]:
    """The arguments of register_transfer for a generated step, worked out on the register."""
    _, unit, kind, gives, receives, spoiler = step
    number = UNITS[unit]
    current = sorted(_current(world.eie, number).items())
    fra: dict[str, Fraction | None] = {}
    total = Fraction(0)
    for index, portion in gives:
        ident, held = current[index % len(current)]
        if ident in fra:
            continue
        amount = held * portion
        fra[ident] = None if portion == 1 else amount
        total += amount
    weights: dict[str, int] = {}
    for who, weight in receives:
        ident = world.who(who)
        if ident not in fra and not _dead(world, ident):
            weights[ident] = weights.get(ident, 0) + weight
    if not weights:  # every receiver drawn was a giver or dead: give to someone else
        others = [p for p in world.people if p not in fra and not _dead(world, p)]
        assume(others)  # everyone alive is a giver: no transfer can be made of this step
        weights = {others[0]: 1}
    til = {ident: total * w / sum(weights.values()) for ident, w in weights.items()}
    dato = world.next_day()
    first_giver = next(iter(fra))
    if spoiler == "too_much":
        fra[first_giver] = min(Fraction(1), (fra[first_giver] or total) + Fraction(1, 7))
    elif spoiler == "not_owner":
        outsider = next((p for p in world.people if p not in dict(current) and p not in til), None)
        if outsider is not None:
            fra = {outsider: Fraction(1, 4)}
            til = {next(iter(til)): Fraction(1, 4)}
    elif spoiler == "sum":
        receiver = next(iter(til))
        til[receiver] = min(Fraction(1), til[receiver] + Fraction(1, 5))
    elif spoiler == "backdated":
        dato = START - timedelta(days=1)
    elif spoiler == "twice":
        til[first_giver] = Fraction(1, 9)
    elif spoiler == "gone_buyer":
        til = {world.deleted_entity: total}
    if kind == "fitting":  # the type the givers allow
        dead = [_dead(world, ident) for ident in fra]
        kind = "arv" if all(dead) else "skifte" if any(dead) else "skjoete"
    return {
        "matrikkelnummer": mnr(number),
        "dokumenttype": kind,
        "dato": dato,
        "fra": [operations.Andel(i, a) for i, a in fra.items()],
        "til": [operations.Andel(i, a) for i, a in til.items()],
        "vederlag": 1_000_000 if kind == "skjoete" else None,
    }


def _dead(world: World, ident: str) -> bool:
    if len(ident) != 11:
        return False
    with world.eie.database.read_session() as session:
        person = folkeregister.get_person(session, ident=ident)
        return person is not None and person.doedsdato is not None


def _apply(world: World, step: tuple[Any, ...]) -> None:
    eie = world.eie
    if step[0] == "death":
        ident = world.who(step[1])
        if len(ident) == 11 and not _dead(world, ident):
            eie.die(ident, doedsdato=date(2025, 5, 1))
        return
    arguments = _transfer(world, step)
    before = eie.snapshot()
    last_seq = max((e.seq for e in eie.events()), default=0)
    try:
        result = eie.run(operations.register_transfer, **arguments)
    except Problem as problem:
        assert eie.snapshot() == before, f"a refused transfer wrote something: {problem.detail}"
        world.tally["refused"] += 1
        event(f"refused: {type(problem).__name__}: {problem.detail[:60]}")
        return
    world.tally[result.dokumenttype] += 1
    event(f"{result.dokumenttype} committed")
    assert eie.snapshot().outbox == before.outbox + 1, "a transfer adds exactly one event"
    _check_the_event(world, result, eie.events(after_seq=last_seq))


def _check_the_event(world: World, result: operations.Tinglyst, added: list[Any]) -> None:
    """The transfer added one event, naming its document and the owners now registered."""
    grunnbok = [e for e in added if e.event.type.startswith(events.GRUNNBOK_PREFIX)]
    assert len(grunnbok) == 1, "a committed transfer adds exactly one event"
    data = grunnbok[0].event.data
    assert grunnbok[0].event.type == events.EIERSKIFTE
    assert data["dokument"]["dokumentnummer"] == result.dokumentnummer
    registered = _current(world.eie, str(result.matrikkelnummer))
    assert {
        h["identifikasjonsnummer"]: Fraction(h["andel"]["teller"], h["andel"]["nevner"])
        for h in data["hjemmelshavere"]
    } == registered


def _assert_shares_sum_to_one_now_and_always(eie: Register) -> None:
    with eie.database.read_session() as session:
        units = session.scalars(select(Matrikkelenhet)).all()
        rows = session.scalars(select(Hjemmel)).all()
        documents = session.scalars(select(Dokument)).all()
        current = queries.current_owners(session, unit_ids=[u.id for u in units])
    for unit in units:
        shares = current.get(unit.id, [])
        assert sum((s.andel for s in shares), Fraction(0)) == 1, unit.id
        assert len({s.hjemmelshaver for s in shares}) == len(shares), "an owner listed twice"
        assert all(0 < s.andel <= 1 for s in shares)
    for document in documents:
        # The rows current right after the document: started by it or before, ended after.
        then = [
            r
            for r in rows
            if r.matrikkelenhet_id == document.matrikkelenhet_id
            and r.fra_dokument_id <= document.id
            and (r.til_dokument_id is None or r.til_dokument_id > document.id)
        ]
        assert sum((Fraction(r.teller, r.nevner) for r in then), Fraction(0)) == 1, document.id


def _assert_events_match_documents(eie: Register) -> None:
    grunnbok = [e.event for e in eie.events() if e.event.type.startswith(events.GRUNNBOK_PREFIX)]
    with eie.database.read_session() as session:
        documents = {d.id: d for d in session.scalars(select(Dokument))}
        units = {u.id: u for u in session.scalars(select(Matrikkelenhet))}
    numbers = [e.data["dokument"]["dokumentnummer"] for e in grunnbok]
    assert sorted(numbers) == sorted(documents), "every document has exactly one event"
    for stored in grunnbok:
        document = documents[stored.data["dokument"]["dokumentnummer"]]
        unit = units[document.matrikkelenhet_id]
        assert stored.subject == str(queries.matrikkelnummer_of(unit))
        assert stored.data["dokument"]["dokumenttype"] == document.dokumenttype
        assert stored.data["dokument"]["dato"] == document.dato.isoformat()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=12))
def test_random_transfers_keep_every_unit_wholly_owned(
    eie: Register, steps: list[tuple[Any, ...]]
) -> None:
    world = _world(eie)
    for step in steps:
        _apply(world, step)
        _assert_shares_sum_to_one_now_and_always(eie)
    _assert_events_match_documents(eie)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(TRANSFER, min_size=1, max_size=6))
def test_a_batch_does_what_its_items_do_one_at_a_time(
    eie: Register, steps: list[tuple[Any, ...]]
) -> None:
    """A batch of transfers on distinct units ends where the single commands end."""
    world = _world(eie)
    seen: set[int] = set()
    transfers = []
    for step in steps:
        if step[1] in seen:  # a unit once per batch (a second item is refused, see below)
            continue
        seen.add(step[1])
        transfers.append(operations.Transfer(**_transfer(world, step)))
    outcome = eie.run(operations.register_transfers, transfers=transfers)
    batched = {n: _current(eie, n) for n in UNITS}
    done = [o for o in outcome if not isinstance(o, Problem)]
    assert len(eie.events()) == len(UNITS) * 2 + len(done)  # enhetOpprettet, hjemmelEtablert

    world = _world(eie)
    for transfer in transfers:
        with contextlib.suppress(Problem):
            eie.run(
                operations.register_transfer,
                matrikkelnummer=transfer.matrikkelnummer,
                dokumenttype=transfer.dokumenttype,
                dato=transfer.dato,
                fra=transfer.fra,
                til=transfer.til,
                vederlag=transfer.vederlag,
            )
    assert {n: _current(eie, n) for n in UNITS} == batched
    _assert_shares_sum_to_one_now_and_always(eie)
    _assert_events_match_documents(eie)


def test_the_matrikkelnummer_text_round_trips() -> None:
    for number in (Matrikkelnummer("0301", 1, 2), Matrikkelnummer("5001", 99999, 9999, 12, 3)):
        assert Matrikkelnummer.parse(str(number)) == number
