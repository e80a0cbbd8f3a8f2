"""Properties of random life events on a small population.

Whatever sequence of births, marriages, divorces, deaths, moves and emigrations happens (many
of them refused because they make no sense for the people drawn):

* every family relation row has its mirror with the roles swapped and the same end state;
* sivilstand is symmetric: a married person's spouse is married to them;
* a committed command added exactly its events; a refused one added nothing at all.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from felles.kernel.errors import Problem
from felles.registries.folkeregister import operations as ops
from felles.registries.folkeregister import queries
from felles.registries.folkeregister.model import Familierelasjon, Person
from tests.registries.folkeregister.conftest import ADDRESSES, Register, empty_register

MARRIED = queries.MARRIED
WIDOWED = frozenset({"enkeEllerEnkemann", "gjenlevendePartner"})
WHO = st.integers(min_value=0, max_value=63)
DAYS_AGO = st.integers(min_value=0, max_value=30 * 365)
STEPS = st.one_of(
    st.tuples(st.just("birth"), WHO, WHO, st.booleans(), DAYS_AGO),
    st.tuples(st.just("marriage"), WHO, WHO, DAYS_AGO),
    st.tuples(st.just("divorce"), WHO, WHO, st.booleans(), DAYS_AGO),
    st.tuples(st.just("death"), WHO, DAYS_AGO),
    st.tuples(st.just("move"), WHO, st.sampled_from(sorted(ADDRESSES)), DAYS_AGO),
    st.tuples(st.just("emigration"), WHO, DAYS_AGO),
)


def _founders(frg: Register) -> list[str]:
    """Five adults; the first two married to each other (so divorces and widowhood happen)."""
    people = [
        frg.person(foedselsdato=date(1960 + 7 * n, 1 + n, 10 + n), kjoenn=kjoenn)
        for n, kjoenn in enumerate(("kvinne", "mann", "kvinne", "mann", "kvinne"))
    ]
    frg.run(ops.register_marriage, ident_a=people[0], ident_b=people[1], dato=date(2000, 5, 5))
    return people


def _widowed_by_death(frg: Register, ident: str) -> bool:
    with frg.database.read_session() as session:
        person = queries.get_person_or_raise(session, ident=ident)
        spouse = queries.spouse_of(session, person=person)
        return (
            person.doedsdato is None
            and spouse is not None
            and spouse.doedsdato is None
            and spouse.sivilstand in MARRIED
            and spouse.sivilstand_relatert_id == person.id
        )


def _spouse_ident(frg: Register, ident: str) -> str | None:
    with frg.database.read_session() as session:
        person = queries.get_person_or_raise(session, ident=ident)
        spouse = queries.spouse_of(session, person=person)
        return spouse.ident if spouse is not None else None


def _command(
    frg: Register, step: tuple[Any, ...], people: list[str]
) -> tuple[Any, dict[str, Any], int]:
    """The operation, its arguments, and how many events it must emit when it succeeds."""
    kind, *args = step
    today = frg.clock.today()

    def who(n: int) -> str:
        return people[n % len(people)]

    def day(days_ago: int) -> date:
        return today - timedelta(days=days_ago)

    if kind == "birth":
        mor, other, with_other, days_ago = args
        request = {
            "mor": who(mor),
            "foedselsdato": day(days_ago // 10),
            "kjoenn": "kvinne",
            "fornavn": "Barn",
        }
        if with_other:
            request["far_eller_medmor"] = who(other)
        return ops.register_birth, request, 4 + int(with_other)
    if kind == "marriage":
        a, b, days_ago = args
        request = {"ident_a": who(a), "ident_b": who(b), "dato": day(days_ago)}
        return ops.register_marriage, request, 4
    if kind == "divorce":
        a, b, from_spouse, days_ago = args
        partner = (_spouse_ident(frg, who(a)) if from_spouse else None) or who(b)
        request = {"ident_a": who(a), "ident_b": partner, "dato": day(days_ago // 30)}
        return ops.register_divorce, request, 4
    if kind == "death":
        ident, days_ago = args
        events = 2 + int(_widowed_by_death(frg, who(ident)))
        return ops.register_death, {"ident": who(ident), "doedsdato": day(days_ago // 20)}, events
    if kind == "move":
        ident, adresse_id, days_ago = args
        request = {"ident": who(ident), "adresse_id": adresse_id, "flyttedato": day(days_ago)}
        return ops.register_move, request, 1
    ident, days_ago = args
    request = {"ident": who(ident), "tilflyttingsland": "SWE", "utflyttingsdato": day(days_ago)}
    return ops.register_emigration, request, 2


def _apply(frg: Register, step: tuple[Any, ...], people: list[str], tally: Counter[str]) -> None:
    command, request, expected_events = _command(frg, step, people)
    before = frg.snapshot()
    try:
        result = frg.run(command, **request)
    except Problem:
        assert frg.snapshot() == before, f"refused {step[0]} wrote something"
        tally["refused"] += 1
        event(f"{step[0]} refused")
        return
    assert frg.snapshot().outbox - before.outbox == expected_events, step
    if isinstance(result, Person) and step[0] == "birth":
        people.append(result.ident)
    tally[step[0]] += 1
    event(f"{step[0]} committed")


def _assert_relations_are_symmetric(frg: Register) -> None:
    with frg.database.read_session() as session:
        rows = session.scalars(select(Familierelasjon)).all()
        relations = Counter(
            (
                r.person_id,
                r.relatert_person_id,
                r.relatert_persons_rolle,
                r.min_rolle_for_person,
                r.opphoerstidspunkt is None,
            )
            for r in rows
        )
    for (person, related, their_role, my_role, current), n in relations.items():
        mirror = (related, person, my_role, their_role, current)
        assert relations[mirror] == n, f"relation {person}->{related} has no mirror"


def _assert_sivilstand_is_symmetric(frg: Register) -> None:
    """A living married person's spouse is married to them; a widow(er)'s spouse is dead."""
    with frg.database.read_session() as session:
        people = {p.id: p for p in session.scalars(select(Person))}
    for person in people.values():
        spouse = people.get(person.sivilstand_relatert_id or -1)
        if person.sivilstand in MARRIED and person.doedsdato is None:
            assert spouse is not None and spouse.doedsdato is None
            assert spouse.sivilstand in MARRIED and spouse.sivilstand_relatert_id == person.id
        if person.sivilstand in MARRIED and person.doedsdato is not None:
            # The deceased keeps "gift"; the survivor is widowed (or died married too),
            # unless the survivor has since married again.
            assert spouse is not None
            if spouse.sivilstand_relatert_id == person.id:
                assert spouse.sivilstand in MARRIED | WIDOWED
            else:
                assert spouse.sivilstandsdato is not None
                assert spouse.sivilstandsdato >= person.doedsdato
        if person.sivilstand in WIDOWED:
            assert spouse is not None and spouse.doedsdato is not None


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=14))
def test_random_life_events_keep_the_register_consistent(
    frg: Register, steps: list[tuple[Any, ...]]
) -> None:
    empty_register(frg.database)  # one database per test function: start each example empty
    people = _founders(frg)
    tally: Counter[str] = Counter()
    for step in steps:
        _apply(frg, step, people, tally)
    _assert_relations_are_symmetric(frg)
    _assert_sivilstand_is_symmetric(frg)
    assert sum(tally.values()) == len(steps)
