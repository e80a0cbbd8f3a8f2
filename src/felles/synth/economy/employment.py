"""Who works where: employment by age and sex, workplaces, occupations, positions and pay.

* **Who works** (registered employees, 4th quarter): a share by age and sex close to SSB's
  register-based employment (about 51 % of all residents, 2.86 million of 5.6 million in
  2024); the rest are students, pensioners, unemployed (about 4 % of the labour force) or
  outside the labour force, and have no employment. Self-employed owners of an ENK are
  owners, not employees.
* **Where**: each job gets a section (SN2007) by Norway's employment per section and the
  women's share of it, then a workplace: public (the section's public share, see
  ``public.py``) or one of the region's private sub-units of that section, in the worker's
  municipality seven times in ten when it has one, else in the region, weighted by the
  sub-unit's intended size. About 8 % of workers of 20-66 have a second, small job.
* **Position**: part-time about a third of women's jobs and one in seven of men's (more
  for the young and for those past 67), second jobs always part-time.
* **Occupation**: a STYRK-08 code of the workplace's section (``yrker.csv``).
* **Pay**: a full-time monthly wage per job = the section's mean monthly earnings in 2024
  (SSB) × an age factor × a sex factor × a log-normal spread (σ 0.28, mean 1); the yearly
  salary is 12 × that × the position percentage. The whole-economy mean comes out near SSB's
  59 370 NOK (median about 54 000).
* **Start**: years of tenure drawn (mean about seven), never before the 16th birthday or the
  sub-unit's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from felles.synth import reference
from felles.synth.economy import calibration, public
from felles.synth.economy.columns import address_dicts
from felles.synth.economy.common import (
    YEAR,
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
    ages,
    draw,
)
from felles.synth.economy.entities import Entities, SubUnits, address_in
from felles.synth.economy.residents import Addresses, People

_EMPLOYMENT_AGES: Final = [15, 16, 18, 20, 25, 30, 40, 55, 62, 67, 70, 75]
_EMPLOYMENT_MEN: Final = [0.0, 0.30, 0.45, 0.66, 0.80, 0.86, 0.87, 0.81, 0.64, 0.26, 0.12, 0.0]
_WOMEN_FACTOR: Final = 0.95
_SECOND_JOB: Final = 0.08
_LOCAL: Final = 0.7
_PAY_AGES: Final = [16, 20, 25, 30, 35, 45, 55, 62, 70]
_PAY_FACTOR: Final = [0.55, 0.70, 0.85, 0.96, 1.04, 1.09, 1.08, 1.04, 0.98]
_SEX_FACTOR: Final = (1.05, 0.94)  # men, women (part of the pay gap is the section mix)
_SPREAD: Final = 0.28
_PART_TIME: Final = np.array([20.0, 40.0, 50.0, 60.0, 75.0, 80.0])
_PART_TIME_P: Final = np.array([0.15, 0.2, 0.2, 0.15, 0.15, 0.15])
_SECOND_JOB_PCT: Final = np.array([10.0, 20.0, 30.0, 40.0])
_EARLIEST: Final = int(np.datetime64("1980-01-01", "D").astype(np.int64))


@dataclass(frozen=True, slots=True)
class Jobs:
    """A region's employments (one element per employment)."""

    person: IntArray  # index into People
    arbeidssted: ObjArray  # the sub-unit's orgnr
    opplysningspliktig: ObjArray  # the main entity's orgnr
    public: BoolArray
    section: IntArray
    start: IntArray  # day number
    stillingsprosent: FloatArray
    yrke: ObjArray
    yearly: FloatArray  # salary per year at the reference date, NOK
    # A change of position percentage: the day it took effect (-1: none) and the old value.
    changed: IntArray
    earlier_prosent: FloatArray

    @property
    def size(self) -> int:
        return int(self.person.size)


@dataclass(frozen=True, slots=True)
class Employers:
    """The region's private sub-units that got employees, and per entity the employees."""

    candidate: IntArray  # index into SubUnits of each kept sub-unit
    orgnr: ObjArray
    employees: IntArray  # per kept sub-unit
    entity_employees: IntArray  # per entity of the region


def employment_probability(age: IntArray, female: BoolArray) -> FloatArray:
    rate = np.interp(age, _EMPLOYMENT_AGES, _EMPLOYMENT_MEN)
    return np.where(female & (age >= 20), rate * _WOMEN_FACTOR, rate)


def _sections_by_sex(rng: np.random.Generator, female: BoolArray) -> IntArray:
    sections = calibration.sections()
    out = np.empty(female.size, dtype=np.int64)
    for is_female, share in ((True, sections.kvinneandel), (False, 1 - sections.kvinneandel)):
        where = np.flatnonzero(female == is_female)
        out[where] = draw(sections.sysselsatte * share, rng, where.size)
    return out


