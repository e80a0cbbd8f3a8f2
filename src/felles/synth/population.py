"""The synthetic population: people, families, addresses and KRR contact details.

``generate_population`` fills a fresh database with a Norway in miniature (or in full:
5.6 million people) that looks like the real one: people per municipality, age and sex from
SSB's population matrix, households and family relations (``households``: children at home,
and adults born in Norway linked to their living parents in the same chunk), street addresses
in Matrikkelen's shape, synthetic identity numbers, citizenships (a few dual) and immigration,
address protection, and KRR registrations with e-mail, mobile, reservations and digital
mailboxes.

**The initial load writes no events.** It is the registries' starting snapshot, as a consumer
of the real registries would begin from a bulk extract and then follow the event feed; the
simulator's events describe changes from this point on.

How it scales: the population is generated **chunk by chunk** (a municipality, a district of
a large one, or a group of small ones: about 150 000 people), each chunk with its own random
stream so the result is deterministic for a seed, and written straight away through
``felles.kernel.bulk.BulkWriter`` (COPY on PostgreSQL) in one transaction for the whole
load: a crash leaves nothing half-written. Only three small arrays span the whole
population (birth day, sex and identity number: 16 bytes a person), because identity
numbers must be unique across chunks and ``ids.allocate_synthetic_fnrs`` has no way to
continue a previous allocation; everything else lives for one chunk only.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt
from rich.progress import Progress, TaskID
from rich.table import Table as RichTable
from sqlalchemy import Table, func, select

from felles.kernel.bulk import BulkWriter
from felles.kernel.db import Database
from felles.kernel.ids import allocate_synthetic_fnrs
from felles.registries.adresser.model import Vegadresse
from felles.registries.folkeregister.model import Familierelasjon, Person
from felles.registries.krr.model import KontaktInfo
from felles.synth import names, reference
from felles.synth.households import (
    FORELDREANSVAR,
    NO_DAY,
    SIVILSTAND,
    YEAR,
    Households,
    form_households,
    link_adult_children,
)

__all__ = [
    "DIGIPOST",
    "EBOKS",
    "GenerationReport",
    "PopulationExists",
    "generate_population",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

#: Digital mailbox providers (postkasseleverandoeradresse is the provider's orgnr).
DIGIPOST: Final = "984661185"
EBOKS: Final = "996460320"

_CHUNK_TARGET: Final = 150_000  # people per chunk; memory per chunk is a few hundred MB
_STREAM_PLAN, _STREAM_BIRTH, _STREAM_CHUNK, _STREAM_IDENT = 1, 2, 3, 4

_PERSONS = cast(Table, Person.__table__)
_RELATIONS = cast(Table, Familierelasjon.__table__)
_ADDRESSES = cast(Table, Vegadresse.__table__)
_KRR = cast(Table, KontaktInfo.__table__)

_REGISTER_START: Final = int(np.datetime64("1964-10-01", "D").astype(np.int64))
_KRR_START: Final = int(np.datetime64("2014-01-01", "D").astype(np.int64))


class PopulationExists(RuntimeError):  # noqa: N818 (reads better than ...Error at the call)
    """The database already has people or addresses; generation needs a fresh one."""


@dataclass(frozen=True, slots=True)
class GenerationReport:
    """What ``generate_population`` wrote and how long it took."""

    persons: int
    seed: int
    reference_date: dt.date
    chunks: int
    households: int
    rows: dict[str, int]
    seconds: float
    rows_per_second: float
    phases: dict[str, float] = field(default_factory=dict)

    def summary(self) -> RichTable:
        """The report as a table for the terminal."""
        table = RichTable(title=f"Synthetic Norway: {self.persons:,} people (seed {self.seed})")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name, count in self.rows.items():
            table.add_row(name, f"{count:,}")
        table.add_row("households", f"{self.households:,}")
        table.caption = (
            f"{self.seconds:.1f} s, {self.rows_per_second:,.0f} rows/s, {self.chunks} chunks"
        )
        return table


# --------------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class _Unit:
    """People of one municipality, or of one district of a large one, by age and sex."""

    kommune: int  # index into reference.kommuner()
    counts: IntArray  # (106, 2): persons by age and sex (0 = kvinne)


@dataclass(frozen=True, slots=True)
class _Chunk:
    index: int
    first: int  # position of the chunk's first person in the whole population
    units: tuple[_Unit, ...]
    persons: int


def _systematic(expected: npt.NDArray[np.float64], rng: np.random.Generator) -> IntArray:
    """Round expectations to integers with the same total, each to floor or ceil.

    Systematic sampling: one random offset, then the cumulative sums are floored. Anything
    with an expectation of at least one gets at least one.
    """
    offset = rng.random()
    cumulative = np.floor(np.cumsum(expected) + offset)
    cumulative[-1] = np.floor(round(float(expected.sum())) + offset)  # no float drift
    return np.diff(cumulative, prepend=0.0).astype(np.int64)


def _plan(persons: int, seed: int) -> list[_Chunk]:
    """Split ``persons`` over municipalities, ages and sexes, then into chunks."""
    _numbers, matrix = reference.population_matrix()
    rng = np.random.default_rng([seed, _STREAM_PLAN])
    totals = matrix.sum(axis=(1, 2))
    per_kommune = _systematic(totals * persons / totals.sum(), rng)
    units: list[_Unit] = []
    for kommune, count in enumerate(per_kommune.tolist()):
        if count == 0:
            continue
        cells = matrix[kommune].reshape(-1).astype(np.float64)
        counts = _systematic(cells * count / cells.sum(), rng).reshape(matrix.shape[1:])
        units.extend(_districts(kommune, counts, rng))
    return _group(units)


def _districts(kommune: int, counts: IntArray, rng: np.random.Generator) -> list[_Unit]:
    """A large municipality is split into districts of about one chunk each."""
    parts = -(-int(counts.sum()) // _CHUNK_TARGET)
    if parts <= 1:
        return [_Unit(kommune, counts)]
    split = rng.multinomial(counts.reshape(-1), np.full(parts, 1.0 / parts))
    return [_Unit(kommune, split[:, p].reshape(counts.shape)) for p in range(parts)]


def _group(units: Sequence[_Unit]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    current: list[_Unit] = []
    size = first = 0
    for unit in units:
        persons = int(unit.counts.sum())
        if current and size + persons > _CHUNK_TARGET:
            chunks.append(_Chunk(len(chunks), first, tuple(current), size))
            first, current, size = first + size, [], 0
        current.append(unit)
        size += persons
    if current:
        chunks.append(_Chunk(len(chunks), first, tuple(current), size))
    return chunks


def _expand(chunk: _Chunk) -> tuple[IntArray, IntArray, BoolArray]:
    """Per person of the chunk: unit number, age and is_female (a fixed order)."""
    units, ages, females = [], [], []
    for number, unit in enumerate(chunk.units):
        age, sex = np.nonzero(unit.counts)
        repeat = unit.counts[age, sex]
        units.append(np.full(int(repeat.sum()), number, dtype=np.int64))
        ages.append(np.repeat(age, repeat).astype(np.int64))
        females.append(np.repeat(sex == 0, repeat))
    return np.concatenate(units), np.concatenate(ages), np.concatenate(females)


# ------------------------------------------------------------------- birth dates and idents


def _day_number(day: dt.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def _anniversary(reference_date: dt.date, years_before: int) -> dt.date:
    year = reference_date.year - years_before
    try:
        return reference_date.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return dt.date(year, 2, 28)


@cache
def _birth_windows(reference_date: dt.date) -> tuple[IntArray, IntArray]:
    """For each age 0..105: the first and last possible birth day on the reference date."""
    ages = range(reference.AGES)
    last = np.array([_day_number(_anniversary(reference_date, a)) for a in ages])
    first = np.array([_day_number(_anniversary(reference_date, a + 1)) + 1 for a in ages])
    return first, last


def _birth_days(age: IntArray, reference_date: dt.date, rng: np.random.Generator) -> IntArray:
    first, last = _birth_windows(reference_date)
    span = last[age] - first[age] + 1
    return first[age] + np.floor(rng.random(age.size) * span).astype(np.int64)


def _allocate_idents(birth: npt.NDArray[np.int32], female: BoolArray, seed: int) -> Any:
    """Unique synthetic fødselsnummer for everyone, as S11 bytes (11 bytes a person).

    Numbers are unique within a birth date and sex, so allocating one birth decade at a time
    is enough, and keeps ids.py's temporary arrays small.
    """
    idents = np.empty(birth.size, dtype="S11")
    decade = (birth.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970) // 10
    for value in np.unique(decade).tolist():
        where = np.flatnonzero(decade == value)
        stream = np.random.SeedSequence([seed, _STREAM_IDENT, value]).generate_state(1)
        numbers = allocate_synthetic_fnrs(
            birth[where].astype("datetime64[D]"), female[where], seed=int(stream[0])
        )
        idents[where] = numbers.astype("S11")
    return idents


# -------------------------------------------------------------------------- chunk context


@dataclass(slots=True)
class _Context:
    """What the chunks share: inputs and global counters."""

    seed: int
    reference_date: dt.date
    reference_day: int
    birth: npt.NDArray[np.int32]
    idents: Any  # S11 array
    next_address_id: int = 1
    next_relation_id: int = 1
    next_mobile: int = 0
    streets_used: dict[str, int] = field(default_factory=dict)
    households: int = 0


@dataclass(frozen=True, slots=True)
class _Tables:
    """One chunk's rows, as column arrays per table."""

    addresses: dict[str, Any]
    persons: dict[str, Any]
    relations: dict[str, Any]
    krr: dict[str, Any]


