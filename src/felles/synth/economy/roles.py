"""Roles in the region's entities, held by real residents or by other entities.

By form (Enhetsregisteret's role types): an ENK has its owner (INNH); an AS a daglig leder
and a board (in half the small ones the same person leads both), larger ones more board
members and an auditor (REVI, an audit firm of the region), small ones often an accountant
(REGN); an ASA always an auditor; a NUF a daglig leder and sometimes a Norwegian
representative; FLI, STI, SA, BRL, ESEK and SAM a board (leader, members, a deputy), BRL a
business manager (FFØR, a property firm); ANS and DA two partners (DTSO/DTPR), KS a general
partner (KOMP). Role holders are residents of 20-80, most often 40-65; board roles lean
towards men, as they do in Norway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from felles.synth.economy import calibration
from felles.synth.economy.common import IntArray, ObjArray, ages, days, draw, objects
from felles.synth.economy.entities import Entities
from felles.synth.economy.residents import People

# (form, rollegruppe, rolletype, how many: fixed count or (probability, count))
_RULES: Final[tuple[tuple[str, str, str, float, int], ...]] = (
    ("ENK", "INNH", "INNH", 1.0, 1),
    ("AS", "DAGL", "DAGL", 1.0, 1),
    ("AS", "STYR", "LEDE", 1.0, 1),
    ("ASA", "DAGL", "DAGL", 1.0, 1),
    ("ASA", "STYR", "LEDE", 1.0, 1),
    ("ASA", "STYR", "MEDL", 1.0, 4),
    ("NUF", "DAGL", "DAGL", 1.0, 1),
    ("NUF", "REPR", "REPR", 0.4, 1),
    ("SA", "STYR", "LEDE", 1.0, 1),
    ("SA", "STYR", "MEDL", 1.0, 2),
    ("FLI", "STYR", "LEDE", 1.0, 1),
    ("FLI", "STYR", "MEDL", 1.0, 2),
    ("FLI", "STYR", "VARA", 0.6, 1),
    ("STI", "STYR", "LEDE", 1.0, 1),
    ("STI", "STYR", "MEDL", 1.0, 2),
    ("BRL", "STYR", "LEDE", 1.0, 1),
    ("BRL", "STYR", "MEDL", 1.0, 2),
    ("ESEK", "STYR", "LEDE", 1.0, 1),
    ("ESEK", "STYR", "MEDL", 0.7, 1),
    ("SAM", "STYR", "LEDE", 1.0, 1),
    ("ANS", "DTSO", "DTSO", 1.0, 2),
    ("DA", "DTPR", "DTPR", 1.0, 2),
    ("KS", "KOMP", "KOMP", 1.0, 1),
)
_SAME_LEADER: Final = 0.5  # small AS: the daglig leder also chairs the board


@dataclass(frozen=True, slots=True)
class Roles:
    entity: IntArray  # index into Entities
    rollegruppe: ObjArray
    rolletype: ObjArray
    person: IntArray  # index into People, -1 when an entity holds the role
    holder_orgnr: ObjArray  # the holding entity's orgnr, None for persons
    rekkefolge: IntArray


def _holders(
    rng: np.random.Generator, people: People, reference_day: int, count: int, board: bool
) -> IntArray:
    age = ages(people.birth, reference_day)
    weight = np.interp(age, [19, 20, 30, 40, 65, 75, 81], [0, 0.2, 0.7, 1.0, 1.0, 0.4, 0])
    if board:
        weight = weight * np.where(people.female, 0.6, 1.0)
    return draw(weight, rng, count)


def _firms_with(entities: Entities, nace: str) -> IntArray:
    code = calibration.industries().index(nace)
    return np.flatnonzero(
        (entities.nace == code) & np.isin(entities.form, ["AS", "ASA", "ANS", "DA"])
    )


def generate_roles(
    rng: np.random.Generator, entities: Entities, people: People, reference_day: int
) -> Roles:
    parts: list[tuple[IntArray, str, str, IntArray, ObjArray, IntArray]] = []
    for form, gruppe, typ, probability, count in _RULES:
        owners = np.flatnonzero(entities.form == form)
        if probability < 1.0:
            owners = owners[rng.random(owners.size) < probability]
        if owners.size == 0:
            continue
        entity = np.repeat(owners, count)
        order = np.tile(np.arange(count), owners.size)
        if typ == "INNH":
            person = entities.owner[entity]
        else:
            person = _holders(rng, people, reference_day, entity.size, board=gruppe == "STYR")
        parts.append((entity, gruppe, typ, person, np.full(entity.size, None, dtype=object), order))

    # Larger AS: more board members; an auditor when they employ ten or more.
    as_ = np.flatnonzero(entities.form == "AS")
    big = as_[entities.size[as_] >= 5]
    if big.size:
        members = np.repeat(big, 2 + rng.integers(0, 3, big.size))
        person = _holders(rng, people, reference_day, members.size, board=True)
        order = np.arange(members.size) - np.searchsorted(members, members)
        parts.append(
            (members, "STYR", "MEDL", person, np.full(members.size, None, dtype=object), order)
        )
    for nace, typ, wanted in (
        (
            "69.202",
            "REVI",
            np.concatenate(
                [
                    as_[entities.size[as_] >= 10],
                    np.flatnonzero(np.isin(entities.form, ["ASA", "STI", "SA"])),
                ]
            ),
        ),
        ("69.201", "REGN", as_[(entities.size[as_] < 10) & (rng.random(as_.size) < 0.5)]),
        ("68.320", "FFØR", np.flatnonzero(entities.form == "BRL")),
    ):
        firms = _firms_with(entities, nace)
        wanted = wanted[~np.isin(wanted, firms)]
        if firms.size == 0 or wanted.size == 0:
            continue
        holder = firms[rng.integers(firms.size, size=wanted.size)]
        parts.append(
            (
                wanted,
                typ,
                typ,
                np.full(wanted.size, -1),
                entities.orgnr[holder],
                np.zeros(wanted.size, dtype=np.int64),
            )
        )

    entity = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    roles = Roles(
        entity=entity,
        rollegruppe=np.concatenate([np.full(p[0].size, p[1], dtype=object) for p in parts])
        if parts
        else objects([]),
        rolletype=np.concatenate([np.full(p[0].size, p[2], dtype=object) for p in parts])
        if parts
        else objects([]),
        person=np.concatenate([p[3] for p in parts]) if parts else np.zeros(0, dtype=np.int64),
        holder_orgnr=np.concatenate([p[4] for p in parts]) if parts else objects([]),
        rekkefolge=np.concatenate([p[5] for p in parts]) if parts else np.zeros(0, dtype=np.int64),
    )
    return _same_leader(rng, roles, entities)


def _same_leader(rng: np.random.Generator, roles: Roles, entities: Entities) -> Roles:
    """In half the small AS the daglig leder is also the board's leader."""
    dagl = np.flatnonzero((roles.rolletype == "DAGL") & (entities.form[roles.entity] == "AS"))
    lede = np.flatnonzero((roles.rolletype == "LEDE") & (entities.form[roles.entity] == "AS"))
    by_entity = dict(zip(roles.entity[lede].tolist(), lede.tolist(), strict=True))
    person = roles.person.copy()
    for index in dagl[
        (entities.size[roles.entity[dagl]] < 5) & (rng.random(dagl.size) < _SAME_LEADER)
    ].tolist():
        other = by_entity.get(int(roles.entity[index]))
        if other is not None:
            person[other] = person[index]
    return Roles(
        roles.entity,
        roles.rollegruppe,
        roles.rolletype,
        person,
        roles.holder_orgnr,
        roles.rekkefolge,
    )


def role_columns(
    rng: np.random.Generator,
    roles: Roles,
    *,
    ids: IntArray,
    enhet_ids: IntArray,
    registered: IntArray,
    people: People,
    reference_day: int,
) -> dict[str, Any]:
    """``enh_rolle`` columns; ``enhet_ids`` and ``registered`` are per entity."""
    is_person = roles.person >= 0
    ident = np.full(roles.entity.size, None, dtype=object)
    ident[is_person] = people.ident_text(roles.person[is_person])
    start = registered[roles.entity]
    when = start + np.floor(
        rng.random(start.size) * np.maximum(reference_day - start, 1) * 0.3
    ).astype(np.int64)
    # A role holder was an adult when registered.
    adult = np.where(is_person, people.birth[np.maximum(roles.person, 0)] + 18 * 366, 0)
    when = np.minimum(np.maximum(when, adult), reference_day - 1)
    return {
        "id": ids,
        "enhet_id": enhet_ids[roles.entity],
        "rollegruppe": roles.rollegruppe,
        "rolletype": roles.rolletype,
        "person_ident": ident,
        "rolle_orgnr": roles.holder_orgnr,
        "rekkefolge": roles.rekkefolge,
        "registrert": days(when),
    }
