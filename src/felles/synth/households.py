"""Households for a synthetic population: who lives with whom, who is whose parent or spouse.

The people come first (sampled by municipality, age and sex from the real population matrix);
this module then forms households among them, so the age and sex structure stays exactly the
sampled one. Everything is vectorised with numpy: there is no Python loop per person or per
household, only sorts, searches and scatters over whole arrays (a chunk of 150 000 people
takes a fraction of a second).

The steps, in order:

1. **Children at home**: everyone under 18, and a falling share of 18–34-year-olds (men
   leave home later than women).
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
   couples), then **shared homes** of two to four young adults (students, flatmates), then
   **people living alone** (all the rest).
6. **Separations**: some single parents are still married to the other parent, who lives
   alone elsewhere (separert, with the spouse linked both ways).
7. **Sivilstand** with plausible dates: married couples (gift, with the spouse linked both
   ways; older same-sex couples partly registrertPartner from 1993–2008), cohabitants
   (ugift, unlinked, as in the real register), and single people by age and sex (ugift,
   skilt, enkeEllerEnkemann).

``link_adult_children`` runs afterwards, once the caller knows who was born in Norway: it
gives adults who have left home their living parents (see its docstring).

Days are int64 day numbers since 1970-01-01; ``NO_DAY`` (numpy's NaT as int64) means none,
so ``days.view("datetime64[D]")`` turns a day array into dates with NaT where empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
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
    "link_adult_children",
    "plus_years",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

NO_DAY: Final = np.iinfo(np.int64).min  # the int64 behind NaT
YEAR: Final = 365.2425

#: Sivilstand codes used in ``Households.sivilstand`` (index → Folkeregisteret's value).
SIVILSTAND: Final = ("ugift", "gift", "skilt", "enkeEllerEnkemann", "registrertPartner", "separert")
UGIFT, GIFT, SKILT, ENKE, PARTNER, SEPARERT = range(6)

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
    "shared",
)
ALONE, COUPLE, COUPLE_WITH_CHILDREN, SINGLE_MOTHER, SINGLE_FATHER, SHARED = range(6)

_UNIT_SPACING: Final = 1_000_000.0  # key = unit * spacing + day keeps units apart when sorting

# Share of 18–34-year-olds registered at a parent's home, by age (columns: women, men).
# More than half of those aged 18–24 are: students who move away to study may stay registered
# at home, and men leave later than women; a few men stay into their thirties. With shared
# homes (below) this brings the mean private household to SSB's 2.1–2.2 persons.
_AT_HOME_ADULT: Final = np.array(
    [
        [0.92, 0.95],  # 18
        [0.84, 0.89],  # 19
        [0.70, 0.78],  # 20
        [0.57, 0.67],  # 21
        [0.45, 0.56],  # 22
        [0.35, 0.46],  # 23
        [0.26, 0.37],  # 24
        [0.19, 0.29],  # 25
        [0.13, 0.22],  # 26
        [0.09, 0.17],  # 27
        [0.06, 0.13],  # 28
        [0.05, 0.10],  # 29
        [0.04, 0.08],  # 30
        [0.03, 0.07],  # 31
        [0.03, 0.06],  # 32
        [0.02, 0.05],  # 33
        [0.02, 0.04],  # 34
    ]
)
_LAST_AT_HOME_AGE: Final = 18 + _AT_HOME_ADULT.shape[0] - 1

# Mother's age at birth: mean about 31, most between 25 and 38, always within 18–45.
_MOTHER_AGE_MEAN: Final = 30.5
_MOTHER_AGE_SD: Final = 5.0
_MIN_PARENT_AGE: Final = 18
_MAX_MOTHER_AGE: Final = 45
_MAX_FATHER_AGE: Final = 70

# Children at home per family (families with children under 18: about 45 % one, 38 % two,
# 17 % three or more); lane ends cut many families short, so the draw leans larger (it gives
# 45 / 37 / 18 %).
_FAMILY_SIZES: Final = np.array([1, 2, 3, 4, 5])
_FAMILY_SIZE_P: Final = np.array([0.20, 0.42, 0.25, 0.09, 0.04])
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

    Parent, partner and spouse fields are person indices (−1 for none). A parent may live in
    another household (a single parent's ex-partner, an adult's parents); a partner always
    lives in the same one. ``spouse`` is the spouse or registered partner by sivilstand: the
    partner of a married couple, or the spouse living apart of a separated person.
    """

    household: IntArray  # per person: household index 0..H-1
    head: IntArray  # per household: the person at the head (mother, father or the woman)
    kind: npt.NDArray[np.int8]  # per household: HOUSEHOLD_KINDS index
    mother: IntArray
    father: IntArray
    medmor: IntArray
    partner: IntArray
    spouse: IntArray
    sivilstand: npt.NDArray[np.int8]  # SIVILSTAND index
    sivilstandsdato: IntArray  # day number or NO_DAY
    wedding_day: IntArray  # the spouses' wedding (or partnership) day, or NO_DAY
    foreldreansvar: npt.NDArray[np.int8]  # FORELDREANSVAR index
    at_home_child: BoolArray

    @property
    def count(self) -> int:
        return int(self.head.size)

    @property
    def married(self) -> BoolArray:
        """People with a spouse (gift, registrertPartner, or separert and living apart)."""
        return self.spouse >= 0


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