@cache
def _kommune_numbers() -> ObjArray:
    return np.array([k.kommunenummer for k in reference.kommuner()], dtype=object)


@cache
def _kommune_weights() -> npt.NDArray[np.float64]:
    population = np.array([k.folketall_2025 for k in reference.kommuner()], dtype=np.float64)
    return np.asarray(population / population.sum(), dtype=np.float64)


def _where_or_none(mask: BoolArray, values: Any) -> ObjArray:
    """``values`` where ``mask`` holds, None (NULL) elsewhere, as an object array."""
    out = np.full(mask.size, None, dtype=object)
    out[mask] = np.broadcast_to(values, mask.shape)[mask]
    return out


def _objects(values: Sequence[Any]) -> ObjArray:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


# ----------------------------------------------------------------------- ordering a chunk


def _household_order(hh: Households, age: IntArray) -> IntArray:
    """Members of a household next to each other: head, partner, then children by age."""
    n = age.size
    rank = np.full(n, 2, dtype=np.int64) * 1000 + (200 - age)
    rank[hh.head] = 0
    partners = hh.partner[hh.head]
    rank[partners[partners >= 0]] = 1
    return np.lexsort((rank, hh.household))


def _reorder(hh: Households, order: IntArray) -> Households:
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)

    def remap(index: IntArray) -> IntArray:
        moved = index[order]
        return np.where(moved >= 0, inverse[np.maximum(moved, 0)], -1)

    return Households(
        household=hh.household[order],
        head=inverse[hh.head],
        kind=hh.kind,
        mother=remap(hh.mother),
        father=remap(hh.father),
        medmor=remap(hh.medmor),
        partner=remap(hh.partner),
        spouse=remap(hh.spouse),
        sivilstand=hh.sivilstand[order],
        sivilstandsdato=hh.sivilstandsdato[order],
        wedding_day=hh.wedding_day[order],
        foreldreansvar=hh.foreldreansvar[order],
        at_home_child=hh.at_home_child[order],
    )


# ---------------------------------------------------------------- citizenship and origins

# How much more often a household with a head of this age is foreign (index = age band
# start in _ORIGIN_BANDS): immigrants are mostly adults of working age and their children.
_ORIGIN_BANDS: Final = np.array([0, 18, 25, 35, 45, 55, 67])
_ORIGIN_SHAPE: Final = np.array([1.2, 1.2, 2.2, 1.8, 1.2, 0.6, 0.25])
_MIXED_COUPLE: Final = 0.3  # a foreign head's partner is Norwegian
_FOREIGN_BORN_IN_NORWAY: Final = 0.05
_NATURALISED: Final = 0.07  # Norwegian households whose head immigrated and naturalised
# Norway has allowed dual citizenship since 2020: many naturalised since then kept their first
# citizenship (where that country allows it too); a few naturalised earlier have one again.
_DUAL_FROM: Final = int(np.datetime64("2020-01-01", "D").astype(np.int64))
_DUAL_SINCE_2020: Final = 0.35
_DUAL_BEFORE_2020: Final = 0.03


@cache
def _foreign_citizenships() -> tuple[ObjArray, npt.NDArray[np.float64], float]:
    weights = reference.citizenship_weights()
    foreign = [(code, w) for code, w in weights if code != "NOR"]
    codes = _objects([code for code, _ in foreign])
    cdf = np.cumsum([w for _, w in foreign])
    return codes, cdf / cdf[-1], 1.0 - dict(weights)["NOR"]


@cache
def _birth_countries() -> tuple[ObjArray, npt.NDArray[np.float64]]:
    weights = reference.birth_country_weights()
    cdf = np.cumsum([w for _, w in weights])
    return _objects([code for code, _ in weights]), cdf / cdf[-1]


@cache
def _kommune_origin_factor() -> npt.NDArray[np.float64]:
    """Larger municipalities have more foreign citizens (Oslo about twice the average)."""
    population = np.array([k.folketall_2025 for k in reference.kommuner()], dtype=np.float64)
    factor = (population / 10_000) ** 0.15
    return factor / float((factor * population).sum() / population.sum())


