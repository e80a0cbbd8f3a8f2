"""Property: a cadastral unit for every dwelling, with its registered owners.

Every street address lies on a grunneiendom (its gårds- and bruksnummer numbered per
municipality). A block of flats is either sectioned — one eierseksjon per flat, owned flat
by flat, the grunneiendom itself without owners — or a rental block owned whole by a
property company or the municipality. A household owns its home with a probability by kind
of dwelling and the head's age (about 88 % of houses and 65 % of sectioned flats; fewer for
the young), so roughly four households in five own; married or cohabiting heads own half
each (exact fractions 1/2), others all (1/1). Dwellings nobody owns-and-lives-in belong to
a private landlord (a resident of the region), a property company (an AS of the region in
real estate, NACE 68) or the municipality. Each owned unit has one ``etablering`` document,
dated when the owners moved in (or some years back for landlords). Cabins are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from felles.synth import reference
from felles.synth.economy import calibration, public
from felles.synth.economy.common import (
    YEAR,
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
    ages,
    day_number,
    days,
    draw,
    objects,
    seconds,
)
from felles.synth.economy.entities import Entities, home_address
from felles.synth.economy.residents import Addresses, People

_PER_GAARD: Final = 50  # bruksnummer per gårdsnummer
_SECTIONED: Final = 0.7  # share of blocks of flats that are eierseksjoner
_OWN_HOUSE: Final = 0.88
_OWN_FLAT: Final = 0.65
_EARLIEST: Final = day_number(__import__("datetime").date(1960, 1, 1))


@dataclass(slots=True)
class Numbering:
    """gårds/bruksnummer handed out per municipality (a municipality can span regions)."""

    used: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Property:
    matrikkelenhet: dict[str, Any]
    adresse: dict[str, Any]
    dokument: dict[str, Any]
    hjemmel: dict[str, Any]
    # Per person of the region: the value of the dwellings they own a share of (for tax).
    owned_value: FloatArray
    home_owner: BoolArray


@dataclass(frozen=True, slots=True)
class _Households:
    household: IntArray  # per person
    head: IntArray  # per household: person index
    partner: IntArray  # per household: co-owner or -1
    address: IntArray  # per household: address row
    flat: IntArray  # per household: flat code (0: house)


def _households(
    rng: np.random.Generator, people: People, addresses: Addresses, reference_day: int
) -> _Households:
    key = people.adresse_id * 10_000 + people.flat
    _heads_key, household = np.unique(key, return_inverse=True)
    household = household.reshape(-1)
    age = ages(people.birth, reference_day)
    order = np.lexsort((-age, household))
    first = np.ones(order.size, dtype=bool)
    first[1:] = household[order][1:] != household[order][:-1]
    head = order[first]
    second = np.full(head.size, -1, dtype=np.int64)
    starts = np.flatnonzero(first)
    has_second = np.append(starts[1:], order.size) - starts >= 2
    second[has_second] = order[starts[has_second] + 1]
    # The head's spouse when they live together; else a cohabitant of similar age (guessed).
    spouse_at = np.searchsorted(people.person_id, people.spouse_id[head]).clip(0, people.size - 1)
    spouse_here = (people.spouse_id[head] > 0) & (
        people.person_id[spouse_at] == people.spouse_id[head]
    )
    spouse_here &= household[spouse_at] == np.arange(head.size)
    partner = np.where(spouse_here, spouse_at, -1)
    s = np.maximum(second, 0)
    cohabit = (partner < 0) & (second >= 0) & (age[s] >= 22) & (np.abs(age[s] - age[head]) <= 12)
    cohabit &= rng.random(head.size) < 0.6
    partner = np.where(cohabit, second, partner)
    return _Households(
        household=household,
        head=head,
        partner=partner,
        address=home_address(addresses, people.adresse_id[head]),
        flat=people.flat[head],
    )


def _section_of(flat: IntArray, units: IntArray) -> IntArray:
    """Seksjonsnummer of a flat code in a block of ``units`` flats (as the population numbers
    them: two flats a floor up to four, else four)."""
    per_floor = np.where(units <= 4, 2, 4)
    floor, number = np.divmod(flat, 100)
    return np.clip((floor - 1) * per_floor + number, 1, units)


def _landlords(
    rng: np.random.Generator,
    count: int,
    people: People,
    entities: Entities,
    kommune: IntArray,
    sector: public.PublicSector,
    reference_day: int,
    shares: tuple[float, float],
) -> ObjArray:
    """Owner identifiers of rented dwellings: a resident, a property company or the kommune."""
    age = ages(people.birth, reference_day)
    weight = np.interp(age, [29, 30, 50, 70, 85], [0, 0.6, 1.0, 1.0, 0.3])
    persons = people.ident_text(draw(weight, rng, count))
    industries = calibration.industries()
    estate = np.flatnonzero(
        (industries.seksjon[entities.nace] == calibration.sections().index("L"))
        & np.isin(entities.form, ["AS", "ASA"])
    )
    if estate.size == 0:
        estate = np.flatnonzero(entities.form == "AS")
    companies = (
        entities.orgnr[estate[rng.integers(estate.size, size=count)]] if estate.size else persons
    )
    municipal = objects(
        [sector.kommune_orgnr[reference.kommuner()[k].kommunenummer] for k in kommune.tolist()]
    )
    u = rng.random(count)
    return np.asarray(
        np.where(u < shares[0], persons, np.where(u < shares[0] + shares[1], companies, municipal)),
        dtype=object,
    )


def generate_property(
    rng: np.random.Generator,
    people: People,
    addresses: Addresses,
    entities: Entities,
    sector: public.PublicSector,
    numbering: Numbering,
    take_ids: Any,
    reference_day: int,
) -> Property:
    hh = _households(rng, people, addresses, reference_day)
    a = addresses.size
    kommune = addresses.kommune
    # Gårds- and bruksnummer: consecutive per municipality, continuing across regions.
    order = np.lexsort((addresses.adresse_id, kommune))
    rank = np.empty(a, dtype=np.int64)
    starts = np.searchsorted(kommune[order], kommune[order], side="left")
    rank[order] = np.arange(a) - starts
    for k in np.unique(kommune).tolist():
        used = numbering.used.get(k, 0)
        mine = kommune == k
        rank[mine] += used
        numbering.used[k] = used + int(mine.sum())
    gnr, bnr = 1 + rank // _PER_GAARD, 1 + rank % _PER_GAARD

    block = addresses.bruksenheter > 1
    sectioned = block & (rng.random(a) < _SECTIONED)
    n_sections = np.where(sectioned, addresses.bruksenheter, 0)
    # Units: every address's grunneiendom, then the sections of sectioned blocks.
    section_address = np.repeat(np.arange(a), n_sections)
    section_number = (
        np.arange(section_address.size)
        - np.repeat(np.cumsum(n_sections) - n_sections, n_sections)
        + 1
    )
    unit_address = np.concatenate([np.arange(a), section_address])
    unit_section = np.concatenate([np.zeros(a, dtype=np.int64), section_number])
    unit_ids = take_ids("eie_matrikkelenhet", unit_address.size)
    section_offset = np.cumsum(n_sections) - n_sections  # first section row per address (minus a)

    # Who owns what: per unit, up to two owner identifiers (None: nobody) and a date.
    owner1 = np.full(unit_ids.size, None, dtype=object)
    owner2 = np.full(unit_ids.size, None, dtype=object)
    dated = np.full(unit_ids.size, -1, dtype=np.int64)

    age = ages(people.birth, reference_day)
    head_age = age[hh.head]
    young = np.interp(head_age, [18, 24, 30, 35], [0.25, 0.45, 0.8, 1.0])
    in_house = ~block[hh.address]
    in_section = sectioned[hh.address] & (hh.flat > 0)
    unit_of_household = np.where(
        in_house,
        hh.address,
        a
        + section_offset[hh.address]
        + _section_of(hh.flat, np.maximum(addresses.bruksenheter[hh.address], 1))
        - 1,
    )
    can_own = in_house | in_section
    owns = can_own & (rng.random(hh.head.size) < np.where(in_house, _OWN_HOUSE, _OWN_FLAT) * young)
    # Two households on one unit (should not happen): the first one owns it.
    owning = np.flatnonzero(owns)
    _unique, first_of_unit = np.unique(unit_of_household[owning], return_index=True)
    owning = owning[first_of_unit]
    units_owned = unit_of_household[owning]
    owner1[units_owned] = people.ident_text(hh.head[owning])
    with_partner = hh.partner[owning] >= 0
    owner2[units_owned[with_partner]] = people.ident_text(hh.partner[owning][with_partner])
    dated[units_owned] = people.moved_in[hh.head[owning]]

    # Everything else that someone must own: houses and sections, and rental blocks whole.
    ownable = np.ones(unit_ids.size, dtype=bool)
    ownable[:a] = ~block  # a block's grunneiendom: only when it is a rental block
    rental_block = np.flatnonzero(block & ~sectioned)
    ownable[rental_block] = True
    rest = np.flatnonzero(ownable & (owner1 == None))  # noqa: E711
    is_block = np.isin(rest, rental_block)
    owner1[rest] = np.where(
        is_block,
        _landlords(
            rng,
            rest.size,
            people,
            entities,
            kommune[unit_address[rest]],
            sector,
            reference_day,
            (0.0, 0.7),
        ),
        _landlords(
            rng,
            rest.size,
            people,
            entities,
            kommune[unit_address[rest]],
            sector,
            reference_day,
            (0.55, 0.33),
        ),
    )
    back = np.round(rng.exponential(12.0, rest.size) * YEAR).astype(np.int64)
    dated[rest] = np.maximum(reference_day - 1 - back, _EARLIEST)
    dated = np.minimum(np.maximum(dated, _EARLIEST), reference_day - 1)

    owned = np.flatnonzero(owner1 != None)  # noqa: E711
    value = _values(rng, unit_section > 0, kommune[unit_address])
    units_table = {
        "id": unit_ids,
        "kommunenummer": objects([k.kommunenummer for k in reference.kommuner()])[
            kommune[unit_address]
        ],
        "gaardsnummer": gnr[unit_address],
        "bruksnummer": bnr[unit_address],
        "festenummer": 0,
        "seksjonsnummer": unit_section,
        "matrikkelenhetstype": np.where(unit_section > 0, "eierseksjon", "grunneiendom").astype(
            object
        ),
        "areal": np.where(
            unit_section > 0, np.nan, np.round(rng.lognormal(6.7, 0.5, unit_ids.size))
        ),
        "opprettet": seconds(np.where(dated >= 0, dated, _EARLIEST), rng),
        "endret": seconds(np.where(dated >= 0, dated, _EARLIEST), rng),
        "versjon": np.ones(unit_ids.size, dtype=np.int64),
    }
    links = {
        "adresse_id": addresses.adresse_id,
        "matrikkelenhet_id": unit_ids[:a],
        "koblet": units_table["opprettet"][:a],
    }
    document_ids = take_ids("eie_dokument", owned.size)
    documents = {
        "id": document_ids,
        "matrikkelenhet_id": unit_ids[owned],
        "dokumenttype": "etablering",
        "dato": days(dated[owned]),
        "vederlag": None,
        "registrert": seconds(dated[owned], rng),
    }
    two = owner2[owned] != None  # noqa: E711
    holder = np.concatenate([owner1[owned], owner2[owned][two]])
    row_unit = np.concatenate([owned, owned[two]])
    row_document = np.concatenate([document_ids, document_ids[two]])
    halves = np.concatenate([two, np.ones(int(two.sum()), dtype=bool)])
    order = np.argsort(row_unit, kind="stable")
    holder, row_unit, row_document, halves = (
        holder[order],
        row_unit[order],
        row_document[order],
        halves[order],
    )
    is_person = np.array([len(h) == 11 for h in holder.tolist()], dtype=bool)
    hjemmel = {
        "id": take_ids("eie_hjemmel", holder.size),
        "matrikkelenhet_id": unit_ids[row_unit],
        "hjemmelshaver": holder,
        "hjemmelshavertype": np.where(is_person, "person", "enhet").astype(object),
        "teller": np.ones(holder.size, dtype=np.int64),
        "nevner": np.where(halves, 2, 1).astype(np.int64),
        "fra_dokument_id": row_document,
        "til_dokument_id": None,
        "gyldig_fra": days(dated[row_unit]),
        "gyldig_til": None,
    }
    owned_value, home_owner = _per_person(
        people, holder, value[row_unit] / np.where(halves, 2, 1), owning, hh
    )
    return Property(units_table, links, documents, hjemmel, owned_value, home_owner)


def _values(rng: np.random.Generator, flat: BoolArray, kommune: IntArray) -> FloatArray:
    """Market value of each unit (for wealth): larger towns dearer, flats cheaper than houses."""
    population = np.array([k.folketall_2025 for k in reference.kommuner()], dtype=np.float64)
    town = (population[kommune] / 20_000) ** 0.18
    base = np.where(flat, 3_600_000, 4_200_000) * town
    return np.round(base * rng.lognormal(0, 0.35, flat.size), -3)


def _per_person(
    people: People, holder: ObjArray, share_value: FloatArray, owning: IntArray, hh: _Households
) -> tuple[FloatArray, BoolArray]:
    ident = people.ident_text()
    order = np.argsort(ident)
    sorted_ident = ident[order]
    is_person = np.array([len(h) == 11 for h in holder.tolist()], dtype=bool)
    found = np.searchsorted(sorted_ident.astype(str), holder[is_person].astype(str))
    found = found.clip(0, people.size - 1)
    match = sorted_ident[found] == holder[is_person]
    value = np.zeros(people.size)
    np.add.at(value, order[found[match]], share_value[is_person][match])
    home = np.zeros(people.size, dtype=bool)
    home[hh.head[owning]] = True
    partner = hh.partner[owning]
    home[partner[partner >= 0]] = True
    return value, home
