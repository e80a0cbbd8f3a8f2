"""The whole population as one OpenFisca simulation: registry columns → people, familier, inputs.

Screening a benefit for everyone (``felles.rules.screening``) needs the registries' facts for
5.6 million people as arrays, the familie each person belongs to, and a simulation built from
them, all without a Python loop over people. Three steps, each a function here:

1. :func:`load_columns` reads Folkeregisteret through its query layer
   (``columns.population_columns`` and ``columns.parent_links``): every person alive in the
   month and every current parent relation, as numpy columns. On PostgreSQL the two reads run
   side by side on two connections (the server does most of the work, on two cores).
2. :func:`form_families` places each person in exactly one familie (the rule below) and
   :func:`registry_inputs` turns the columns into the rules' input variables for the month.
3. :func:`build_simulation` makes the OpenFisca simulation from those arrays.

**The familie rule.** A *child* is anyone under 18 on the first day of the month with a
registered parent (mor, far or medmor in frg_familierelasjon, the relation current, the parent
alive at the start of the month). Each child is placed with one parent, the first of its
parents by:

1. the parent lives with the child (same bostedsadresse: ``adresse_id`` and
   ``bruksenhetsnummer``);
2. the parent holds foreldreansvar for the child (``felles``, or the parent's own role);
3. mor, then medmor, then far.

That parent is the familie's first *forelder* and the one the benefit is paid to (unless they
do not meet the recipient's conditions, see ``screening``). A second forelder is another
parent of one of the familie's children who lives at the first parent's address and is not
already placed; at most one per familie and each person in one familie (when several qualify,
the one with the lowest person id, into the familie formed first). A child who is itself a
chosen parent (a parent under 18) is a forelder in its own familie, not a barn in its parents'.
Everyone else is alone in a familie of their own: adults as forelder, children without a
registered parent as barn (no recipient, so no benefit). Step-parents and foster parents are
not parents in Folkeregisteret and are not placed as forelder; a child who does not live with
any parent goes with its preferred parent and ``bor_med_forelder`` is false.

**The inputs** are what Folkeregisteret says; what it cannot say stays at the rules' defaults,
which can only deny (docs/rules.md, "Conditions default to false"):

* ``bosatt_i_norge``: status ``bosatt`` and, for an immigrant, moved in on or before the first
  day of the month; or dead on or after the first day with a registered address (resident when
  they died: ``lever`` then decides the month).
* ``lovlig_opphold``: the same as ``bosatt_i_norge`` — Folkeregisteret registers a foreign
  national as resident only when the stay is lawful; UDI's permits are not in felles.
* ``medlem_i_folketrygden_5_aar``: resident and living in Norway since birth or since moving
  in, for at least 5 years on the first day of the month (a return after a stay abroad starts
  the count again; periods of membership abroad are not known).
* ``bor_med_forelder``: the child has the same bostedsadresse as its familie's first forelder.
* ``sivilstand``, ``kommunenummer``, ``foedselsdato``, ``doedsdato``, ``kjoenn``: as registered.
* Not known to any felles registry, left at their defaults: ``barnehagetimer_per_uke`` (0: a
  kindergarten place is the municipality's data, so kontantstøtte candidates include children
  with a full-time place), ``enslig_forsoerger`` and ``mottar_full_overgangsstoenad`` (false:
  utvidet barnetrygd and småbarnstillegg are not screened), ``medlem_uten_bosetting``.

The registries hold today's state; only birth and death dates (and the moving-in date) are
applied to the month asked for. Moves and emigrations are not rolled back, so a proactive
service screens the current or the coming month.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.simulations import Simulation
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from sqlalchemy.orm import Session

from felles.kernel.db import Database
from felles.registries.folkeregister import columns
from felles.registries.folkeregister.columns import ParentLinks, PopulationColumns
from felles.rules.entities import Familie
from felles.rules.enums import FREG_SIVILSTAND, Kjoenn

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Role codes in ``Families.role`` (the order of ``Familie.flattened_roles``).
FORELDER: Final = 0
BARN: Final = 1
_MONTH: Final = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_ALIVE: Final = np.datetime64("9999-12-31", "D")  # doedsdato's default: alive

_STATUS = {code: index for index, code in enumerate(columns.POPULATION_STATUS)}
# POPULATION_PARENT_ROLE index → preference: mor, then medmor, then far.
_ROLE_RANK = np.array([("mor", "medmor", "far").index(r) for r in columns.POPULATION_PARENT_ROLE])


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month: its OpenFisca period key (``2025-06``) and its first and last day."""

    key: str
    first_day: dt.date
    last_day: dt.date

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM``; ValueError otherwise."""
        match = _MONTH.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a month written YYYY-MM")
        year, month = int(match[1]), int(match[2])
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(text, first, following - dt.timedelta(days=1))

    def years_before_start(self, years: int) -> np.datetime64:
        """The first day of the month ``years`` years earlier."""
        return np.datetime64(self.first_day.replace(year=self.first_day.year - years), "D")


@dataclass(frozen=True, slots=True)
class Families:
    """Each person's familie (0 … count-1) and role there, and each familie's parents.

    ``first_parent`` and ``second_parent`` are positions in the people's arrays (-1: none);
    ``lives_with_parent`` is true for a barn living with the first parent.
    """

    familie: IntArray
    role: npt.NDArray[np.int8]
    count: int
    first_parent: IntArray
    second_parent: IntArray
    lives_with_parent: BoolArray


@dataclass(frozen=True, slots=True)
class Population:
    """Everyone alive in the month, their familier and the rules' inputs, ready to simulate."""

    month: Month
    people: PopulationColumns
    families: Families
    inputs: dict[str, tuple[str, npt.NDArray[Any]]]  # variable → (period, one value a person)

    @property
    def persons(self) -> int:
        return len(self.people)