def _pick_private(
    rng: np.random.Generator,
    section: IntArray,
    kommune: IntArray,
    candidates: SubUnits,
    candidate_section: IntArray,
) -> IntArray:
    """A candidate sub-unit per job: same section, the worker's municipality preferred."""
    chosen = np.full(section.size, -1, dtype=np.int64)
    everywhere = np.arange(candidates.weight.size)
    for s in np.unique(section).tolist():
        jobs = np.flatnonzero(section == s)
        pool = np.flatnonzero(candidate_section == s)
        if pool.size == 0:
            pool = everywhere
        if pool.size == 0:
            continue
        local_pick = rng.random(jobs.size) < _LOCAL
        chosen[jobs] = pool[draw(candidates.weight[pool], rng, jobs.size)]
        for k in np.unique(kommune[jobs]).tolist():
            mine = jobs[(kommune[jobs] == k) & local_pick]
            local = pool[candidates.kommune[pool] == k]
            if mine.size and local.size:
                chosen[mine] = local[draw(candidates.weight[local], rng, mine.size)]
    return chosen


def _pick_public(
    rng: np.random.Generator,
    section: IntArray,
    kommune: IntArray,
    sector: public.PublicSector,
    pool_take: object,
    addresses: Addresses,
    people_kommune: IntArray,
) -> tuple[ObjArray, ObjArray, IntArray]:
    """Per public job: (workplace orgnr, employer orgnr, the workplace's section)."""
    kinds = calibration.public_workplaces()
    kind = np.full(section.size, -1, dtype=np.int64)
    for s in np.unique(section).tolist():
        jobs = np.flatnonzero(section == s)
        options = [i for i, k in enumerate(kinds) if k.seksjon == s]
        weights = np.array([kinds[i].andel for i in options])
        kind[jobs] = np.array(options)[draw(weights, rng, jobs.size)]
    seats = public.regional_seat(people_kommune)
    place = kommune.copy()
    for number, k in enumerate(kinds):
        if k.eier == "helseforetak" or (k.eier == "stat" and k.navn != "NAV"):
            jobs = np.flatnonzero(kind == number)
            fylke = [reference.kommuner()[x].fylkesnummer for x in kommune[jobs].tolist()]
            place[jobs] = [seats[f] for f in fylke]
    arbeidssted = np.empty(section.size, dtype=object)
    employer = np.empty(section.size, dtype=object)
    key = kind * 1000 + place
    for value in np.unique(key).tolist():
        jobs = np.flatnonzero(key == value)
        number, k_place = divmod(value, 1000)
        k = kinds[number]
        wanted = max(1, int(np.ceil(jobs.size / k.ansatte_per_enhet)))
        slots = []
        for slot in range(wanted):
            found = sector.workplaces.get((number, "", k_place * 1000 + slot))
            if found is None:
                row = address_in(rng, addresses, np.array([k_place]))
                found = public.Workplace(
                    orgnr=str(pool_take(1)[0]),  # type: ignore[operator]
                    parent=sector.parent(k, k_place),
                    navn=public.workplace_name(k, k_place, rng),
                    naeringskode=k.naeringskode,
                    kommune=k_place,
                    address=address_dicts(addresses, row)[0],
                )
                sector.workplaces[(number, "", k_place * 1000 + slot)] = found
            slots.append(found)
        picks = rng.integers(len(slots), size=jobs.size)
        for index, slot_unit in enumerate(slots):
            mine = jobs[picks == index]
            slot_unit.employees += int(mine.size)
            sector.employees[slot_unit.parent] = sector.employees.get(slot_unit.parent, 0) + int(
                mine.size
            )
            arbeidssted[mine] = slot_unit.orgnr
            employer[mine] = slot_unit.parent
    workplace_section = np.array([kinds[k].seksjon for k in kind.tolist()], dtype=np.int64)
    return arbeidssted, employer, workplace_section


def _positions(
    rng: np.random.Generator, age: IntArray, female: BoolArray, second: BoolArray
) -> FloatArray:
    share = np.where(female, 0.33, 0.14)
    share = np.where(age < 20, 0.85, np.where(age < 25, 0.45, np.where(age >= 67, 0.6, share)))
    part = rng.random(age.size) < share
    pct = np.where(part, _PART_TIME[draw(_PART_TIME_P, rng, age.size)], 100.0)
    second_pct = _SECOND_JOB_PCT[rng.integers(_SECOND_JOB_PCT.size, size=age.size)]
    return np.where(second, second_pct, pct)


def _pay(
    rng: np.random.Generator, section: IntArray, age: IntArray, female: BoolArray, pct: FloatArray
) -> FloatArray:
    wage = calibration.sections().maanedslonn[section]
    factor = np.interp(age, _PAY_AGES, _PAY_FACTOR) * np.where(
        female, _SEX_FACTOR[1], _SEX_FACTOR[0]
    )
    spread = np.exp(rng.normal(0.0, _SPREAD, section.size) - _SPREAD**2 / 2)
    return np.round(12 * wage * factor * spread * pct / 100.0)