def _children_at_home(age: IntArray, female: BoolArray, rng: np.random.Generator) -> BoolArray:
    share = np.zeros(age.size)
    share[age < 18] = 1.0
    young = (age >= 18) & (age <= _LAST_AT_HOME_AGE)
    share[young] = _AT_HOME_ADULT[age[young] - 18, (~female[young]).astype(np.int64)]
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
    spouse: IntArray  # set for separated couples before sivilstand, for married ones by it
    mother: IntArray
    father: IntArray
    medmor: IntArray
    head: IntArray  # per person: the head of their household (−1 not placed yet)
    kind: npt.NDArray[np.int8]  # per person who is a head: HOUSEHOLD_KINDS index

    @classmethod
    def empty(cls, n: int) -> _Draft:
        def none() -> IntArray:
            return np.full(n, -1, dtype=np.int64)

        return cls(n, none(), none(), none(), none(), none(), none(), np.zeros(n, dtype=np.int8))

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


# ---------------------------------------------------------------------------- separations

# Married people living apart (separert), usually the year or two before a divorce: single
# parents still married to their children's other parent, who lives alone, and a few people
# in their forties to seventies living alone, married to someone else living alone. Together
# about 1–1.5 % of adults, most of them 35–55, as in SSB's figures.
_SEPARATED_PARENTS: Final = 0.3
_SEPARATED_ALONE: Final = 0.03  # of women aged 40–74 living alone
_SEPARATED_YEARS: Final = 1.3  # mean time since the separation
_MAX_SEPARATED_YEARS: Final = 8.0
_WEDDING_AGE_MEAN: Final = 29.0  # the woman's, for couples married before children


@dataclass(frozen=True, slots=True)
class _Separated:
    people: IntArray  # both spouses of every separated couple
    separated: IntArray  # per person in ``people``: the day of the separation
    wedding: IntArray  # per person in ``people``: the wedding day