# ------------------------------------------------------------------------------------------
# 1. Loading
# ------------------------------------------------------------------------------------------


def load_columns(database: Database, month: Month) -> tuple[PopulationColumns, ParentLinks]:
    """Everyone alive in ``month`` and every current parent link, from Folkeregisteret."""

    def snapshot(session: Session) -> Session:
        # Each read is several statements (a range of ids each): one snapshot for all of them.
        if database.is_postgresql:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return session

    def people() -> PopulationColumns:
        with database.read_session() as session:
            return columns.population_columns(
                snapshot(session), first_day=month.first_day, last_day=month.last_day
            )

    def links() -> ParentLinks:
        with database.read_session() as session:
            return columns.parent_links(snapshot(session))

    if not database.is_postgresql:
        return people(), links()
    # Two connections: PostgreSQL aggregates the two tables on two cores at once (the Python
    # side waits in the driver without the GIL). A relation added between the two reads and
    # pointing at someone not read is dropped by form_families.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="population") as pool:
        relations = pool.submit(links)
        return people(), relations.result()


# ------------------------------------------------------------------------------------------
# 2. Familier and inputs
# ------------------------------------------------------------------------------------------


def _positions(ids: IntArray, wanted: IntArray) -> IntArray:
    """Position of each wanted id in the sorted ``ids``, -1 where it is not there."""
    if len(ids) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    if ids[0] >= 0 and ids[-1] < 4 * len(ids) + 1024:
        # Row ids are dense: a table from id to position is one gather, a tenth of the time
        # of a binary search per id (0.3 s for 6 million links on 5.6 million people).
        table = np.full(int(ids[-1]) + 2, -1, dtype=np.int64)
        table[ids] = np.arange(len(ids))
        return table[np.clip(wanted, -1, len(table) - 1)]  # beyond the last id: -1
    found = np.searchsorted(ids, wanted)
    inside = found < len(ids)
    found[~inside] = 0
    return np.where(inside & (ids[found] == wanted), found, -1)


def same_dwelling(people: PopulationColumns, a: IntArray, b: IntArray) -> BoolArray:
    """Whether people at positions ``a`` and ``b`` share a registered dwelling."""
    address = people.adresse_id
    same: BoolArray = (
        (address[a] >= 0)
        & (address[a] == address[b])
        & (people.bruksenhetsnummer[a] == people.bruksenhetsnummer[b])
    )
    return same


