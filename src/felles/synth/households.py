"""Households for a synthetic population: who lives with whom, who is whose parent or spouse.

The people come first (sampled by municipality, age and sex from the real population matrix);
this module then forms households among them, so the age and sex structure stays exactly the
sampled one. Everything is vectorised with numpy: there is no Python loop per person or per
household, only sorts, searches and scatters over whole arrays (a chunk of 150 000 people
takes a fraction of a second).

The steps, in order:

1. **Children at home**: everyone under 18, and a falling share of 18–24-year-olds.
2. **Sibling groups**: each child gets a target mother's age at birth (mostly 25–38, within
   18–45). Children with similar target mothers (same unit, two-year band) are laid out in
   "lanes" about three years apart in age and cut into families of 1–5 children, so siblings
   are spaced like real ones.
3. **Mothers**: each family is matched to a distinct woman near its target birth date (same
   unit first). Children whose mother ends up outside 18–45 years older are re-matched alone,
   then attached to any woman of a valid age; the 18–45 rule always holds.
4. **Family types**: two parents (father, or a co-mother — medmor — for a few), single
   mothers (most single parents; the father often registered elsewhere) and single fathers
   (the mother registered elsewhere).
5. **Couples without children at home**, by the woman's age (including a few same-sex
   couples), then **people living alone** (all the rest).
6. **Sivilstand** with plausible dates: married couples (gift, with the spouse linked both
   ways; older same-sex couples partly registrertPartner from 1993–2008), cohabitants
   (ugift, unlinked, as in the real register), and single people by age and sex (ugift,
   skilt, enkeEllerEnkemann).

Days are int64 day numbers since 1970-01-01; ``NO_DAY`` (numpy's NaT as int64) means none,
so ``days.view("datetime64[D]")`` turns a day array into dates with NaT where empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "FORELDREANSVAR",
    "HOUSEHOLD_KINDS",
    "NO_DAY",
    "SIVILSTAND",
    "Households",
    "age_on",
    "form_households",
    "plus_years",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

NO_DAY: Final = np.iinfo(np.int64).min  # the int64 behind NaT
YEAR: Final = 365.2425

#: Sivilstand codes used in ``Households.sivilstand`` (index → Folkeregisteret's value).
SIVILSTAND: Final = ("ugift", "gift", "skilt", "enkeEllerEnkemann", "registrertPartner")
UGIFT, GIFT, SKILT, ENKE, PARTNER = range(5)

#: Foreldreansvar codes (index → value); 0 is "none" (adults, or nobody holds it).
FORELDREANSVAR: Final = (None, "felles", "mor", "far", "medmor")
_NO_ANSVAR, _FELLES, _MOR, _FAR = 0, 1, 2, 3

#: Household kinds (index → description).
HOUSEHOLD_KINDS: Final = (
    "alone",
    "couple",
    "couple with children",
    "single mother",
    "single father",
)
ALONE, COUPLE, COUPLE_WITH_CHILDREN, SINGLE_MOTHER, SINGLE_FATHER = range(5)

_UNIT_SPACING: Final = 1_000_000.0  # key = unit * spacing + day keeps units apart when sorting

# Share of 18–24-year-olds still living with a parent, by age (SSB: about half of those aged
# 18–24 live with their parents; the share falls quickly after 20).
_AT_HOME_18_24: Final = np.array([0.85, 0.70, 0.50, 0.38, 0.28, 0.20, 0.14])

# Mother's age at birth: mean about 31, most between 25 and 38, always within 18–45.
_MOTHER_AGE_MEAN: Final = 30.5
_MOTHER_AGE_SD: Final = 5.0
_MIN_PARENT_AGE: Final = 18
_MAX_MOTHER_AGE: Final = 45
_MAX_FATHER_AGE: Final = 70

# Children at home per family (families with children: about 45 % one, 38 % two, 17 %
# three or more); lane ends cut some families short, so the draw leans a little larger.
_FAMILY_SIZES: Final = np.array([1, 2, 3, 4, 5])
_FAMILY_SIZE_P: Final = np.array([0.31, 0.44, 0.18, 0.05, 0.02])
_SIBLING_SPACING_YEARS: Final = 3.0
_MIN_SIBLING_GAP_DAYS: Final = 300  # closer than this they would have to be twins

_SINGLE_FATHER_SHARE: Final = 0.05
_MEDMOR_SHARE: Final = 0.012
_ABSENT_FATHER_KNOWN: Final = 0.8

# Partner's age relative to the woman's: men are on average 2.5 years older.
_PARTNER_GAP_MEAN: Final = 2.5
_PARTNER_GAP_SD: Final = 3.5
_MAX_COUPLE_AGE_GAP: Final = 20

_SAME_SEX_SHARE: Final = 0.015


@dataclass(frozen=True, slots=True)
class Households:
    """The household structure of a chunk; person arrays are indexed like the input.

    Parent and partner fields are person indices (−1 for none). A parent may live in
    another household (a single parent's ex-partner); a partner always lives in the same one.
    """

    household: IntArray  # per person: household index 0..H-1
    head: IntArray  # per household: the person at the head (mother, father or the woman)
    kind: npt.NDArray[np.int8]  # per household: HOUSEHOLD_KINDS index
    mother: IntArray
    father: IntArray
    medmor: IntArray
    partner: IntArray
    sivilstand: npt.NDArray[np.int8]  # SIVILSTAND index
    sivilstandsdato: IntArray  # day number or NO_DAY
    foreldreansvar: npt.NDArray[np.int8]  # FORELDREANSVAR index
    at_home_child: BoolArray

    @property
    def count(self) -> int:
        return int(self.head.size)

    @property
    def married(self) -> BoolArray:
        """People whose partner is their spouse (gift or registrertPartner)."""
        return (self.partner >= 0) & np.isin(self.sivilstand, (GIFT, PARTNER))


# --------------------------------------------------------------------------- date helpers


def _ymd(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months).astype(np.int64) + 1
    return year, month, day


def age_on(birth: IntArray, on: IntArray) -> IntArray:
    """Whole years between birth days and ``on`` days (a person's age on that day)."""
    y1, m1, d1 = _ymd(birth)
    y2, m2, d2 = _ymd(on)
    return y2 - y1 - ((m2 * 32 + d2) < (m1 * 32 + d1)).astype(np.int64)


def plus_years(days: IntArray, years: int) -> IntArray:
    """The day ``years`` whole years later (29 February → 1 March in other years)."""
    y, m, d = _ymd(days)
    month = ((y + years - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    first = month.astype("datetime64[D]").astype(np.int64)
    length = (month + 1).astype("datetime64[D]").astype(np.int64) - first
    return np.where(d <= length, first + d - 1, first + length)


def _years(years: FloatArray | float) -> IntArray:
    return np.asarray(np.round(np.asarray(years) * YEAR), dtype=np.int64)


def _uniform_days(rng: np.random.Generator, low: IntArray, high: IntArray) -> IntArray:
    """A day uniformly in [low, high] (high is raised to low where it is below)."""
    high = np.maximum(high, low)
    return low + np.floor(rng.random(low.size) * (high - low + 1)).astype(np.int64)


# ------------------------------------------------------------------------------- matching


def _nearest_distinct(targets: FloatArray, supply: FloatArray) -> IntArray:
    """For each target a distinct index into ``supply``, near it and order-preserving.

    Both are sorted; each target takes the nearest supply value, collisions push it to the
    next free one (a running maximum), and the tail is clamped back so all fit. The result
    never assigns one supply item twice. Needs ``targets.size <= supply.size``.
    """
    n, m = targets.size, supply.size
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if n > m:
        raise ValueError(f"{n} targets but only {m} candidates")
    t_order = np.argsort(targets, kind="stable")
    s_order = np.argsort(supply, kind="stable")
    t_sorted, s_sorted = targets[t_order], supply[s_order]
    position = np.searchsorted(s_sorted, t_sorted)
    left = np.clip(position - 1, 0, m - 1)
    right = np.clip(position, 0, m - 1)
    closer_left = np.abs(s_sorted[left] - t_sorted) <= np.abs(s_sorted[right] - t_sorted)
    position = np.where(closer_left, left, right)
    step = np.arange(n, dtype=np.int64)
    position = np.maximum.accumulate(position - step) + step
    position = np.minimum(position, m - n + step)
    chosen = np.empty(n, dtype=np.int64)
    chosen[t_order] = s_order[position]
    return chosen


def _match(
    rng: np.random.Generator,
    target_day: FloatArray,
    target_unit: IntArray,
    candidates: IntArray,
    birth: IntArray,
    unit: IntArray,
) -> IntArray:
    """A distinct candidate (person index) per target, nearest in (unit, birth day).

    When there are more targets than candidates, a random subset of targets gets −1.
    """
    result = np.full(target_day.size, -1, dtype=np.int64)
    if target_day.size == 0 or candidates.size == 0:
        return result
    served = np.arange(target_day.size)
    if target_day.size > candidates.size:
        served = np.sort(rng.choice(target_day.size, size=candidates.size, replace=False))
    # A sub-day jitter breaks ties between people born the same day at random.
    supply = unit[candidates] * _UNIT_SPACING + birth[candidates] + rng.random(candidates.size)
    wanted = target_unit[served] * _UNIT_SPACING + target_day[served]
    result[served] = candidates[_nearest_distinct(wanted, supply)]
    return result


def _pick_in_window(
    rng: np.random.Generator, low: IntArray, high: IntArray, pool: IntArray, key: IntArray
) -> IntArray:
    """For each [low, high] window a random pool member whose key lies in it (−1 if none)."""
    order = np.argsort(key[pool], kind="stable")
    sorted_keys = key[pool][order]
    start = np.searchsorted(sorted_keys, low, side="left")
    stop = np.searchsorted(sorted_keys, high, side="right")
    found = stop > start
    offset = np.floor(rng.random(low.size) * np.maximum(stop - start, 1)).astype(np.int64)
    picked = np.full(low.size, -1, dtype=np.int64)
    picked[found] = pool[order[(start + offset)[found]]]
    return picked


# ----------------------------------------------------------------------------- the steps


def _children_at_home(age: IntArray, rng: np.random.Generator) -> BoolArray:
    share = np.zeros(age.size)
    share[age < 18] = 1.0
    young = (age >= 18) & (age <= 24)
    share[young] = _AT_HOME_18_24[age[young] - 18]
    return rng.random(age.size) < share


def _sibling_families(
    rng: np.random.Generator, children: IntArray, unit: IntArray, birth: IntArray
) -> tuple[IntArray, FloatArray]:
    """Family number per child (0..F-1) and each child's target mother birth day."""
    if children.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    mother_age = np.clip(
        rng.normal(_MOTHER_AGE_MEAN, _MOTHER_AGE_SD, children.size),
        _MIN_PARENT_AGE + 0.5,
        _MAX_MOTHER_AGE - 0.5,
    )
    target = birth[children] - mother_age * YEAR
    band = np.floor(target / (2 * YEAR)).astype(np.int64)
    order = np.lexsort((birth[children], band, unit[children]))
    c_unit, c_band, c_birth = unit[children][order], band[order], birth[children][order]

    group_start = np.ones(order.size, dtype=bool)
    group_start[1:] = (c_unit[1:] != c_unit[:-1]) | (c_band[1:] != c_band[:-1])
    group = np.cumsum(group_start) - 1
    first = np.flatnonzero(group_start)
    size = np.diff(np.append(first, order.size))
    rank = np.arange(order.size) - first[group]
    span_years = (np.maximum.reduceat(c_birth, first) - np.minimum.reduceat(c_birth, first)) / YEAR
    # Lanes: every stride-th child of the group, so neighbours in a lane are ~3 years apart.
    stride = np.maximum(1, np.round(size * _SIBLING_SPACING_YEARS / np.maximum(span_years, 3.0)))
    stride = stride.astype(np.int64)[group]
    lane, step = rank % stride, rank // stride
    lane_order = np.lexsort((step, lane, group))
    l_group, l_lane, l_birth = group[lane_order], lane[lane_order], c_birth[lane_order]

    starts = np.ones(lane_order.size, dtype=bool)
    starts[1:] = (l_group[1:] != l_group[:-1]) | (l_lane[1:] != l_lane[:-1])
    starts[1:] |= np.abs(l_birth[1:] - l_birth[:-1]) < _MIN_SIBLING_GAP_DAYS
    sizes = rng.choice(_FAMILY_SIZES, size=lane_order.size, p=_FAMILY_SIZE_P)
    cuts = np.cumsum(sizes)
    starts[cuts[cuts < lane_order.size]] = True
    family_sorted = np.cumsum(starts) - 1

    family = np.empty(children.size, dtype=np.int64)
    family[order[lane_order]] = family_sorted
    return family, target


def _valid_mother(mother: IntArray, child: IntArray, birth: IntArray) -> BoolArray:
    ok = mother >= 0
    at_birth = age_on(birth[np.maximum(mother, 0)], birth[child])
    return ok & (at_birth >= _MIN_PARENT_AGE) & (at_birth <= _MAX_MOTHER_AGE)


def _assign_mothers(
    rng: np.random.Generator,
    children: IntArray,
    women: IntArray,
    unit: IntArray,
    birth: IntArray,
) -> IntArray:
    """A mother (person index) per child, 18–45 years older; −1 only if none exists."""
    family, target = _sibling_families(rng, children, unit, birth)
    families = int(family.max()) + 1 if family.size else 0
    count = np.bincount(family, minlength=families)
    family_target = np.bincount(family, weights=target, minlength=families) / np.maximum(count, 1)
    family_unit = np.zeros(families, dtype=np.int64)
    family_unit[family] = unit[children]
    family_mother = _match(rng, family_target, family_unit, women, birth, unit)
    mother = family_mother[family]
    mother[~_valid_mother(mother, children, birth)] = -1

    # Second round: children left over are matched alone to a woman not yet a mother.
    left = np.flatnonzero(mother < 0)
    if left.size:
        free = women[~np.isin(women, mother)]
        again = _match(
            rng, (birth[children[left]] - _MOTHER_AGE_MEAN * YEAR).astype(np.float64),
            unit[children[left]],
            free, birth, unit,
        )  # fmt: skip
        mother[left] = np.where(_valid_mother(again, children[left], birth), again, -1)

    # Last resort: any woman of a valid age anywhere in the chunk (a sibling then).
    left = np.flatnonzero(mother < 0)
    if left.size and women.size:
        child_birth = birth[children[left]]
        low = child_birth - _years(_MAX_MOTHER_AGE + 1) + 1
        high = child_birth - _years(_MIN_PARENT_AGE) - 1
        again = _pick_in_window(rng, low, high, women, birth)
        mother[left] = np.where(_valid_mother(again, children[left], birth), again, -1)
    return mother


@dataclass(slots=True)
class _Draft:
    """Working state while households are formed (person-indexed arrays)."""

    n: int
    partner: IntArray
    mother: IntArray
    father: IntArray
    medmor: IntArray
    head: IntArray  # per person: the head of their household (−1 not placed yet)
    kind: npt.NDArray[np.int8]  # per person who is a head: HOUSEHOLD_KINDS index

    @classmethod
    def empty(cls, n: int) -> _Draft:
        def none() -> IntArray:
            return np.full(n, -1, dtype=np.int64)

        return cls(n, none(), none(), none(), none(), none(), np.zeros(n, dtype=np.int8))

    def pair(self, a: IntArray, b: IntArray) -> None:
        self.partner[a], self.partner[b] = b, a


def _partner_targets(
    rng: np.random.Generator, woman_birth: IntArray, same_sex: bool = False
) -> FloatArray:
    gap = rng.normal(0.0 if same_sex else _PARTNER_GAP_MEAN, _PARTNER_GAP_SD, woman_birth.size)
    return woman_birth - np.clip(gap, -8, 15) * YEAR


def _parent_ok(parent: IntArray, child: IntArray, birth: IntArray, max_age: int) -> BoolArray:
    at_birth = age_on(birth[np.maximum(parent, 0)], birth[child])
    return (parent >= 0) & (at_birth >= _MIN_PARENT_AGE) & (at_birth <= max_age)


def _close_in_age(a: IntArray, b: IntArray, birth: IntArray) -> BoolArray:
    close = np.abs(birth[a] - birth[b]) <= _MAX_COUPLE_AGE_GAP * YEAR
    return np.asarray((a >= 0) & (b >= 0) & close, dtype=bool)


def _families(
    rng: np.random.Generator,
    draft: _Draft,
    children: IntArray,
    mother: IntArray,
    pools: dict[str, BoolArray],
    unit: IntArray,
    birth: IntArray,
    age: IntArray,
) -> None:
    """Turn mother → children into households: two parents, single mother or single father."""
    has_mother = mother >= 0
    kids, kid_mother = children[has_mother], mother[has_mother]
    draft.mother[kids] = kid_mother
    mothers, family = np.unique(kid_mother, return_inverse=True)
    pools["woman"][mothers] = False
    kind, medmor_family = _family_kinds(rng, age[mothers])
    partner = _family_partners(rng, mothers, kind, medmor_family, pools, unit, birth)

    # The partner is a parent only where old enough at the child's birth; otherwise a
    # step-parent, without a relation.
    other = partner[family]
    woman_partner = medmor_family[family]
    at_birth = age_on(birth[np.maximum(other, 0)], birth[kids])
    max_age = np.where(woman_partner, _MAX_MOTHER_AGE + 5, _MAX_FATHER_AGE)
    parent = (other >= 0) & (at_birth >= _MIN_PARENT_AGE) & (at_birth <= max_age)
    # A single father must be the father of every child he lives with; else the mother
    # keeps the children.
    not_his = np.bincount(family[~parent], minlength=mothers.size) > 0
    demoted = (kind == SINGLE_FATHER) & not_his
    kind[demoted], partner[demoted] = SINGLE_MOTHER, -1
    parent &= ~demoted[family]
    used = partner[partner >= 0]
    pools["man"][used] = False
    pools["woman"][used] = False
    draft.father[kids[parent & ~woman_partner]] = partner[family][parent & ~woman_partner]
    draft.medmor[kids[parent & woman_partner]] = partner[family][parent & woman_partner]

    father_led = kind == SINGLE_FATHER
    draft.head[kids] = np.where(father_led[family], partner[family], kid_mother)
    couple = kind == COUPLE_WITH_CHILDREN
    draft.pair(mothers[couple], partner[couple])
    draft.head[mothers[couple]] = mothers[couple]
    draft.head[partner[couple]] = mothers[couple]
    single = kind == SINGLE_MOTHER
    draft.head[mothers[single]] = mothers[single]
    fathers = partner[father_led]
    draft.head[fathers] = fathers
    draft.kind[mothers[couple]] = COUPLE_WITH_CHILDREN
    draft.kind[mothers[single]] = SINGLE_MOTHER
    draft.kind[fathers] = SINGLE_FATHER
    # A single father's children keep their mother, who lives elsewhere: back in the pool.
    pools["woman"][mothers[father_led]] = True
    _absent_fathers(rng, draft, kids, mothers, single, family, pools, unit, birth)


def _family_kinds(
    rng: np.random.Generator, mother_age: IntArray
) -> tuple[npt.NDArray[np.int8], BoolArray]:
    """Per family: couple, single mother or single father; and whether a co-mother."""
    single_share = np.where(mother_age < 25, 0.35, 0.18)  # young mothers more often alone
    draw = rng.random(mother_age.size)
    kind = np.full(mother_age.size, COUPLE_WITH_CHILDREN, dtype=np.int8)
    kind[draw < _SINGLE_FATHER_SHARE + single_share] = SINGLE_MOTHER
    kind[draw < _SINGLE_FATHER_SHARE] = SINGLE_FATHER
    medmor = (kind == COUPLE_WITH_CHILDREN) & (rng.random(mother_age.size) < _MEDMOR_SHARE)
    return kind, medmor


def _family_partners(
    rng: np.random.Generator,
    mothers: IntArray,
    kind: npt.NDArray[np.int8],
    medmor: BoolArray,
    pools: dict[str, BoolArray],
    unit: IntArray,
    birth: IntArray,
) -> IntArray:
    """The man (or co-mother) of each two-parent family and each single father (−1: none).

    Families left without one become single-mother families (``kind`` is updated).
    """
    partner = np.full(mothers.size, -1, dtype=np.int64)
    with_man = ((kind == COUPLE_WITH_CHILDREN) & ~medmor) | (kind == SINGLE_FATHER)
    for wanted, pool, same_sex in ((with_man, "man", False), (medmor, "woman", True)):
        chosen = _match(
            rng, _partner_targets(rng, birth[mothers[wanted]], same_sex=same_sex),
            unit[mothers[wanted]], np.flatnonzero(pools[pool]), birth, unit,
        )  # fmt: skip
        chosen[~_close_in_age(chosen, mothers[wanted], birth)] = -1
        partner[wanted] = chosen
    kind[(kind != SINGLE_MOTHER) & (partner < 0)] = SINGLE_MOTHER
    medmor &= partner >= 0
    return partner


def _absent_fathers(
    rng: np.random.Generator,
    draft: _Draft,
    kids: IntArray,
    mothers: IntArray,
    single_mother: BoolArray,
    family: IntArray,
    pools: dict[str, BoolArray],
    unit: IntArray,
    birth: IntArray,
) -> None:
    """Most single mothers' children have a registered father living elsewhere."""
    known = single_mother & (rng.random(mothers.size) < _ABSENT_FATHER_KNOWN)
    men = np.flatnonzero(pools["man"])
    father = np.full(mothers.size, -1, dtype=np.int64)
    father[known] = _match(
        rng, _partner_targets(rng, birth[mothers[known]]), unit[mothers[known]],
        men, birth, unit,
    )  # fmt: skip
    other = father[family]
    ok = (other >= 0) & _parent_ok(other, kids, birth, _MAX_FATHER_AGE)
    draft.father[kids[ok]] = other[ok]
    # These men stay in the pool: they may live alone or with a new partner.


_COUPLE_SHARE_BY_AGE: Final = np.interp(
    np.arange(106),
    [18, 22, 27, 35, 45, 55, 65, 72, 80, 88, 95],
    [0.08, 0.25, 0.45, 0.45, 0.50, 0.68, 0.78, 0.72, 0.55, 0.30, 0.12],
)


def _couples(
    rng: np.random.Generator,
    draft: _Draft,
    pools: dict[str, BoolArray],
    unit: IntArray,
    birth: IntArray,
    age: IntArray,
) -> None:
    """Couples without children at home, paired by age within their unit."""
    women = np.flatnonzero(pools["woman"])
    women = women[rng.random(women.size) < _COUPLE_SHARE_BY_AGE[np.minimum(age[women], 105)]]
    same_sex = rng.random(women.size) < _SAME_SEX_SHARE
    _same_sex_pairs(rng, draft, women[same_sex], unit, birth)

    hetero = women[~same_sex]
    men = np.flatnonzero(pools["man"])
    man = _match(rng, _partner_targets(rng, birth[hetero]), unit[hetero], men, birth, unit)
    ok = _close_in_age(man, hetero, birth)
    hetero, man = hetero[ok], man[ok]
    draft.pair(hetero, man)
    draft.head[hetero], draft.head[man] = hetero, hetero
    draft.kind[hetero] = COUPLE
    pools["woman"][hetero] = False
    pools["man"][man] = False

    free_men = np.flatnonzero(pools["man"] & (age >= 20))
    wanted = min(free_men.size, round(_SAME_SEX_SHARE * hetero.size * 2))
    _same_sex_pairs(rng, draft, rng.choice(free_men, size=wanted, replace=False), unit, birth)
    placed = draft.head >= 0
    pools["woman"] &= ~placed
    pools["man"] &= ~placed


def _same_sex_pairs(
    rng: np.random.Generator, draft: _Draft, people: IntArray, unit: IntArray, birth: IntArray
) -> None:
    """Pair people of one sex with their neighbour in (unit, age) order."""
    order = people[np.lexsort((birth[people] + rng.random(people.size), unit[people]))]
    first, second = order[0 : order.size - 1 : 2], order[1 : order.size : 2]
    ok = (unit[first] == unit[second]) & _close_in_age(first, second, birth)
    first, second = first[ok], second[ok]
    draft.pair(first, second)
    draft.head[first], draft.head[second] = first, first
    draft.kind[first] = COUPLE


# ----------------------------------------------------------------------------- sivilstand

# Sivilstand of people without a partner at home, by age band and sex:
# (ugift, skilt, enkeEllerEnkemann) shares. Bands start at these ages.
_SINGLE_BANDS: Final = np.array([0, 25, 35, 45, 55, 67, 80])
_SINGLE_SHARES: Final = {
    # women
    True: np.array(
        [
            [0.99, 0.01, 0.00],
            [0.93, 0.07, 0.00],
            [0.70, 0.29, 0.01],
            [0.52, 0.44, 0.04],
            [0.36, 0.50, 0.14],
            [0.12, 0.30, 0.58],
            [0.08, 0.10, 0.82],
        ]
    ),
    # men
    False: np.array(
        [
            [0.99, 0.01, 0.00],
            [0.94, 0.06, 0.00],
            [0.72, 0.27, 0.01],
            [0.58, 0.40, 0.02],
            [0.45, 0.48, 0.07],
            [0.25, 0.40, 0.35],
            [0.15, 0.15, 0.70],
        ]
    ),
}

_MARRIED_BANDS: Final = np.array([0, 25, 30, 35, 40, 50, 67])
_MARRIED_SHARE: Final = np.array([0.15, 0.30, 0.45, 0.55, 0.62, 0.72, 0.85])
_REGISTERED_PARTNERSHIP: Final = (np.datetime64("1993-08-01"), np.datetime64("2008-12-31"))
_SAME_SEX_MARRIAGE_FROM: Final = np.datetime64("2009-01-01")


def _day(value: np.datetime64) -> int:
    return int(value.astype("datetime64[D]").astype(np.int64))


def _single_status(
    rng: np.random.Generator, people: IntArray, age: IntArray, female: BoolArray
) -> npt.NDArray[np.int8]:
    band = np.searchsorted(_SINGLE_BANDS, age[people], side="right") - 1
    shares = np.where(female[people, None], _SINGLE_SHARES[True][band], _SINGLE_SHARES[False][band])
    cumulative = np.cumsum(shares, axis=1)
    choice = (rng.random(people.size)[:, None] > cumulative).sum(axis=1)
    status = np.array([UGIFT, SKILT, ENKE], dtype=np.int8)[np.minimum(choice, 2)]
    status[age[people] < 22] = UGIFT  # too young to have been married and divorced
    return np.asarray(status, dtype=np.int8)


def _sivilstand(
    rng: np.random.Generator,
    draft: _Draft,
    at_home: BoolArray,
    birth: IntArray,
    age: IntArray,
    female: BoolArray,
    reference_day: int,
) -> tuple[npt.NDArray[np.int8], IntArray]:
    status = np.full(draft.n, UGIFT, dtype=np.int8)
    dated = np.full(draft.n, NO_DAY, dtype=np.int64)
    one = np.flatnonzero((draft.partner >= 0) & (np.arange(draft.n) < draft.partner))
    _couple_status(rng, one, draft, status, dated, birth, age, female, reference_day)
    alone = np.flatnonzero((draft.partner < 0) & ~at_home)
    status[alone] = _single_status(rng, alone, age, female)
    _single_dates(rng, alone, status, dated, birth, age, reference_day)
    cohabiting = np.flatnonzero((draft.partner >= 0) & (status == UGIFT))
    # Some cohabitants were married before.
    divorced = cohabiting[(age[cohabiting] >= 35) & (rng.random(cohabiting.size) < 0.25)]
    status[divorced] = SKILT
    _single_dates(rng, divorced, status, dated, birth, age, reference_day)
    return status, dated


def _couple_status(
    rng: np.random.Generator,
    one: IntArray,
    draft: _Draft,
    status: npt.NDArray[np.int8],
    dated: IntArray,
    birth: IntArray,
    age: IntArray,
    female: BoolArray,
    reference_day: int,
) -> None:
    """Married or cohabiting, per couple (``one`` is one member of each couple)."""
    two = draft.partner[one]
    older_age = np.maximum(age[one], age[two])
    band = np.searchsorted(_MARRIED_BANDS, older_age, side="right") - 1
    with_children = draft.kind[draft.head[one]] == COUPLE_WITH_CHILDREN
    share = _MARRIED_SHARE[band] + np.where(with_children, 0.05, 0.0)
    married = rng.random(one.size) < share
    one, two = one[married], two[married]

    earliest = plus_years(np.maximum(birth[one], birth[two]), _MIN_PARENT_AGE)
    same_sex = female[one] == female[two]
    registered = same_sex & (earliest <= _day(_REGISTERED_PARTNERSHIP[1]))
    registered &= rng.random(one.size) < 0.35
    woman_birth = np.where(female[one], birth[one], birth[two])
    marriage_age = rng.normal(31.0, 5.0, one.size)
    wedding = woman_birth + _years(marriage_age)
    low = np.where(same_sex, np.maximum(earliest, _day(_SAME_SEX_MARRIAGE_FROM)), earliest)
    wedding = np.clip(wedding, low, reference_day - 1)
    partnership = _uniform_days(
        rng,
        np.maximum(earliest, _day(_REGISTERED_PARTNERSHIP[0])),
        np.full(one.size, _day(_REGISTERED_PARTNERSHIP[1])),
    )
    wedding = np.where(registered, partnership, wedding)
    code = np.where(registered, PARTNER, GIFT).astype(np.int8)
    status[one], status[two] = code, code
    dated[one], dated[two] = wedding, wedding


def _single_dates(
    rng: np.random.Generator,
    people: IntArray,
    status: npt.NDArray[np.int8],
    dated: IntArray,
    birth: IntArray,
    age: IntArray,
    reference_day: int,
) -> None:
    recent = np.full(people.size, reference_day - 30, dtype=np.int64)
    divorced = status[people] == SKILT
    low = np.maximum(birth[people] + _years(22), reference_day - _years(30))
    dated[people[divorced]] = _uniform_days(rng, low[divorced], recent[divorced])
    widowed = status[people] == ENKE
    earliest_loss = np.where(age[people] >= 55, 50, 25)
    low = np.maximum(birth[people] + _years(earliest_loss), reference_day - _years(25))
    dated[people[widowed]] = _uniform_days(rng, low[widowed], recent[widowed])
    dated[people] = np.where(
        dated[people] == NO_DAY, NO_DAY, np.minimum(dated[people], reference_day - 1)
    )


def _foreldreansvar(draft: _Draft, age: IntArray, at_home: BoolArray) -> npt.NDArray[np.int8]:
    """felles for a child living with both parents, else the parent it lives with."""
    code = np.zeros(draft.n, dtype=np.int8)
    minor = np.flatnonzero(at_home & (age < 18))
    mother, father, medmor = draft.mother[minor], draft.father[minor], draft.medmor[minor]
    head = draft.head[minor]
    partner_of_head = draft.partner[np.maximum(head, 0)]
    mother_home = (mother >= 0) & ((head == mother) | (partner_of_head == mother))
    other = np.where(father >= 0, father, medmor)
    other_home = (other >= 0) & ((head == other) | (partner_of_head == other))
    code[minor] = np.select(
        [mother_home & other_home, mother_home, (father >= 0) & (head == father)],
        [_FELLES, _MOR, _FAR],
        _NO_ANSVAR,
    )
    return code


# ------------------------------------------------------------------------------ assembly


def form_households(
    *,
    unit: IntArray,
    age: IntArray,
    female: BoolArray,
    birth: IntArray,
    reference_day: int,
    rng: np.random.Generator,
) -> Households:
    """Form households among the people of one chunk (see the module docstring).

    ``unit`` groups people who should live near each other (a municipality or a district of
    one); households form within a unit where possible and take the unit of their head.
    """
    n = age.size
    draft = _Draft.empty(n)
    at_home = _children_at_home(age, rng)
    adult = ~at_home & (age >= _MIN_PARENT_AGE)
    pools = {"woman": adult & female, "man": adult & ~female}

    children = np.flatnonzero(at_home)
    mother = _assign_mothers(rng, children, np.flatnonzero(pools["woman"]), unit, birth)
    _families(rng, draft, children, mother, pools, unit, birth, age)
    _couples(rng, draft, pools, unit, birth, age)

    # Everyone not placed lives alone (including the rare child without a possible mother).
    alone = np.flatnonzero(draft.head < 0)
    draft.head[alone] = alone
    draft.kind[alone] = ALONE
    at_home[alone] = False

    status, dated = _sivilstand(rng, draft, at_home, birth, age, female, reference_day)
    heads, household = np.unique(draft.head, return_inverse=True)
    return Households(
        household=household.astype(np.int64),
        head=heads.astype(np.int64),
        kind=draft.kind[heads],
        mother=draft.mother,
        father=draft.father,
        medmor=draft.medmor,
        partner=draft.partner,
        sivilstand=status,
        sivilstandsdato=dated,
        foreldreansvar=_foreldreansvar(draft, age, at_home),
        at_home_child=at_home,
    )