def _separations(
    rng: np.random.Generator,
    draft: _Draft,
    at_home: BoolArray,
    female: BoolArray,
    unit: IntArray,
    birth: IntArray,
    age: IntArray,
    reference_day: int,
) -> _Separated:
    """Pick separated couples and link them in ``draft.spouse`` (neither has a partner)."""
    kids = np.flatnonzero(at_home & (draft.head >= 0))
    head = draft.head[kids]
    kind = draft.kind[head]
    other = np.select(
        [kind == SINGLE_MOTHER, kind == SINGLE_FATHER], [draft.father[kids], draft.mother[kids]], -1
    )
    safe = np.maximum(other, 0)
    # The other parent must live alone: a new partner at home would make this a different
    # (and rarer) story.
    ok = (other >= 0) & (draft.head[safe] == safe) & (draft.kind[safe] == ALONE)
    kids, head, other = kids[ok], head[ok], other[ok]
    # One couple per single parent, dated by their youngest shared child: they were together
    # until at least its birth.
    order = np.lexsort((-birth[kids], head))
    pick = order[np.unique(head[order], return_index=True)[1]]
    pick = pick[np.unique(other[pick], return_index=True)[1]]  # and each absent parent once
    pick = pick[rng.random(pick.size) < _SEPARATED_PARENTS]
    head, other = head[pick], other[pick]
    earliest = birth[kids[pick]] + 60

    # Without children at home: a woman living alone and a man living alone near her age.
    alone = (draft.head == np.arange(draft.n)) & (draft.kind == ALONE)
    alone[head], alone[other] = False, False
    women = np.flatnonzero(alone & female & (age >= 40) & (age <= 74))
    women = women[rng.random(women.size) < _SEPARATED_ALONE]
    men = np.flatnonzero(alone & ~female & (age >= 35))
    man = _match(rng, _partner_targets(rng, birth[women]), unit[women], men, birth, unit)
    ok = _close_in_age(man, women, birth)
    head = np.concatenate([head, women[ok]])
    other = np.concatenate([other, man[ok]])
    of_age = plus_years(np.maximum(birth[head], birth[other]), _MIN_PARENT_AGE)
    earliest = np.concatenate([earliest, of_age[earliest.size :] + _years(1.0)])

    ago = np.minimum(rng.exponential(_SEPARATED_YEARS, head.size), _MAX_SEPARATED_YEARS)
    separated = np.minimum(np.maximum(reference_day - _years(ago), earliest), reference_day - 1)
    woman_birth = np.where(female[head], birth[head], birth[other])
    wedding = woman_birth + _years(rng.normal(_WEDDING_AGE_MEAN, 4.0, head.size))
    # Both were of age at the youngest shared child's birth (or a year before ``earliest``),
    # so of_age <= wedding < separated.
    wedding = np.maximum(np.minimum(wedding, separated - 180), of_age)
    draft.spouse[head], draft.spouse[other] = other, head
    return _Separated(
        np.concatenate([head, other]),
        np.concatenate([separated, separated]),
        np.concatenate([wedding, wedding]),
    )


# --------------------------------------------------------------------------- shared homes

# Share of young adults not living with a partner or parent who share a home with others of
# their age (bofellesskap: students and flatmates; SSB counts about one in six 20–24-year-
# olds in such "other" households). With more of them at home this brings the share of
# people living alone down to SSB's (about 40 % of households, one person in five).
_SHARED_SHARE_BY_AGE: Final = np.interp(
    np.arange(106), [18, 19, 22, 27, 32, 40, 50], [0.0, 0.40, 0.55, 0.45, 0.30, 0.15, 0.0]
)
_SHARED_SIZES: Final = np.array([2, 3, 4])
_SHARED_SIZE_P: Final = np.array([0.55, 0.30, 0.15])


def _shared_homes(
    rng: np.random.Generator, draft: _Draft, at_home: BoolArray, unit: IntArray, age: IntArray
) -> None:
    """Group some young adults not yet placed into homes of 2–4 of similar age, per unit."""
    # (A child meant to live at home but left without a mother is not one of them.)
    people = np.flatnonzero((draft.head < 0) & ~at_home)
    people = people[rng.random(people.size) < _SHARED_SHARE_BY_AGE[np.minimum(age[people], 105)]]
    order = people[np.lexsort((age[people] + 4 * rng.random(people.size), unit[people]))]
    starts = np.zeros(order.size, dtype=bool)
    starts[0:1] = True
    starts[1:] = unit[order[1:]] != unit[order[:-1]]
    sizes = rng.choice(_SHARED_SIZES, size=order.size, p=_SHARED_SIZE_P)
    cuts = np.cumsum(sizes)
    starts[cuts[cuts < order.size]] = True
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    members = np.bincount(group)
    shared = members[group] >= 2  # one left over at a unit's end lives alone
    head = order[first[group]]
    draft.head[order[shared]] = head[shared]
    draft.kind[head[shared]] = SHARED


# ----------------------------------------------------------------------------- sivilstand