def _first_per(keys: IntArray, *order: npt.NDArray[Any]) -> IntArray:
    """Indexes of the first row per distinct ``keys`` value, rows ordered by ``order`` (most
    significant last, as ``np.lexsort`` takes them) within each key."""
    if len(keys) == 0:
        return np.empty(0, dtype=np.int64)
    rows = np.lexsort((*order, keys))
    sorted_keys = keys[rows]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return rows[first]


def form_families(people: PopulationColumns, links: ParentLinks, month: Month) -> Families:
    """Each person in exactly one familie, by the rule in the module docstring."""
    n = len(people)
    minor = people.foedselsdato > month.years_before_start(18)
    alive_at_start = ~(people.doedsdato < np.datetime64(month.first_day, "D"))  # NaT: alive
    child = _positions(people.id, links.child_id)
    of_minor = np.flatnonzero(child >= 0)
    of_minor = of_minor[minor[child[of_minor]]]  # most links are of adults: drop them first
    child = child[of_minor]
    parent = _positions(people.id, links.parent_id[of_minor])
    known = parent >= 0
    known[known] &= alive_at_start[parent[known]]
    child, parent = child[known], parent[known]
    role = links.role[of_minor][known].astype(np.int64)

    lives = same_dwelling(people, child, parent)
    ansvar = people.foreldreansvar[child].astype(np.int64)
    # POPULATION_FORELDREANSVAR: 1 felles, 2 + the POPULATION_PARENT_ROLE index of the holder.
    responsible = (ansvar == 1) | (ansvar == role + 2)
    chosen = _first_per(child, parent, _ROLE_RANK[role], ~responsible, ~lives)

    is_anchor = np.zeros(n, dtype=bool)
    is_anchor[parent[chosen]] = True
    anchors = np.flatnonzero(is_anchor)
    familie = np.full(n, -1, dtype=np.int64)
    familie[anchors] = np.arange(len(anchors))
    first_parent = anchors.copy()

    # Children (not themselves a chosen parent) join their chosen parent's familie.
    placed_child = child[chosen]
    keep = ~is_anchor[placed_child]
    placed_child, their_parent = placed_child[keep], parent[chosen][keep]
    familie[placed_child] = familie[their_parent]
    role_of = np.full(n, FORELDER, dtype=np.int8)
    role_of[placed_child] = BARN
    anchor_of = np.full(n, -1, dtype=np.int64)
    anchor_of[placed_child] = their_parent
    lives_with_parent = np.zeros(n, dtype=bool)
    lives_with_parent[placed_child] = same_dwelling(people, placed_child, their_parent)

    # A second forelder: another parent of a placed child, at the first parent's address.
    other = anchor_of[child] >= 0
    other[other] &= parent[other] != anchor_of[child[other]]
    candidate = np.flatnonzero(other)
    co_parent, anchor = parent[candidate], anchor_of[child[candidate]]
    free = (familie[co_parent] < 0) & same_dwelling(people, co_parent, anchor)
    co_parent, target = co_parent[free], familie[anchor[free]]
    one_familie = _first_per(co_parent, target)  # each co-parent once, in the first familie
    co_parent, target = co_parent[one_familie], target[one_familie]
    one_parent = _first_per(target, co_parent)  # each familie one co-parent, the lowest id
    co_parent, target = co_parent[one_parent], target[one_parent]
    familie[co_parent] = target
    second_parent = np.full(len(anchors), -1, dtype=np.int64)
    second_parent[target] = co_parent

    # Everyone else alone: adults as forelder, children without a registered parent as barn.
    alone = np.flatnonzero(familie < 0)
    familie[alone] = len(anchors) + np.arange(len(alone))
    role_of[alone] = np.where(minor[alone], BARN, FORELDER)
    count = len(anchors) + len(alone)
    first_parent = np.concatenate([first_parent, np.where(minor[alone], -1, alone)])
    second_parent = np.concatenate([second_parent, np.full(len(alone), -1, dtype=np.int64)])
    return Families(familie, role_of, count, first_parent, second_parent, lives_with_parent)