@cache
def _origin_base() -> float:
    """Scale of the foreign-household probability so the national share comes out right."""
    _numbers, matrix = reference.population_matrix()
    age = np.arange(reference.AGES)
    # A person's chance follows their household head's age: children's heads are 30-50.
    head_age = np.where(age < 18, 38, np.where(age < 25, 48, age))
    shape = _ORIGIN_SHAPE[np.searchsorted(_ORIGIN_BANDS, head_age, side="right") - 1]
    people = matrix.sum(axis=2).astype(np.float64)
    weighted = (people * shape[None, :] * _kommune_origin_factor()[:, None]).sum()
    _codes, _cdf, share = _foreign_citizenships()
    # Mixed couples make some members of foreign households Norwegian: draw a little more.
    return share / float(weighted / people.sum()) * 1.12


def _draw(cdf: npt.NDArray[np.float64], rng: np.random.Generator, size: int) -> IntArray:
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), cdf.size - 1)


@dataclass(frozen=True, slots=True)
class _Origins:
    statsborgerskap: ObjArray  # "NOR", "POL", or "NOR,POL" for a dual citizen
    foreign_citizen: BoolArray  # not a Norwegian citizen
    ervervsdato: IntArray
    foedeland: ObjArray
    foedekommune: ObjArray
    innflyttet_fra: ObjArray
    innflyttingsdato: IntArray


def _origins(
    rng: np.random.Generator,
    hh: Households,
    age: IntArray,
    birth: IntArray,
    kommune: IntArray,
    reference_day: int,
) -> _Origins:
    """Citizenship, birth country and immigration, decided per household."""
    n, heads = age.size, hh.head
    head_age = age[heads]
    band = np.searchsorted(_ORIGIN_BANDS, head_age, side="right") - 1
    chance = _origin_base() * _ORIGIN_SHAPE[band] * _kommune_origin_factor()[kommune[heads]]
    foreign_household = rng.random(heads.size) < np.minimum(chance, 0.9)
    codes, cdf, _share = _foreign_citizenships()
    country = codes[_draw(cdf, rng, heads.size)]
    naturalised = ~foreign_household & (head_age >= 25) & (rng.random(heads.size) < _NATURALISED)
    born_codes, born_cdf = _birth_countries()
    country = np.where(naturalised, born_codes[_draw(born_cdf, rng, heads.size)], country)

    # Arrival: foreign households recently (mean seven years), naturalised ones 8-35 years
    # ago; never before the head was 16 (or born, for the naturalised).
    recent = np.minimum(rng.exponential(7.0, heads.size), np.maximum(head_age - 16, 0.2))
    settled = 8 + rng.random(heads.size) * np.clip(head_age - 8, 0, 27)
    arrival = reference_day - np.round(np.where(naturalised, settled, recent) * YEAR)
    arrival = arrival.astype(np.int64)

    household = hh.household
    member_foreign = foreign_household[household]
    is_head = np.zeros(n, dtype=bool)
    is_head[heads] = True
    is_partner = ~is_head & (hh.partner >= 0)
    mixed = is_partner & (rng.random(n) < _MIXED_COUPLE)
    mixed_household = np.zeros(heads.size, dtype=bool)
    mixed_household[household[mixed]] = True
    child = hh.at_home_child
    norwegian_member = mixed | (child & mixed_household[household])
    citizen_foreign = member_foreign & ~norwegian_member

    member_arrival = arrival[household]
    born_before = birth < member_arrival
    stay_home_partner = is_partner & (rng.random(n) < 0.5)
    abroad = citizen_foreign & born_before & (rng.random(n) >= _FOREIGN_BORN_IN_NORWAY)
    abroad |= naturalised[household] & born_before & ~stay_home_partner
    abroad &= ~(member_foreign & norwegian_member)

    statsborgerskap = np.where(citizen_foreign, country[household], "NOR").astype(object)
    naturalised_member = naturalised[household] & abroad
    years_to_citizenship = 7 + rng.random(n) * 5
    erverv = np.minimum(
        member_arrival + np.round(years_to_citizenship * YEAR).astype(np.int64),
        reference_day - 1,
    )
    ervervsdato = np.where(naturalised_member, erverv, NO_DAY)
    dual_share = np.where(erverv >= _DUAL_FROM, _DUAL_SINCE_2020, _DUAL_BEFORE_2020)
    dual = naturalised_member & (rng.random(n) < dual_share)
    statsborgerskap[dual] = "NOR," + country[household[dual]]
    foedeland = np.where(abroad, country[household], "NOR").astype(object)
    local = rng.random(n) < np.where(child, 0.85, 0.5)
    elsewhere = _draw(np.cumsum(_kommune_weights()), rng, n)
    born_in = np.where(local, kommune[heads][household], elsewhere)
    foedekommune = _where_or_none(~abroad, _kommune_numbers()[born_in])
    innflyttet_fra = _where_or_none(abroad, country[household])
    innflyttingsdato = np.where(abroad, member_arrival, NO_DAY)
    return _Origins(
        statsborgerskap,
        citizen_foreign,
        ervervsdato,
        foedeland,
        foedekommune,
        innflyttet_fra,
        innflyttingsdato,
    )


# ---------------------------------------------------------------------------------- names


@cache
def _name_table(code: str, female: bool) -> tuple[ObjArray, Any, ObjArray, Any]:
    lists = names.names_for_citizenship(code, "kvinne" if female else "mann")
    first_cdf = np.cumsum(lists.first_weights)
    last_cdf = np.cumsum(lists.last_weights)
    return (
        lists.first_names.astype(object),
        first_cdf / first_cdf[-1],
        lists.last_names.astype(object),
        last_cdf / last_cdf[-1],
    )