# Sivilstand of people without a partner at home, by age band and sex: the shares that are
# skilt and enkeEllerEnkemann (the rest ugift). Bands start at these ages. Divorce rises
# with age to a peak around 60–74 and falls for the oldest, who married when divorce was
# rare; with the cohabitants below, skilt comes to about 2 % at 30–34, 5–6 % at 35–39,
# 16–18 % at 55–66 and 5–8 % over 85 of everyone, close to SSB's.
_SINGLE_BANDS: Final = np.array([0, 25, 30, 35, 40, 45, 50, 55, 60, 67, 75, 80, 85, 90])
_SINGLE_SHARES: Final = {
    # women
    True: np.array(
        [
            [0.00, 0.00],
            [0.01, 0.00],
            [0.05, 0.00],
            [0.13, 0.01],
            [0.22, 0.01],
            [0.31, 0.03],
            [0.36, 0.05],
            [0.42, 0.10],
            [0.46, 0.16],
            [0.38, 0.45],
            [0.24, 0.65],
            [0.12, 0.78],
            [0.08, 0.84],
            [0.05, 0.88],
        ]
    ),
    # men
    False: np.array(
        [
            [0.00, 0.00],
            [0.01, 0.00],
            [0.05, 0.00],
            [0.13, 0.01],
            [0.22, 0.01],
            [0.31, 0.015],
            [0.34, 0.03],
            [0.40, 0.05],
            [0.46, 0.09],
            [0.44, 0.30],
            [0.26, 0.50],
            [0.13, 0.65],
            [0.08, 0.75],
            [0.05, 0.80],
        ]
    ),
}
# Cohabitants who were married before (skilt), by age: few before 40, about 35 % from 55.
_COHABITANT_DIVORCED: Final = np.interp(
    np.arange(106), [34, 35, 40, 45, 50, 55], [0.0, 0.05, 0.12, 0.22, 0.30, 0.35]
)

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
    u = rng.random(people.size)
    status = np.full(people.size, UGIFT, dtype=np.int8)
    status[u < shares[:, 0]] = SKILT
    status[(u >= shares[:, 0]) & (u < shares[:, 0] + shares[:, 1])] = ENKE
    status[age[people] < 22] = UGIFT  # too young to have been married and divorced
    return np.asarray(status, dtype=np.int8)


def _sivilstand(
    rng: np.random.Generator,
    draft: _Draft,
    at_home: BoolArray,
    separated: _Separated,
    birth: IntArray,
    age: IntArray,
    female: BoolArray,
    reference_day: int,
) -> tuple[npt.NDArray[np.int8], IntArray, IntArray]:
    """Sivilstand, its date and the wedding day per person; links married couples."""
    status = np.full(draft.n, UGIFT, dtype=np.int8)
    dated = np.full(draft.n, NO_DAY, dtype=np.int64)
    one = np.flatnonzero((draft.partner >= 0) & (np.arange(draft.n) < draft.partner))
    _couple_status(rng, one, draft, status, dated, birth, age, female, reference_day)
    wedding = np.where(draft.spouse >= 0, dated, NO_DAY)
    status[separated.people] = SEPARERT
    dated[separated.people] = separated.separated
    wedding[separated.people] = separated.wedding
    alone = np.flatnonzero((draft.partner < 0) & (draft.spouse < 0) & ~at_home)
    status[alone] = _single_status(rng, alone, age, female)
    _single_dates(rng, alone, status, dated, birth, age, reference_day)
    cohabiting = np.flatnonzero((draft.partner >= 0) & (status == UGIFT))
    # Some cohabitants were married before.
    was_married = (
        rng.random(cohabiting.size) < _COHABITANT_DIVORCED[np.minimum(age[cohabiting], 105)]
    )
    divorced = cohabiting[was_married]
    status[divorced] = SKILT
    _single_dates(rng, divorced, status, dated, birth, age, reference_day)
    return status, dated, wedding


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
    draft.spouse[one], draft.spouse[two] = two, one


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
    at_home = _children_at_home(age, female, rng)
    adult = ~at_home & (age >= _MIN_PARENT_AGE)
    pools = {"woman": adult & female, "man": adult & ~female}

    children = np.flatnonzero(at_home)
    mother = _assign_mothers(rng, children, np.flatnonzero(pools["woman"]), unit, birth)
    _families(rng, draft, children, mother, pools, unit, birth, age)
    _couples(rng, draft, pools, unit, birth, age)
    _shared_homes(rng, draft, at_home, unit, age)

    # Everyone not placed lives alone (including the rare child without a possible mother).
    alone = np.flatnonzero(draft.head < 0)
    draft.head[alone] = alone
    draft.kind[alone] = ALONE
    at_home[alone] = False

    separated = _separations(rng, draft, at_home, female, unit, birth, age, reference_day)
    status, dated, wedding = _sivilstand(
        rng, draft, at_home, separated, birth, age, female, reference_day
    )
    heads, household = np.unique(draft.head, return_inverse=True)
    return Households(
        household=household.astype(np.int64),
        head=heads.astype(np.int64),
        kind=draft.kind[heads],
        mother=draft.mother,
        father=draft.father,
        medmor=draft.medmor,
        partner=draft.partner,
        spouse=draft.spouse,
        sivilstand=status,
        sivilstandsdato=dated,
        wedding_day=wedding,
        foreldreansvar=_foreldreansvar(draft, age, at_home),
        at_home_child=at_home,
    )