def _enum_table(registry_codes: tuple[str, ...], members: dict[str, Any]) -> IntArray:
    """Registry code index → the OpenFisca Enum member's index."""
    return np.array([members[code].index for code in registry_codes], dtype=np.int16)


_SIVILSTAND_INDEX: Final = _enum_table(columns.POPULATION_SIVILSTAND, FREG_SIVILSTAND)
_KJOENN_INDEX: Final = _enum_table(columns.POPULATION_KJOENN, dict(Kjoenn.__members__))


def kommunenummer_bytes(kommunenummer: npt.NDArray[np.int16]) -> npt.NDArray[np.bytes_]:
    """Municipality numbers as the rules' 4-character codes (301 → b"0301"; -1 → b"")."""
    number = np.maximum(kommunenummer.astype(np.int64), 0)
    digits = np.empty((len(number), 4), dtype=np.uint8)
    for place in range(4):
        digits[:, 3 - place] = ord("0") + (number // 10**place) % 10
    codes = digits.view("S4").ravel().copy()
    codes[kommunenummer < 0] = b""
    return codes


def registry_inputs(
    people: PopulationColumns, families: Families, month: Month
) -> dict[str, tuple[str, npt.NDArray[Any]]]:
    """The rules' input variables for ``month``, as the module docstring describes them."""
    start = np.datetime64(month.first_day, "D")
    arrived = people.innflyttingsdato
    status = people.status
    bosatt = (status == _STATUS["bosatt"]) & ~(arrived > start)  # NaT compares false
    died_resident = (
        (status == _STATUS["doed"]) & (people.doedsdato >= start) & (people.adresse_id >= 0)
    )
    resident = bosatt | died_resident
    five_years = month.years_before_start(5)
    since = np.where(np.isnat(arrived), people.foedselsdato, arrived)
    key = month.key
    return {
        "foedselsdato": ("ETERNITY", people.foedselsdato),
        "doedsdato": ("ETERNITY", np.where(np.isnat(people.doedsdato), _ALIVE, people.doedsdato)),
        "kjoenn": ("ETERNITY", _KJOENN_INDEX[people.kjoenn]),
        "sivilstand": (key, _SIVILSTAND_INDEX[people.sivilstand]),
        "kommunenummer": (key, kommunenummer_bytes(people.kommunenummer)),
        "bosatt_i_norge": (key, resident),
        "lovlig_opphold": (key, resident),
        "medlem_i_folketrygden_5_aar": (key, resident & (since <= five_years)),
        "bor_med_forelder": (key, families.lives_with_parent),
    }


def prepare(people: PopulationColumns, links: ParentLinks, month: Month) -> Population:
    """The familier and inputs of the people read for ``month``."""
    families = form_families(people, links, month)
    return Population(month, people, families, registry_inputs(people, families, month))


def load_population(database: Database, month: Month) -> Population:
    """Everyone alive in ``month`` with their familier and inputs (steps 1 and 2)."""
    return prepare(*load_columns(database, month), month)


# ------------------------------------------------------------------------------------------
# 3. The simulation
# ------------------------------------------------------------------------------------------


def build_simulation(system: TaxBenefitSystem, population: Population) -> Simulation:
    """An OpenFisca simulation of ``population`` with its inputs set.

    The entities are given as arrays directly (people by their frg_person id, familier by
    number): ``SimulationBuilder.declare_person_entity`` and ``join_with_persons`` would turn
    the ids into Python lists and sort the memberships again, which takes seconds for the
    whole population and gives the same simulation.
    """
    families = population.families
    builder = SimulationBuilder()
    builder.create_entities(system)
    persons = builder.populations["person"]
    persons.ids = population.people.id
    persons.count = population.persons
    familier = builder.populations["familie"]
    familier.ids = np.arange(families.count)
    familier.count = families.count
    familier.members_entity_id = families.familie
    familier.members_role = np.array(Familie.flattened_roles, dtype=object)[families.role]
    simulation = builder.build(system)
    for name, (period, values) in population.inputs.items():
        simulation.set_input(name, period, values)
    return simulation
