"""Properties: whatever commands run, the register's invariants hold.

Random sequences of commands (register entities and sub-units, set roles, change, register
in other registers, bankruptcy, dissolution, deletion; some of them refused) run one unit of
work each. After every sequence:

* every role refers to a person who exists in Folkeregisteret or to an existing main entity;
* every sub-unit has an existing main entity;
* every change-feed row has exactly one event carrying its oppdateringsid, and every event
  matches a committed change: a feed row of the same unit and endringstype, or (roles) the
  entity's current roles; a refused command leaves no trace.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from felles.kernel.db import Database
from felles.kernel.errors import Problem
from felles.registries.enhetsregisteret import events
from felles.registries.enhetsregisteret import operations as ops
from felles.registries.enhetsregisteret.model import Enhet, Oppdatering, Rolle
from felles.registries.enhetsregisteret.operations import RolleInput
from felles.registries.folkeregister import queries as folkeregister
from tests.registries.enhetsregisteret.conftest import Register, empty_register

FORMS = ("AS", "ENK", "FLI", "ANS")
ROLE_TYPES = ("DAGL", "LEDE", "MEDL", "VARA", "REVI", "REGN", "KONT", "INNH", "DTSO")

command = st.one_of(
    st.tuples(st.just("enhet"), st.sampled_from(FORMS)),
    st.tuples(st.just("underenhet"), st.integers(0, 9)),
    st.tuples(
        st.just("roller"),
        st.integers(0, 9),
        st.lists(
            st.tuples(st.sampled_from(ROLE_TYPES), st.booleans(), st.integers(0, 9)),
            max_size=4,
        ),
    ),
    st.tuples(st.just("endring"), st.integers(0, 9), st.integers(0, 50)),
    st.tuples(
        st.sampled_from(["foretak", "frivillig", "mva", "konkurs", "avvikling", "slett"]),
        st.integers(0, 9),
    ),
)


def _pick(items: list[str], index: int) -> str:
    return items[index % len(items)] if items else "312345676"  # unknown number: refused


def _run(register: Register, cmd: tuple[Any, ...], units: list[str], people: list[str]) -> None:
    kind = cmd[0]
    calls: dict[str, Any] = {
        "foretak": ops.register_in_foretaksregisteret,
        "frivillig": ops.register_in_frivillighetsregisteret,
        "mva": ops.register_in_mvaregisteret,
        "konkurs": ops.register_bankruptcy,
        "avvikling": ops.register_dissolution,
        "slett": ops.delete_unit,
    }
    try:
        with register.database.unit_of_work() as uow:
            if kind == "enhet":
                unit = ops.register_enhet(
                    uow, navn=f"Enhet {len(units)}", organisasjonsform=cmd[1], kommunenummer="0301"
                )
                units.append(unit.organisasjonsnummer)
            elif kind == "underenhet":
                unit = ops.register_underenhet(uow, overordnet=_pick(units, cmd[1]), navn="Avd")
                units.append(unit.organisasjonsnummer)
            elif kind == "roller":
                roller = [
                    RolleInput(t, person=_pick(people, i))
                    if is_person
                    else RolleInput(t, enhet=_pick(units, i))
                    for t, is_person, i in cmd[2]
                ]
                ops.set_roles(uow, orgnr=_pick(units, cmd[1]), roller=roller)
            elif kind == "endring":
                ops.change_unit(uow, orgnr=_pick(units, cmd[1]), antall_ansatte=cmd[2])
            else:
                calls[kind](uow, orgnr=_pick(units, cmd[1]))
            uow.commit()
    except Problem:
        pass


def _check_invariants(database: Database) -> None:
    with database.read_session() as session:
        units = {u.organisasjonsnummer: u for u in session.scalars(select(Enhet))}
        for unit in units.values():
            if unit.er_underenhet:
                parent = units.get(unit.overordnet_enhet or "")
                assert parent is not None and not parent.er_underenhet
        for role in session.scalars(select(Rolle)):
            assert (role.person_ident is None) != (role.rolle_orgnr is None)
            if role.person_ident is not None:
                assert folkeregister.get_person(session, ident=role.person_ident) is not None
            else:
                holder = units.get(role.rolle_orgnr or "")
                assert holder is not None and not holder.er_underenhet
        feed = {row.oppdateringsid: row for row in session.scalars(select(Oppdatering))}
    stored = Register(database, None).events()  # type: ignore[arg-type]
    carried = Counter(e["oppdateringsid"] for e in stored if "oppdateringsid" in e)
    assert carried == Counter(feed.keys()), "one event per feed row, one feed row per event"
    for event in stored:
        if event["type"] == events.ROLLER_ENDRET:
            assert event["organisasjonsnummer"] in units
            continue
        row = feed[event["oppdateringsid"]]
        assert (row.organisasjonsnummer, row.endringstype) == (
            event["organisasjonsnummer"],
            event["endringstype"],
        )
        assert event["erUnderenhet"] == row.er_underenhet


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(commands=st.lists(command, min_size=1, max_size=15))
def test_invariants_hold_after_any_sequence(
    register: Register, commands: list[tuple[Any, ...]]
) -> None:
    empty_register(register.database)
    people = [register.person(), register.person(), register.person(doed=True)]
    units: list[str] = []
    for cmd in commands:
        _run(register, cmd, units, people)
    _check_invariants(register.database)