# ---------------------------------------------------------------- adults and their parents

# Folkeregisteret has mor and far for nearly everyone born in Norway since the 1960s, wherever
# they live; services such as inheritance look for a deceased person's adult children there.
_ADULT_CHILD_MIN_AGE: Final = 18
_ADULT_CHILD_MAX_AGE: Final = 65
# Mother's mean age at a birth by the child's birth year (SSB, all births): lowest around
# 1975, rising since.
_MOTHER_AGE_YEARS: Final = np.array([1955.0, 1975.0, 1990.0, 2007.0])
_MOTHER_AGE_MEANS: Final = np.array([26.8, 26.5, 28.3, 30.2])
# Completed fertility (SSB): about 2.5 children per woman born before 1940, falling to about
# 2.05 for those born from the 1950s on, one in eight childless. A woman's children at home
# count towards hers.
_CHILDREN_PER_WOMAN: Final = np.array([0, 1, 2, 3, 4, 5])
_CHILDREN_P_BEFORE_1940: Final = np.array([0.09, 0.10, 0.33, 0.28, 0.13, 0.07])
_CHILDREN_P_FROM_1952: Final = np.array([0.12, 0.14, 0.41, 0.23, 0.07, 0.03])
_FERTILITY_YEARS: Final = np.array([1940.0, 1952.0])  # from the first to the second
_CHILDLESS_MEN: Final = 0.18  # men are childless more often than women
# Most immigrant women's children were born before they came: only women who arrived young
# enough are looked at as mothers of adults born in Norway.
_MAX_ARRIVAL_AGE_OF_MOTHER: Final = 40
# A mother's man at home is mostly the father of her grown-up children too (else a step-
# father); failing that, the father of her children at home or her separated husband often is.
_PARTNER_IS_FATHER: Final = 0.85
_HOME_FATHER_IS_FATHER: Final = 0.7
# A father found elsewhere: typically 0–6 years older than the mother, never more than 15
# older or 5 younger.
_FATHER_GAP_MEAN: Final = 3.0
_FATHER_GAP_SD: Final = 2.5
_FATHER_OLDER_MAX: Final = 15
_FATHER_YOUNGER_MAX: Final = 5
_FATHER_UNKNOWN: Final = 0.04  # no father registered although one may be alive
_CELL_YEARS: Final = 1 << 12  # cell key = unit * _CELL_YEARS + birth year (years from 1900)
_CELL_OFFSETS: Final = (0, 1, -1, 2, -2, 3, -3)  # years off the drawn birth year, in turn
_TIE_BITS: Final = 8  # cell ranks are below 2**24, random tie-breakers below 2**8


def link_adult_children(
    hh: Households,
    *,
    unit: IntArray,
    age: IntArray,
    female: BoolArray,
    birth: IntArray,
    born_in_norway: BoolArray,
    arrival: IntArray,
    rng: np.random.Generator,
) -> Households:
    """Give adults born in Norway who have left home their living mother and father.

    Adults aged 18–65 born in Norway who do not live with a parent are matched to women of
    the chunk born in the year their mother would be (mother's age at birth by birth year),
    each woman taking as many children as her drawn completed fertility leaves after her
    children at home. The father is the mother's man at home where he can be, else the father
    of her younger children or her separated husband, else a man of the chunk a few years
    older than her. A parent must have lived in Norway when the child was born there
    (``arrival``: innflyttingsdato or NO_DAY).

    Parents are only looked for **within the same chunk** (a municipality, a district of a
    large one, or a group of small ones): many adults live near their parents, and a chunk
    is all there is in memory. Cross-chunk links are not made. Who is left without a parent
    is then mostly who would be in the real register: adults whose parents have died (the
    population has fewer women and men of the older parents' age than there are children to
    match), and immigrants who came as adults (``born_in_norway`` false: their parents are
    not here).

    Siblings follow from shared parents. Partners and spouses never share a parent, no parent
    is their child's partner or spouse, and a mother's children are at least 300 days apart.
    """
    n = age.size
    in_norway_from = np.where(arrival == NO_DAY, birth, arrival)
    children = np.flatnonzero(
        ~hh.at_home_child
        & (age >= _ADULT_CHILD_MIN_AGE)
        & (age <= _ADULT_CHILD_MAX_AGE)
        & born_in_norway
        & (hh.mother < 0)
        & (hh.father < 0)
        & (hh.medmor < 0)
    )
    if children.size == 0:
        return hh
    mother = hh.mother.copy()
    mother[children] = _adult_mothers(rng, children, hh, unit, age, female, birth, in_norway_from)
    new = np.zeros(n, dtype=bool)
    new[children] = mother[children] >= 0
    _drop_implausible(mother, new, hh, birth, spacing=True)

    father = hh.father.copy()
    linked = np.flatnonzero(new)
    father[linked] = _adult_fathers(
        rng, linked, mother, hh, age, female, birth, unit, in_norway_from
    )
    _drop_implausible(father, new & (father >= 0), hh, birth, spacing=False)
    return replace(hh, mother=mother, father=father)