def _own_names(
    rng: np.random.Generator, citizenship: ObjArray, female: BoolArray
) -> tuple[ObjArray, ObjArray]:
    """A first name and a surname of one's own, from the lists of one's citizenship."""
    first = np.empty(citizenship.size, dtype=object)
    last = np.empty(citizenship.size, dtype=object)
    codes, inverse = np.unique(citizenship, return_inverse=True)
    group = inverse.reshape(-1) * 2 + female
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=2 * codes.size)
    stops = np.cumsum(counts)
    for number in np.flatnonzero(counts).tolist():
        where = order[stops[number] - counts[number] : stops[number]]
        # Dual citizens are written "NOR,XXX"; names follow the first listed.
        code = str(codes[number // 2]).split(",")[0]
        first_names, first_cdf, last_names, last_cdf = _name_table(code, bool(number % 2))
        first[where] = first_names[_draw(first_cdf, rng, where.size)]
        last[where] = last_names[_draw(last_cdf, rng, where.size)]
    return first, last


def _names(
    rng: np.random.Generator, hh: Households, citizenship: ObjArray, female: BoolArray
) -> tuple[ObjArray, ObjArray, ObjArray]:
    """fornavn, mellomnavn, etternavn: spouses and children share family names."""
    n = citizenship.size
    fornavn, own = _own_names(rng, citizenship, female)
    mellomnavn = np.full(n, None, dtype=object)
    # Half the married women take the husband's surname, some keeping theirs as a middle name.
    wife = np.flatnonzero(hh.married & female & ~female[np.maximum(hh.spouse, 0)])
    takes = wife[rng.random(wife.size) < 0.5]
    husband = hh.spouse[takes]

    # Adults who have left home were born with a parent's surname: the father's in a little
    # over half of families (one choice per mother, so siblings agree). A parent may be such
    # an adult too, and a mother's name may be her husband's: repeat until the names settle
    # (a few rounds; generations of linked adults are at most three deep).
    grown = np.flatnonzero(~hh.at_home_child & (hh.mother >= 0))
    by_father = rng.random(n)[hh.mother[grown]] < 0.55
    source = np.where(by_father & (hh.father[grown] >= 0), hh.father[grown], hh.mother[grown])
    for _round in range(8):
        family_names = own.copy()
        family_names[takes] = own[husband]
        inherited = family_names[source]
        if np.array_equal(own[grown], inherited):
            break
        own[grown] = inherited
    etternavn = own.copy()
    etternavn[takes] = own[husband]
    keeps_middle = takes[rng.random(takes.size) < 0.35]
    mellomnavn[keeps_middle] = own[keeps_middle]

    # Children: one family choice per household between the father's and mother's surname.
    children = np.flatnonzero(hh.at_home_child)
    mother, father = hh.mother[children], hh.father[children]
    choose_father = rng.random(hh.count)[hh.household[children]] < 0.55
    use_father = (father >= 0) & choose_father
    parent = np.where(use_father, father, mother)
    has_parent = parent >= 0
    etternavn[children[has_parent]] = etternavn[parent[has_parent]]
    other = np.where(use_father, mother, father)
    middle = has_parent & (other >= 0) & (rng.random(hh.count)[hh.household[children]] < 0.2)
    middle_names = etternavn[other[middle]]
    differs = middle_names != etternavn[children[middle]]
    mellomnavn[children[middle][differs]] = middle_names[differs]
    return fornavn, mellomnavn, etternavn


# ------------------------------------------------------------------------------ addresses

_LETTERS: Final = np.array([None, *"ABCDEFGHIJKLMNOPQRSTUVWXYZ"], dtype=object)
_BLOCK_SIZES: Final = np.array([3, 4, 6, 8, 10, 12, 16, 20, 24, 30, 40])
_BLOCK_P_TOWN: Final = np.array([0.15, 0.25, 0.2, 0.15, 0.1, 0.08, 0.04, 0.02, 0.01, 0, 0])
_BLOCK_P_CITY: Final = np.array([0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.15, 0.13, 0.1, 0.06, 0.04])
_SPARE: Final = 0.11  # about 10 % of addresses have nobody living there
_STREET_LENGTH: Final = 12.0  # mean addresses per street


@cache
def _bruksenheter() -> ObjArray:
    """'H0101' …: index floor * 100 + number (Matrikkelen's bruksenhetsnummer)."""
    table = np.full(100 * 100, None, dtype=object)
    for floor in range(1, 100):
        for number in range(1, 100):
            table[floor * 100 + number] = f"H{floor:02d}{number:02d}"
    return table


@cache
def _postal_codes(kommunenummer: str) -> tuple[ObjArray, ObjArray]:
    codes = reference.postnumre_for_addresses(kommunenummer)
    return _objects([c.postnummer for c in codes]), _objects([c.poststed for c in codes])


def _flat_share(population: int) -> float:
    """Share of households living in blocks of flats, by municipality size."""
    for threshold, share in ((500_000, 0.70), (150_000, 0.50), (50_000, 0.38), (20_000, 0.25)):
        if population >= threshold:
            return share
    return 0.15 if population >= 8_000 else 0.07


def _round(rng: np.random.Generator, value: float) -> int:
    return int(np.floor(value + rng.random()))


@dataclass(frozen=True, slots=True)
class _UnitAddresses:
    columns: dict[str, Any]  # adr_vegadresse rows of the unit
    household_address: IntArray  # per household of the unit: row in ``columns``
    household_unit: ObjArray  # per household: bruksenhetsnummer or None


def _dwellings(
    rng: np.random.Generator, sizes: IntArray, population: int
) -> tuple[IntArray, IntArray, IntArray, ObjArray]:
    """Houses and blocks of flats for households of these sizes.

    Returns (units per address, address per household, flat number per household (−1 for
    houses), bruksenhetsnummer per household).
    """
    share = _flat_share(population)
    in_flat = rng.random(sizes.size) < np.clip(share * np.where(sizes <= 2, 1.25, 0.6), 0, 0.97)
    houses = int((~in_flat).sum())
    house_addresses = houses + _round(rng, houses * _SPARE)
    flats = int(in_flat.sum())
    p = _BLOCK_P_CITY if population >= 100_000 else _BLOCK_P_TOWN
    draws = rng.choice(_BLOCK_SIZES, size=max(4, int(flats / 8) + 4), p=p / p.sum())
    capacity = np.cumsum(draws)
    blocks = int(np.searchsorted(capacity, np.ceil(flats * 1.05))) + 1 if flats else 0
    block_sizes = draws[: min(blocks, draws.size)]
    while flats and block_sizes.sum() < flats:  # rare: the draw fell short
        block_sizes = np.append(block_sizes, _BLOCK_SIZES[-1])
    spare_blocks = _round(rng, block_sizes.size * _SPARE) if flats else 0
    block_sizes = np.append(block_sizes, rng.choice(_BLOCK_SIZES[:6], size=spare_blocks))

    units_per_address = np.concatenate(
        [np.ones(house_addresses, dtype=np.int64), block_sizes.astype(np.int64)]
    )
    address = np.empty(sizes.size, dtype=np.int64)
    address[~in_flat] = rng.permutation(house_addresses)[:houses]
    # Flats: every unit of the occupied blocks, shuffled; the first ones get households.
    occupied = block_sizes[: block_sizes.size - spare_blocks]
    block_of_unit = np.repeat(np.arange(occupied.size), occupied)
    position = np.arange(block_of_unit.size) - np.repeat(np.cumsum(occupied) - occupied, occupied)
    chosen = rng.permutation(block_of_unit.size)[:flats]
    address[in_flat] = house_addresses + block_of_unit[chosen]
    per_floor = np.where(occupied[block_of_unit[chosen]] <= 4, 2, 4)
    floor = position[chosen] // per_floor + 1
    number = position[chosen] % per_floor + 1
    bruksenhet = np.full(sizes.size, None, dtype=object)
    bruksenhet[in_flat] = _bruksenheter()[np.minimum(floor, 99) * 100 + number]
    return units_per_address, address, in_flat.astype(np.int64), bruksenhet


def _unit_addresses(
    rng: np.random.Generator, kommune: int, sizes: IntArray, context: _Context
) -> _UnitAddresses:
    """Streets, house numbers and postal codes for the households of one unit."""
    info = reference.kommuner()[kommune]
    units, household_address, _in_flat, bruksenhet = _dwellings(rng, sizes, info.folketall_2025)
    # Addresses in random order along streets of varying length.
    order = rng.permutation(units.size)
    lengths = 1 + rng.geometric(1 / _STREET_LENGTH, size=units.size // 4 + 4)
    while lengths.sum() < units.size:
        lengths = np.append(lengths, lengths)
    ends = np.cumsum(lengths)
    streets = int(np.searchsorted(ends, units.size)) + 1
    street = np.searchsorted(ends, np.arange(units.size), side="right")
    street_start = np.ones(units.size, dtype=bool)
    street_start[1:] = street[1:] != street[:-1]
    # A few addresses share a house number with the previous one and get letters (12A, 12B).
    lettered = ~street_start & (rng.random(units.size) < 0.06)
    new_number = ~lettered
    run = np.cumsum(new_number) - 1
    first_of_street = np.maximum.accumulate(np.where(street_start, run, 0))
    husnummer = run - first_of_street + 1
    run_first = np.flatnonzero(new_number)
    run_length = np.diff(np.append(run_first, units.size))
    letter_index = np.arange(units.size) - run_first[run] + 1
    husbokstav = np.where(run_length[run] > 1, _LETTERS[np.minimum(letter_index, 26)], None)

    used = context.streets_used.get(info.kommunenummer, 0)
    street_names = names.street_names(info.kommunenummer, used + streets, seed=context.seed)
    context.streets_used[info.kommunenummer] = used + streets
    postnummer, poststed = _postal_codes(info.kommunenummer)
    street_code = rng.integers(postnummer.size, size=streets)[street]
    ids = context.next_address_id + np.arange(units.size, dtype=np.int64)
    context.next_address_id += units.size
    row_of_address = np.empty(units.size, dtype=np.int64)
    row_of_address[order] = np.arange(units.size)
    columns = {
        "id": ids,
        "kommunenummer": info.kommunenummer,
        "adressenavn": _objects(street_names[used:])[street],
        "adressekode": 1000 + used + street,
        "husnummer": husnummer,
        "husbokstav": np.asarray(husbokstav, dtype=object),
        "postnummer": postnummer[street_code],
        "poststed": poststed[street_code],
        "antall_bruksenheter": units[order],
    }
    return _UnitAddresses(columns, row_of_address[household_address], bruksenhet)


def _addresses(
    rng: np.random.Generator,
    hh: Households,
    chunk: _Chunk,
    unit: IntArray,
    context: _Context,
) -> tuple[dict[str, Any], IntArray, ObjArray]:
    """Address rows of the chunk; per household the row it lives at and its flat number."""
    household_unit = unit[hh.head]
    sizes = np.bincount(hh.household, minlength=hh.count)
    parts: list[dict[str, Any]] = []
    household_row = np.empty(hh.count, dtype=np.int64)
    household_flat = np.full(hh.count, None, dtype=object)
    offset = 0
    for number, chunk_unit in enumerate(chunk.units):
        households = np.flatnonzero(household_unit == number)
        if households.size == 0:
            continue
        found = _unit_addresses(rng, chunk_unit.kommune, sizes[households], context)
        household_row[households] = found.household_address + offset
        household_flat[households] = found.household_unit
        parts.append(found.columns)
        offset += found.columns["id"].size
    return _stack(parts), household_row, household_flat


def _stack(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Concatenate the units' address columns; a unit's kommunenummer (a str) is repeated."""

    def column(name: str) -> Any:
        pieces = [
            np.full(part["id"].size, part[name], dtype=object)
            if isinstance(part[name], str)
            else part[name]
            for part in parts
        ]
        return np.concatenate(pieces)

    return {name: column(name) for name in parts[0]}


# ------------------------------------------------------------------------------------ KRR

_NYNORSK_SHARE: Final = {"46": 0.40, "15": 0.30, "42": 0.10, "11": 0.08, "34": 0.06, "40": 0.06}
_SAMI_SHARE: Final = {"56": 0.03, "55": 0.01}
_SPRAAK: Final = np.array(["nb", "nn", "en", "se"], dtype=object)
_FRESH_DAYS: Final = 540  # KRR: contact details verified within 18 months can be used
_ALPHANUMERIC: Final = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)


@cache
def _ascii_words(name: str) -> tuple[str, str]:
    """(dotted, joined) lower-case ASCII forms: 'Anne Marie' → ('anne.marie', 'annemarie')."""
    words = [
        w for w in "".join(c if c.isalnum() else " " for c in names.to_ascii(name).lower()).split()
    ]
    return ".".join(words), "".join(words)


# The same patterns and weights as names.email_for, which draws one address at a time;
# here they are built for a whole chunk at once (object arrays add element by element in C).
_EMAIL_P: Final = np.cumsum([0.4, 0.2, 0.15, 0.1, 0.1, 0.05])
_MOBILE_STEP: Final = 2_718_281  # odd and not a multiple of 5: coprime with the capacity


def _name_parts(values: ObjArray, part: int, empty: str) -> ObjArray:
    """Per value, part 0 (dotted) or 1 (joined) of its ASCII form; each distinct name once."""
    distinct, inverse = np.unique(values, return_inverse=True)
    forms = [_ascii_words(v)[part] or empty for v in distinct.tolist()]
    return _objects(forms)[inverse.reshape(-1)]


def _emails(rng: np.random.Generator, fornavn: ObjArray, etternavn: ObjArray) -> ObjArray:
    first = _name_parts(fornavn, 0, "person")
    compact = _name_parts(fornavn, 1, "person")
    last = _name_parts(etternavn, 1, "epost")
    initial = _objects([f[0] for f in first.tolist()])
    number = _objects(list(map(str, rng.integers(1, 100, fornavn.size).tolist())))
    pattern = _draw(_EMAIL_P, rng, fornavn.size)
    local = np.select(
        [pattern == 0, pattern == 1, pattern == 2, pattern == 3, pattern == 4],
        [
            first + "." + last,
            first + "." + last + number,
            compact + last,
            initial + "." + last,
            last + "." + first,
        ],
        first + number,
    )
    domains = _objects(["@" + d for d in names.EMAIL_DOMAINS])
    return np.asarray(local + domains[rng.integers(domains.size, size=fornavn.size)])


def _mailbox_addresses(
    rng: np.random.Generator, fornavn: ObjArray, etternavn: ObjArray
) -> ObjArray:
    """Digipost-style addresses: 'ola.nordmann#A1B2'."""
    suffix = _ALPHANUMERIC[rng.integers(36, size=(fornavn.size, 4))]
    codes = np.ascontiguousarray(suffix).view("S4").reshape(-1).astype("U4").astype(object)
    first = _name_parts(fornavn, 0, "person")
    last = _name_parts(etternavn, 1, "post")
    return np.asarray(first + "." + last + "#" + codes)


def _mobiles(first: int, count: int) -> ObjArray:
    """Distinct synthetic mobile numbers in the ranges of ``names.MOBILE_PREFIXES``.

    Index → number is one-to-one below ``names.MOBILE_CAPACITY`` (4 million); beyond that
    numbers repeat, as family members sometimes share one.
    """
    index = (first + np.arange(count, dtype=np.int64)) % names.MOBILE_CAPACITY
    scattered = index * _MOBILE_STEP % names.MOBILE_CAPACITY
    prefix, rest = np.divmod(scattered, 1_000_000)
    digits = np.empty((count, 11), dtype=np.uint8)
    digits[:, :3] = np.frombuffer(b"+47", dtype=np.uint8)
    prefixes = np.array([list(p.encode()) for p in names.MOBILE_PREFIXES], dtype=np.uint8)
    digits[:, 3:5] = prefixes[prefix]
    for position in range(6):
        digits[:, 10 - position] = ord("0") + rest // 10**position % 10
    return np.ascontiguousarray(digits).view("S11").reshape(-1).astype("U11").astype(object)


def _seconds(days: IntArray, rng: np.random.Generator) -> Any:
    """Day numbers → datetime64[s] at a random time of day (UTC)."""
    return (days * 86_400 + rng.integers(6 * 3600, 22 * 3600, days.size)).astype("datetime64[s]")


def _krr_registered(rng: np.random.Generator, people: IntArray, p: _People) -> IntArray:
    """Who of ``people`` (aged 15+) is in KRR, in identifier order."""
    share = np.interp(
        p.age[people],
        [15, 17, 18, 66, 67, 79, 80, 89, 90],
        [0.8, 0.8, 0.95, 0.97, 0.92, 0.92, 0.7, 0.7, 0.4],
    )
    people = people[rng.random(people.size) < share]
    # In key order, KRR's primary-key index is filled page by page rather than at random.
    return people[np.argsort(p.ident[people], kind="stable")]


@dataclass(frozen=True, slots=True)
class _KrrTimes:
    created: IntArray
    updated: IntArray
    verified: IntArray
    mobile_verified: IntArray


def _krr_times(rng: np.random.Generator, birth: IntArray, reference_day: int) -> _KrrTimes:
    """Most contact details were verified within 18 months; the rest earlier (then KRR says
    they cannot be used for notices)."""
    k = birth.size
    fresh = rng.random(k) < 0.8
    floor = np.maximum(birth + np.round(15 * YEAR).astype(np.int64), _KRR_START)
    verified = np.where(
        fresh,
        reference_day - rng.integers(0, _FRESH_DAYS, k),
        reference_day - rng.integers(_FRESH_DAYS, 5 * 365, k),
    )
    verified = np.maximum(verified, floor)
    updated = np.maximum(verified - rng.exponential(365, k).astype(np.int64), floor)
    created = np.maximum(updated - rng.exponential(500, k).astype(np.int64), floor)
    mobile_verified = np.clip(verified + rng.integers(-30, 30, k), updated, reference_day)
    return _KrrTimes(created, updated, verified, mobile_verified)


def _spraak(rng: np.random.Generator, fylke: ObjArray, foreign: BoolArray) -> ObjArray:
    """nb mostly; nn in the west, se in the north, en for many foreign citizens."""
    fylker = fylke.tolist()
    nn = np.array([_NYNORSK_SHARE.get(f, 0.02) for f in fylker])
    se = np.array([_SAMI_SHARE.get(f, 0.001) for f in fylker])
    en = np.where(foreign, 0.35, 0.01)
    u = rng.random(fylke.size)
    return np.asarray(_SPRAAK[np.select([u < en, u < en + se, u < en + se + nn], [2, 3, 1], 0)])


def _krr(
    rng: np.random.Generator,
    people: IntArray,
    p: _People,
    person_names: tuple[ObjArray, ObjArray],
    fylke: ObjArray,
    foreign: BoolArray,
    context: _Context,
) -> dict[str, Any]:
    """KRR registrations for people aged 15 and over (most of them)."""
    people = _krr_registered(rng, people, p)
    a, k = p.age[people], people.size
    reserved = rng.random(k) < np.where(a >= 80, 0.06, np.where(a >= 67, 0.03, 0.013))
    has_email = rng.random(k) < np.where(a >= 80, 0.7, 0.92)
    has_mobile = rng.random(k) < np.where(a >= 80, 0.85, 0.97)
    mailbox = ~reserved & (rng.random(k) < np.where(a >= 80, 0.5, np.where(a >= 18, 0.74, 0.2)))
    provider = np.where(rng.random(k) < 0.8, DIGIPOST, EBOKS).astype(object)
    times = _krr_times(rng, p.birth[people], context.reference_day)
    reserved_at = _uniform(rng, times.created, np.full(k, context.reference_day))
    spraak = _spraak(rng, fylke[people], foreign[people])
    mobiles = _mobiles(context.next_mobile, k)
    context.next_mobile += k

    created, updated = _seconds(times.created, rng), _seconds(times.updated, rng)
    verified, mobile_verified = _seconds(times.verified, rng), _seconds(times.mobile_verified, rng)
    nat = np.datetime64("NaT", "s")
    fornavn, etternavn = person_names[0][people], person_names[1][people]
    boxes = _mailbox_addresses(rng, fornavn, etternavn)
    reserved_s = np.where(reserved, _seconds(reserved_at, rng), nat)
    latest = np.maximum.reduce(
        [
            created.astype(np.int64),
            np.where(has_email, verified.astype(np.int64), 0),
            np.where(has_mobile, mobile_verified.astype(np.int64), 0),
            np.where(reserved, reserved_s.astype(np.int64), 0),
        ]
    )
    return {
        "personidentifikator": p.ident[people],
        "status": "AKTIV",
        "reservasjon": reserved,
        "reservasjonstidspunkt": reserved_s,
        "epostadresse": _where_or_none(has_email, _emails(rng, fornavn, etternavn)),
        "epostadresse_oppdatert": np.where(has_email, updated, nat),
        "epostadresse_sist_verifisert": np.where(has_email, verified, nat),
        "mobiltelefonnummer": _where_or_none(has_mobile, mobiles),
        "mobiltelefonnummer_oppdatert": np.where(has_mobile, updated, nat),
        "mobiltelefonnummer_sist_verifisert": np.where(has_mobile, mobile_verified, nat),
        "postkasseadresse": _where_or_none(mailbox, boxes),
        "postkasseleverandoeradresse": _where_or_none(mailbox, provider),
        "spraak": spraak,
        "spraak_oppdatert": created,
        "opprettet": created,
        "endret": latest.astype("datetime64[s]"),
    }


def _uniform(rng: np.random.Generator, low: IntArray, high: IntArray) -> IntArray:
    high = np.maximum(high, low)
    return low + np.floor(rng.random(low.size) * (high - low + 1)).astype(np.int64)


# ------------------------------------------------------------------------ family relations

_PARENT_ROLES: Final = (("mother", "mor"), ("father", "far"), ("medmor", "medmor"))


def _relations(
    hh: Households,
    person_id: IntArray,
    birth: IntArray,
    rng: np.random.Generator,
    context: _Context,
) -> dict[str, Any]:
    """Both directions of every parent and spouse relation.

    Parent relations hold from the child's birth; spouse relations from the wedding, and they
    stay while a couple is separated (separert).
    """
    people, related, role, mine, valid_from = [], [], [], [], []
    for attribute, name in _PARENT_ROLES:
        parent = getattr(hh, attribute)
        child = np.flatnonzero(parent >= 0)
        for a, b, their, my in (
            (child, parent[child], name, "barn"),
            (parent[child], child, "barn", name),
        ):
            people.append(a)
            related.append(b)
            role.append(np.full(a.size, their, dtype=object))
            mine.append(np.full(a.size, my, dtype=object))
            valid_from.append(birth[child])
    spouse = np.flatnonzero(hh.married)
    people.append(spouse)
    related.append(hh.spouse[spouse])
    role.append(np.full(spouse.size, "ektefelleEllerPartner", dtype=object))
    mine.append(np.full(spouse.size, "ektefelleEllerPartner", dtype=object))
    valid_from.append(hh.wedding_day[spouse])

    # Rows in person order (person ids follow the index): a person's parents, children and
    # spouse sit together in the table, so reading them touches a page or two, and the index
    # on person_id is built from presorted input.
    person_index = np.concatenate(people)
    order = np.argsort(person_index, kind="stable")
    person_index = person_index[order]
    days = np.concatenate(valid_from)[order]
    ids = context.next_relation_id + np.arange(person_index.size, dtype=np.int64)
    context.next_relation_id += person_index.size
    return {
        "id": ids,
        "person_id": person_id[person_index],
        "relatert_person_id": person_id[np.concatenate(related)[order]],
        "relatert_persons_rolle": np.concatenate(role)[order],
        "min_rolle_for_person": np.concatenate(mine)[order],
        "gyldig_fra": days.astype("datetime64[D]"),
        "ajourholdstidspunkt": _seconds(np.maximum(days, _REGISTER_START), rng),
        "opphoerstidspunkt": None,
    }


# ---------------------------------------------------------------------------- one chunk


@dataclass(frozen=True, slots=True)
class _People:
    """A chunk's people after households are formed (arrays in household order)."""

    hh: Households
    age: IntArray
    female: BoolArray
    birth: IntArray
    unit: IntArray  # the unit sampled (a household lives in its head's)
    area: IntArray  # the matching area of the unit (``_matching_areas``)
    ident: npt.NDArray[np.str_]
    person_id: IntArray


_MIN_MATCHING_AREA: Final = 3_000  # people; smaller units find partners with their neighbours


def _matching_areas(chunk: _Chunk) -> IntArray:
    """Per unit of the chunk: the area its people find partners, parents and children in.

    A unit of a few hundred people (a small municipality, or any municipality of a small
    population) has too few of each age and sex for couples and families to form within it,
    and too many would end up living alone. Such units are pooled with the units next to
    them in the chunk (neighbouring municipalities, in kommunenummer order) until an area
    has at least ``_MIN_MATCHING_AREA`` people; a household still lives in its head's unit.
    At full scale only the smallest municipalities are pooled.
    """
    sizes = np.array([int(u.counts.sum()) for u in chunk.units], dtype=np.int64)
    area = np.empty(sizes.size, dtype=np.int64)
    current = filled = 0
    for number, size in enumerate(sizes.tolist()):
        if filled >= _MIN_MATCHING_AREA:
            current, filled = current + 1, 0
        area[number] = current
        filled += size
    # A last area that came out small joins the one before it.
    if current > 0 and filled < _MIN_MATCHING_AREA:
        area[area == current] = current - 1
    return area


def _people(chunk: _Chunk, context: _Context, rng: np.random.Generator) -> _People:
    unit, age, female = _expand(chunk)
    stop = chunk.first + chunk.persons
    birth = context.birth[chunk.first : stop].astype(np.int64)
    ident = context.idents[chunk.first : stop]
    area = _matching_areas(chunk)[unit]
    hh = form_households(
        unit=area, age=age, female=female, birth=birth, reference_day=context.reference_day, rng=rng
    )
    order = _household_order(hh, age)
    person_id = chunk.first + 1 + np.arange(chunk.persons, dtype=np.int64)
    return _People(
        hh=_reorder(hh, order),
        age=age[order],
        female=female[order],
        birth=birth[order],
        unit=unit[order],
        area=area[order],
        ident=ident[order].astype("U11"),
        person_id=person_id,
    )


_PROTECTION: Final = np.array(["ugradert", "fortrolig", "strengtFortrolig", "klientadresse"])


def _protection(rng: np.random.Generator, households: int) -> IntArray:
    """Per household: 0 ugradert, 1 fortrolig (~1.6 %), 2 strengtFortrolig (~0.3 %),
    3 klientadresse (~0.1 %): about 2 % of people in all."""
    u = rng.random(households)
    return np.select([u < 0.003, u < 0.004, u < 0.020], [2, 3, 1], 0)


def _move_in_days(
    rng: np.random.Generator, p: _People, origins: _Origins, reference_day: int
) -> IntArray:
    """flyttedato: when the household moved in (members born or arrived later: then)."""
    head_age = p.age[p.hh.head]
    years = np.minimum(rng.exponential(8.0, p.hh.count), np.maximum(head_age - 18, 0) + 0.5)
    moved = reference_day - np.round(years * YEAR).astype(np.int64)
    day = np.maximum(moved[p.hh.household], p.birth)
    arrived = origins.innflyttingsdato != NO_DAY
    day[arrived] = np.maximum(day[arrived], origins.innflyttingsdato[arrived])
    return np.minimum(day, reference_day - 1)


def _chunk_tables(chunk: _Chunk, context: _Context) -> tuple[_Tables, _People]:
    rng = np.random.default_rng([context.seed, _STREAM_CHUNK, chunk.index])
    p = _people(chunk, context, rng)
    hh, ref = p.hh, context.reference_day
    kommune_of_unit = np.array([u.kommune for u in chunk.units], dtype=np.int64)
    kommune = kommune_of_unit[p.unit]
    origins = _origins(rng, hh, p.age, p.birth, kommune, ref)
    hh = link_adult_children(
        hh,
        unit=p.area,
        age=p.age,
        female=p.female,
        birth=p.birth,
        born_in_norway=origins.foedeland == "NOR",
        arrival=origins.innflyttingsdato,
        rng=rng,
    )
    fornavn, mellomnavn, etternavn = _names(rng, hh, origins.statsborgerskap, p.female)
    protection = _protection(rng, hh.count)[hh.household]
    address_rows, household_row, household_flat = _addresses(rng, hh, chunk, p.unit, context)
    row = household_row[hh.household]

    spouse_id = np.ma.MaskedArray(p.person_id[np.maximum(hh.spouse, 0)], mask=~hh.married)
    flyttedato = _move_in_days(rng, p, origins, ref)
    # Registered at birth (from the register's start in 1964) or on arrival.
    arrived = origins.innflyttingsdato != NO_DAY
    created = np.where(arrived, origins.innflyttingsdato, np.maximum(p.birth, _REGISTER_START))
    changed = np.maximum.reduce(
        [
            created,
            flyttedato,
            np.where(hh.sivilstandsdato == NO_DAY, 0, hh.sivilstandsdato),
            np.where(origins.ervervsdato == NO_DAY, 0, origins.ervervsdato),
        ]
    )
    persons = {
        "id": p.person_id,
        "ident": p.ident,
        "identifikatortype": "foedselsnummer",
        "status": "bosatt",
        "fornavn": fornavn,
        "mellomnavn": mellomnavn,
        "etternavn": etternavn,
        "foedselsdato": p.birth.astype("datetime64[D]"),
        "foedekommune": origins.foedekommune,
        "foedeland": origins.foedeland,
        "kjoenn": np.where(p.female, "kvinne", "mann").astype(object),
        "doedsdato": None,
        "sivilstand": _objects(SIVILSTAND)[hh.sivilstand],
        "sivilstandsdato": hh.sivilstandsdato.astype("datetime64[D]"),
        "sivilstand_relatert_id": spouse_id,
        "foreldreansvar": _objects(FORELDREANSVAR)[hh.foreldreansvar],
        "adressebeskyttelse": _PROTECTION.astype(object)[protection],
        "adresse_id": address_rows["id"][row],
        "kommunenummer": address_rows["kommunenummer"][row],
        "adressenavn": address_rows["adressenavn"][row],
        "husnummer": address_rows["husnummer"][row],
        "husbokstav": address_rows["husbokstav"][row],
        "adressekode": address_rows["adressekode"][row],
        "bruksenhetsnummer": household_flat[hh.household],
        "postnummer": address_rows["postnummer"][row],
        "poststed": address_rows["poststed"][row],
        "flyttedato": flyttedato.astype("datetime64[D]"),
        "statsborgerskap": origins.statsborgerskap,
        "statsborgerskap_ervervsdato": origins.ervervsdato.astype("datetime64[D]"),
        "innflyttet_fra": origins.innflyttet_fra,
        "innflyttingsdato": origins.innflyttingsdato.astype("datetime64[D]"),
        "utflyttet_til": None,
        "utflyttingsdato": None,
        "opprettet": _seconds(created, rng),
        "endret": _seconds(changed, rng),
        "element_meta": None,
        "versjon": 1,
    }
    fylke = np.array([n[:2] for n in _kommune_numbers().tolist()], dtype=object)[kommune]
    foreign = origins.foreign_citizen
    names_ = (fornavn, etternavn)
    krr = _krr(rng, np.flatnonzero(p.age >= 15), p, names_, fylke, foreign, context)
    relations = _relations(hh, p.person_id, p.birth, rng, context)
    return _Tables(address_rows, persons, relations, krr), replace(p, hh=hh)


# ------------------------------------------------------------------------------- the load


def _refuse_existing(database: Database) -> None:
    with database.read_session() as session:
        for table in (_PERSONS, _ADDRESSES, _KRR, _RELATIONS):
            if session.execute(select(func.count()).select_from(table)).scalar_one():
                raise PopulationExists(
                    f"database already has a population ({table.name} has rows); "
                    "use a fresh database"
                )


@dataclass(slots=True)
class _Tasks:
    progress: Progress | None
    ids: dict[str, TaskID] = field(default_factory=dict)

    def add(self, name: str, total: float) -> None:
        if self.progress is not None:
            self.ids[name] = self.progress.add_task(name, total=total)

    def advance(self, name: str, amount: float = 1) -> None:
        if self.progress is not None and name in self.ids:
            self.progress.advance(self.ids[name], amount)


def _prepare(persons: int, seed: int, reference_date: dt.date) -> tuple[list[_Chunk], _Context]:
    """The plan, everyone's birth day and sex, and their identity numbers."""
    chunks = _plan(persons, seed)
    birth = np.empty(persons, dtype=np.int32)
    female = np.empty(persons, dtype=bool)
    for chunk in chunks:
        _unit, age, is_female = _expand(chunk)
        rng = np.random.default_rng([seed, _STREAM_BIRTH, chunk.index])
        stop = chunk.first + chunk.persons
        birth[chunk.first : stop] = _birth_days(age, reference_date, rng)
        female[chunk.first : stop] = is_female
    idents = _allocate_idents(birth, female, seed)
    context = _Context(seed, reference_date, _day_number(reference_date), birth, idents)
    return chunks, context


def generate_population(
    database: Database,
    *,
    persons: int,
    seed: int,
    progress: Progress | None = None,
    reference_date: dt.date = dt.date(2025, 1, 1),
) -> GenerationReport:
    """Generate ``persons`` people with households, addresses and KRR rows into ``database``.

    Deterministic for ``seed`` (and ``persons``, ``reference_date``). The database must be
    migrated and have no population yet (``PopulationExists`` otherwise). Everything is
    written in one transaction; no events are emitted (see the module docstring).
    """
    if persons < 1:
        raise ValueError("persons must be at least 1")
    _refuse_existing(database)
    started = time.perf_counter()
    chunks, context = _prepare(persons, seed, reference_date)
    phases = {"prepare": time.perf_counter() - started, "generate": 0.0, "write": 0.0}
    tasks = _Tasks(progress)
    tasks.add("Folkeregisteret: persons", persons)
    for name in ("Matrikkelen: addresses", "Family relations", "KRR"):
        tasks.add(name, len(chunks))
    with BulkWriter(database, drop_indexes=database.is_postgresql) as writer:
        for chunk in chunks:
            step = time.perf_counter()
            tables, people = _chunk_tables(chunk, context)
            context.households += people.hh.count
            phases["generate"] += time.perf_counter() - step
            step = time.perf_counter()
            writer.write(_ADDRESSES, list(tables.addresses), tables.addresses)
            tasks.advance("Matrikkelen: addresses")
            writer.write(_PERSONS, list(tables.persons), tables.persons)
            tasks.advance("Folkeregisteret: persons", chunk.persons)
            writer.write(_RELATIONS, list(tables.relations), tables.relations)
            tasks.advance("Family relations")
            writer.write(_KRR, list(tables.krr), tables.krr)
            tasks.advance("KRR")
            phases["write"] += time.perf_counter() - step
        tasks.add("Indexes and commit", 1)
        step = time.perf_counter()
    phases["indexes and commit"] = time.perf_counter() - step
    # Time PostgreSQL spent executing (it overlaps with generation in the other thread).
    phases["database busy"] = writer.database_seconds
    phases["database index rebuild"] = writer.index_seconds
    tasks.advance("Indexes and commit")
    seconds = time.perf_counter() - started
    rows = dict(writer.rows_written)
    return GenerationReport(
        persons=persons,
        seed=seed,
        reference_date=reference_date,
        chunks=len(chunks),
        households=context.households,
        rows=rows,
        seconds=seconds,
        rows_per_second=sum(rows.values()) / seconds if seconds else 0.0,
        phases=phases,
    )