def _occupations(rng: np.random.Generator, section: IntArray) -> ObjArray:
    occupations = calibration.occupations()
    out = np.empty(section.size, dtype=object)
    for s in np.unique(section).tolist():
        where = np.flatnonzero(section == s)
        cdf = occupations.cdf[s]
        picks = np.minimum(np.searchsorted(cdf, rng.random(where.size), side="right"), cdf.size - 1)
        out[where] = occupations.codes[s][picks]
    return out


def assign(
    rng: np.random.Generator,
    people: People,
    addresses: Addresses,
    entities: Entities,
    candidates: SubUnits,
    sector: public.PublicSector,
    take_orgnrs: object,
    reference_day: int,
) -> tuple[Jobs, Employers]:
    """Employments of the region's residents, and the private sub-units that employ them."""
    age = ages(people.birth, reference_day)
    employed = np.flatnonzero(rng.random(people.size) < employment_probability(age, people.female))
    has_second = employed[
        (age[employed] >= 20) & (age[employed] <= 66) & (rng.random(employed.size) < _SECOND_JOB)
    ]
    person = np.concatenate([employed, has_second])
    second = np.concatenate([np.zeros(employed.size, bool), np.ones(has_second.size, bool)])
    order = np.argsort(person, kind="stable")
    person, second = person[order], second[order]
    female = people.female[person]
    section = _sections_by_sex(rng, female)
    is_public = rng.random(person.size) < calibration.sections().offentlig_andel[section]

    industries = calibration.industries()
    candidate_section = industries.seksjon[entities.nace[candidates.parent]]
    private = np.flatnonzero(~is_public)
    picked = _pick_private(
        rng, section[private], people.kommune[person[private]], candidates, candidate_section
    )
    lost = picked < 0  # a region without any private employer: those jobs are not created
    keep_job = np.ones(person.size, dtype=bool)
    keep_job[private[lost]] = False

    counts = np.bincount(picked[~lost], minlength=candidates.weight.size)
    kept = np.flatnonzero(counts > 0)
    orgnr = take_orgnrs(kept.size)  # type: ignore[operator]
    sub_orgnr = np.full(candidates.weight.size, None, dtype=object)
    sub_orgnr[kept] = orgnr
    entity_employees = np.bincount(candidates.parent, weights=counts, minlength=entities.orgnr.size)

    arbeidssted = np.empty(person.size, dtype=object)
    employer = np.empty(person.size, dtype=object)
    workplace_section = section.copy()
    ok = private[~lost]
    arbeidssted[ok] = sub_orgnr[picked[~lost]]
    employer[ok] = entities.orgnr[candidates.parent[picked[~lost]]]
    workplace_section[ok] = candidate_section[picked[~lost]]
    pub = np.flatnonzero(is_public)
    if pub.size:
        ws, em, sec = _pick_public(
            rng,
            section[pub],
            people.kommune[person[pub]],
            sector,
            take_orgnrs,
            addresses,
            people.kommune,
        )
        arbeidssted[pub], employer[pub], workplace_section[pub] = ws, em, sec

    # A job never starts before its employer was founded (public units: long ago).
    founded = np.full(person.size, _EARLIEST, dtype=np.int64)
    founded[ok] = entities.founded[candidates.parent[picked[~lost]]]

    job = np.flatnonzero(keep_job)
    person, second, female, founded = person[job], second[job], female[job], founded[job]
    job_age = age[person]
    pct = _positions(rng, job_age, female, second)
    tenure = np.minimum(rng.exponential(7.0, person.size), np.maximum(job_age - 16, 0) + 0.2)
    start = reference_day - 1 - np.round(tenure * YEAR).astype(np.int64)
    floor = people.birth[person] + round(16 * YEAR)
    start = np.maximum(start, np.maximum(floor, np.maximum(founded, _EARLIEST)))
    start = np.minimum(start, reference_day - 1)
    # One employment in ten changed its position percentage on the way.
    span = reference_day - 30 - (start + 180)
    change = (rng.random(person.size) < 0.1) & (span > 0)
    changed = np.where(
        change,
        start + 180 + np.floor(rng.random(person.size) * np.maximum(span, 1)).astype(np.int64),
        -1,
    )
    earlier = np.where(change, np.where(pct >= 100, 80.0, 100.0), pct)
    jobs = Jobs(
        person=person,
        arbeidssted=arbeidssted[job],
        opplysningspliktig=employer[job],
        public=is_public[job],
        section=workplace_section[job],
        start=start,
        stillingsprosent=pct,
        yrke=_occupations(rng, workplace_section[job]),
        yearly=_pay(rng, workplace_section[job], job_age, female, pct),
        changed=changed,
        earlier_prosent=earlier,
    )
    return jobs, Employers(kept, orgnr, counts[kept], entity_employees.astype(np.int64))