def _birth_year(days: IntArray | FloatArray) -> IntArray:
    """Calendar year − 1900 (close enough for matching cells; always positive)."""
    years: IntArray = np.floor(np.asarray(days, dtype=np.float64) / YEAR).astype(np.int64)
    return years + 70


def _cell_match(
    rng: np.random.Generator,
    want_key: IntArray,
    want_rank: IntArray,
    supply_key: IntArray,
    supply_rank: IntArray,
) -> IntArray:
    """For each want a distinct supply position with the same key (−1 when it runs out).

    Within a key, wants and supply are paired in the order of their ranks (0 ≤ rank < 2**24):
    the lowest-ranked want gets the lowest-ranked supply item, and so on; ties are broken at
    random. Key, rank and a random tie-breaker are packed into one int64 so that a single
    argsort orders them (much faster than a lexsort of three arrays).
    """
    result = np.full(want_key.size, -1, dtype=np.int64)
    if want_key.size == 0 or supply_key.size == 0:
        return result

    def packed(key: IntArray, rank: IntArray) -> IntArray:
        ties = rng.integers(0, 1 << _TIE_BITS, key.size, dtype=np.int64)
        return np.asarray((key << 32) | (rank << _TIE_BITS) | ties, dtype=np.int64)

    s_order = np.argsort(packed(supply_key, supply_rank))
    s_keys = supply_key[s_order]
    w_order = np.argsort(packed(want_key, want_rank))
    w_keys = want_key[w_order]
    starts = np.ones(w_keys.size, dtype=bool)
    starts[1:] = w_keys[1:] != w_keys[:-1]
    first = np.flatnonzero(starts)
    rank = np.arange(w_keys.size) - first[np.cumsum(starts) - 1]
    low = np.searchsorted(s_keys, w_keys, side="left")
    high = np.searchsorted(s_keys, w_keys, side="right")
    served = rank < high - low
    result[w_order[served]] = s_order[(low + rank)[served]]
    return result


def _cell_passes(
    rng: np.random.Generator,
    want_unit: IntArray,
    want_year: IntArray,
    want_rank: IntArray,
    supply_unit: IntArray,
    supply_year: IntArray,
    supply_rank: IntArray,
    valid: Callable[[IntArray, IntArray], BoolArray],
) -> IntArray:
    """Distinct supply per want: same unit and year first, then years further off, then the
    same in the whole chunk. ``valid(wants, supplies)`` rejects pairs; a rejected want tries
    again in the next pass and its supply item stays free.

    The wider passes let cohorts with children to spare borrow parents from neighbouring
    cohorts (a mother a couple of years younger or older than drawn), rather than leaving
    children without parents while women a few years younger have none."""
    result = np.full(want_unit.size, -1, dtype=np.int64)
    free = np.ones(supply_unit.size, dtype=bool)
    for same_unit in (True, False):
        for offset in _CELL_OFFSETS:
            wants = np.flatnonzero(result < 0)
            supply = np.flatnonzero(free)
            if wants.size == 0 or supply.size == 0:
                return result
            w_unit = want_unit[wants] if same_unit else 0
            s_unit = supply_unit[supply] if same_unit else 0
            got = _cell_match(
                rng,
                w_unit * _CELL_YEARS + want_year[wants] + offset,
                want_rank[wants],
                s_unit * _CELL_YEARS + supply_year[supply],
                supply_rank[supply],
            )
            wants, got = wants[got >= 0], supply[got[got >= 0]]
            ok = valid(wants, got)
            result[wants[ok]] = got[ok]
            free[got[ok]] = False
    return result


def _adult_mothers(
    rng: np.random.Generator,
    children: IntArray,
    hh: Households,
    unit: IntArray,
    age: IntArray,
    female: BoolArray,
    birth: IntArray,
    in_norway_from: IntArray,
) -> IntArray:
    """A mother per adult child (−1 for none), by completed fertility and mother's age."""
    n = age.size
    women = np.flatnonzero(
        female
        & (age >= _ADULT_CHILD_MIN_AGE + _MIN_PARENT_AGE)
        & (in_norway_from <= plus_years(birth, _MAX_ARRIVAL_AGE_OF_MOTHER))
    )
    at_home = np.bincount(hh.mother[hh.mother >= 0], minlength=n)[women]
    year = birth[women].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    recent = rng.random(women.size) < np.interp(year, _FERTILITY_YEARS, [0.0, 1.0])
    cumulative = np.where(
        recent[:, None], np.cumsum(_CHILDREN_P_FROM_1952), np.cumsum(_CHILDREN_P_BEFORE_1940)
    )
    born = (rng.random(women.size)[:, None] > cumulative).sum(axis=1)
    slots = np.maximum(_CHILDREN_PER_WOMAN[np.minimum(born, 5)] - at_home, 0)
    # One supply item per child a woman may still have; her slots are ranked 0, 1, 2, ...
    # so that, within a cell, the oldest children fill everyone's first slot, the next ones
    # the second slots, and so on: her children are spread over the cell's birth years.
    woman = np.repeat(women, slots)
    slot = np.arange(woman.size) - np.repeat(np.cumsum(slots) - slots, slots)

    year = birth[children].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
    mean = np.interp(year + 1970.0, _MOTHER_AGE_YEARS, _MOTHER_AGE_MEANS)
    mother_age = np.clip(
        rng.normal(mean, _MOTHER_AGE_SD), _MIN_PARENT_AGE + 0.5, _MAX_MOTHER_AGE - 0.5
    )

    def valid(wants: IntArray, supply: IntArray) -> BoolArray:
        mother, child = woman[supply], children[wants]
        at_birth = age_on(birth[mother], birth[child])
        ok = (at_birth >= _MIN_PARENT_AGE) & (at_birth <= _MAX_MOTHER_AGE)
        return np.asarray(ok & (in_norway_from[mother] <= birth[child]), dtype=bool)

    found = _cell_passes(
        rng,
        unit[children],
        _birth_year(birth[children] - mother_age * YEAR),
        birth[children] - birth[children].min(),  # oldest first: first-born to first slots
        unit[woman],
        _birth_year(birth[woman]),
        slot,
        valid,
    )
    mother = np.full(children.size, -1, dtype=np.int64)
    mother[found >= 0] = woman[found[found >= 0]]
    return mother


def _drop_implausible(
    parent: IntArray, new: BoolArray, hh: Households, birth: IntArray, *, spacing: bool
) -> None:
    """Undo new links (``new``, updated in place) that would make an implausible family.

    Partners and spouses must not share this parent, nor be each other's parent; with
    ``spacing``, the parent's children must be at least 300 days apart (no twins here).
    """

    def drop(people: IntArray) -> None:
        parent[people] = -1
        new[people] = False

    for mate in (hh.partner, hh.spouse):
        person = np.flatnonzero(mate >= 0)
        other = mate[person]
        drop(person[new[person] & (parent[person] == other)])
        same = (parent[person] >= 0) & (parent[person] == parent[other])
        # Of two new links the one of the higher index goes, so exactly one of them.
        drop(person[same & new[person] & (~new[other] | (person > other))])
    while spacing:
        child = np.flatnonzero(parent >= 0)
        order = child[np.lexsort((birth[child], parent[child]))]
        close = (parent[order[1:]] == parent[order[:-1]]) & (
            birth[order[1:]] - birth[order[:-1]] < _MIN_SIBLING_GAP_DAYS
        )
        later, earlier = order[1:][close], order[:-1][close]
        # Drop the later one if it is new, else the earlier one if that is (one per pair).
        victim = np.where(new[later], later, np.where(new[earlier], earlier, -1))
        victim = victim[victim >= 0]
        if victim.size == 0:
            break
        drop(victim)


def _adult_fathers(
    rng: np.random.Generator,
    children: IntArray,
    mother: IntArray,
    hh: Households,
    age: IntArray,
    female: BoolArray,
    birth: IntArray,
    unit: IntArray,
    in_norway_from: IntArray,
) -> IntArray:
    """A father per child (who has a mother), −1 for none; siblings share him."""
    mothers, family = np.unique(mother[children], return_inverse=True)
    candidate = np.full(mothers.size, -1, dtype=np.int64)
    partner = hh.partner[mothers]
    man_at_home = (partner >= 0) & ~female[np.maximum(partner, 0)]
    use = man_at_home & (rng.random(mothers.size) < _PARTNER_IS_FATHER)
    candidate[use] = partner[use]

    home_kids = np.flatnonzero(hh.at_home_child & (hh.mother >= 0) & (hh.father >= 0))
    home_father = np.full(female.size, -1, dtype=np.int64)
    home_father[hh.mother[home_kids]] = hh.father[home_kids]
    spouse = hh.spouse[mothers]
    husband = np.where((spouse >= 0) & ~female[np.maximum(spouse, 0)], spouse, -1)
    other = np.where(home_father[mothers] >= 0, home_father[mothers], husband)
    use = (candidate < 0) & (other >= 0) & (rng.random(mothers.size) < _HOME_FATHER_IS_FATHER)
    candidate[use] = other[use]
    father = candidate[family]
    father[~_father_ok(father, children, mother, hh, birth, in_norway_from)] = -1

    # The rest: a man of the chunk born a few years before the mother, one per mother (so her
    # children without a father yet share him); men who are fathers this way differ.
    need = np.unique(family[father < 0])
    men = np.flatnonzero(
        ~female
        & (age >= _ADULT_CHILD_MIN_AGE + _MIN_PARENT_AGE)
        & (rng.random(female.size) >= _CHILDLESS_MEN)
    )
    gap = np.clip(
        rng.normal(_FATHER_GAP_MEAN, _FATHER_GAP_SD, need.size),
        -_FATHER_YOUNGER_MAX,
        _FATHER_OLDER_MAX,
    )

    def valid(wants: IntArray, supply: IntArray) -> BoolArray:
        """He must fit every child of hers still without a father."""
        kids = np.flatnonzero(np.isin(family, need[wants]) & (father < 0))
        chosen = np.full(mothers.size, -1, dtype=np.int64)
        chosen[need[wants]] = men[supply]
        ok = _father_ok(chosen[family[kids]], children[kids], mother, hh, birth, in_norway_from)
        bad = np.zeros(mothers.size, dtype=bool)
        bad[family[kids[~ok]]] = True
        return np.asarray(~bad[need[wants]], dtype=bool)

    found = _cell_passes(
        rng,
        unit[mothers[need]],
        _birth_year(birth[mothers[need]] - gap * YEAR),
        np.zeros(need.size, dtype=np.int64),  # in random order
        unit[men],
        _birth_year(birth[men]),
        np.zeros(men.size, dtype=np.int64),
        valid,
    )
    man = np.full(mothers.size, -1, dtype=np.int64)
    man[need[found >= 0]] = men[found[found >= 0]]
    missing = father < 0
    father[missing] = man[family[missing]]
    father[(rng.random(mothers.size) < _FATHER_UNKNOWN)[family]] = -1
    return father


def _father_ok(
    father: IntArray,
    children: IntArray,
    mother: IntArray,
    hh: Households,
    birth: IntArray,
    in_norway_from: IntArray,
) -> BoolArray:
    """18–70 at the birth, in Norway then, near the mother's age, not the child's mate nor
    the mother's brother."""
    safe = np.maximum(father, 0)
    ok = _parent_ok(father, children, birth, _MAX_FATHER_AGE)
    ok &= in_norway_from[safe] <= birth[children]
    mother_birth = birth[mother[children]]
    ok &= birth[safe] >= mother_birth - _years(_FATHER_OLDER_MAX)
    ok &= birth[safe] <= mother_birth + _years(_FATHER_YOUNGER_MAX)
    ok &= (father != hh.partner[children]) & (father != hh.spouse[children])
    grandmother = mother[mother[children]]
    ok &= (grandmother < 0) | (mother[safe] != grandmother)
    return np.asarray(ok, dtype=bool)
