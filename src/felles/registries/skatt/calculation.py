"""The tax of a person's income year, for millions of people at once (numpy) or one (Python).

``assess`` takes one array per input (whole NOK, int64, equal length) and gives an
``Assessment`` of int64 arrays; the registry's operations and the synthetic economy both use
it. ``assess_one`` is the same rules written plainly for one person with Python integers: it
is the readable statement of the rules, and the tests hold the two to the same answers.

What is modelled (a resident single person, skatteklasse 1, the whole year in Norway):

* pensjonsgivende inntekt = personinntekt = lønnsinntekt (pay; folketrygdloven § 3-15,
  skatteloven § 12-2);
* bruttoinntekt = lønnsinntekt + kapitalinntekt;
* minstefradrag = rate × lønn, at most the year's maximum, at least the year's minimum
  (2022: 31 800) but never more than the pay;
* alminnelig inntekt = lønn + kapitalinntekt − minstefradrag − renteutgifter (may be negative;
  stored signed);
* skatt på alminnelig inntekt = 22 % of (alminnelig inntekt − personfradrag), not below 0;
* trinnskatt = each step's rate on the personinntekt between its threshold and the next;
* trygdeavgift = the pay rate on personinntekt, nothing up to the lower limit, and at most the
  opptrapping rate (25 %) of the personinntekt above it;
* nettoformue = bruttoformue − gjeld (stored signed); formuesskatt = the rate on nettoformue
  above the bunnfradrag and the higher rate above the threshold (kommune and stat together);
* utlignet skatt = the sum of the four.

Each amount is rounded to whole NOK, half up, on its own; the arithmetic is exact integers
(rates in parts per ten thousand), so every machine gives the same kroner.

Not modelled: pension, business or foreign income; Finnmark and Nord-Troms; spouses and
skatteklasse 2; foreldrefradrag, BSU, særfradrag, reisefradrag, fagforeningskontingent and
other deductions; skattebegrensning; verdsettingsrabatt (bruttoformue is taken as the tax
value); kreditfradrag; part-year residence.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from itertools import pairwise
from typing import Final

import numpy as np
import numpy.typing as npt

from felles.registries.skatt.parameters import PERMYRIAD, Permyriad, TaxYear, for_year

Amounts = npt.NDArray[np.int64]

#: The largest amount an input may have, in whole NOK: rate × amount stays far inside int64.
MAX_AMOUNT: Final = 10**13
_HALF: Final = PERMYRIAD // 2


@dataclass(frozen=True, slots=True)
class Assessment:
    """The results of ``assess``: one int64 array per quantity, whole NOK."""

    pensjonsgivende_inntekt: Amounts
    bruttoinntekt: Amounts
    alminnelig_inntekt: Amounts
    nettoformue: Amounts
    trygdeavgift: Amounts
    trinnskatt: Amounts
    skatt_alminnelig_inntekt: Amounts
    formuesskatt: Amounts
    utlignet_skatt: Amounts

    def __len__(self) -> int:
        return len(self.utlignet_skatt)

    def row(self, index: int) -> dict[str, int]:
        """One person's results as Python integers, by field name."""
        return {f.name: int(getattr(self, f.name)[index]) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class PersonAssessment:
    """The results of ``assess_one``: the same quantities for one person."""

    pensjonsgivende_inntekt: int
    bruttoinntekt: int
    alminnelig_inntekt: int
    nettoformue: int
    trygdeavgift: int
    trinnskatt: int
    skatt_alminnelig_inntekt: int
    formuesskatt: int
    utlignet_skatt: int


# ------------------------------------------------------------------------------------------
# Vectorised (numpy)
# ------------------------------------------------------------------------------------------


def _share(base: Amounts, rate: Permyriad) -> Amounts:
    """``rate`` of a base ≥ 0, rounded half up to whole NOK (exact integer arithmetic)."""
    return (base * rate + _HALF) // PERMYRIAD


def _input(name: str, values: npt.ArrayLike) -> Amounts:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional array")
    if array.dtype != np.int64:
        if not np.issubdtype(array.dtype, np.integer):
            raise TypeError(f"{name} must hold whole NOK (an integer array)")
        array = array.astype(np.int64)
    if array.size and (array.min() < 0 or array.max() > MAX_AMOUNT):
        raise ValueError(f"{name} must lie between 0 and {MAX_AMOUNT} NOK")
    return array


def _minstefradrag(loenn: Amounts, year: TaxYear) -> Amounts:
    fradrag = np.minimum(_share(loenn, year.minstefradrag_rate), year.minstefradrag_max)
    fradrag = np.maximum(fradrag, year.minstefradrag_min)
    return np.minimum(fradrag, loenn)


def _trinnskatt(personinntekt: Amounts, year: TaxYear) -> Amounts:
    """The full steps below a person's income are constants (each rounded as ``assess_one``
    rounds it), so one lookup of the person's top step and one multiplication do: a pass per
    step over millions of people would cost five times as much."""
    steps = year.trinnskatt
    thresholds = np.array([b.threshold for b in steps], dtype=np.int64)
    rates = np.array([b.rate for b in steps], dtype=np.int64)
    full_steps = [
        _share_of(upper.threshold - lower.threshold, lower.rate) for lower, upper in pairwise(steps)
    ]
    below = np.concatenate(([0], np.cumsum(full_steps, dtype=np.int64)))
    # The step the income reaches into: the last threshold strictly below it (-1: none).
    step = np.searchsorted(thresholds, personinntekt, side="left") - 1
    inside = step >= 0
    at = np.where(inside, step, 0)
    partial = (np.maximum(personinntekt - thresholds[at], 0) * rates[at] + _HALF) // PERMYRIAD
    return np.where(inside, below[at] + partial, 0)


def _trygdeavgift(personinntekt: Amounts, year: TaxYear) -> Amounts:
    full = _share(personinntekt, year.trygdeavgift_loenn_rate)
    above_limit = np.maximum(personinntekt - year.trygdeavgift_nedre_grense, 0)
    capped = _share(above_limit, year.trygdeavgift_opptrapping_rate)
    return np.where(personinntekt > year.trygdeavgift_nedre_grense, np.minimum(full, capped), 0)


def _formuesskatt(nettoformue: Amounts, year: TaxYear) -> Amounts:
    low_band = year.formuesskatt_high_threshold - year.formuesskatt_bunnfradrag
    low = np.clip(nettoformue - year.formuesskatt_bunnfradrag, 0, low_band)
    high = np.maximum(nettoformue - year.formuesskatt_high_threshold, 0)
    return _share(low, year.formuesskatt_rate) + _share(high, year.formuesskatt_high_rate)


def assess(
    income_year: int,
    *,
    loennsinntekt: npt.ArrayLike,
    kapitalinntekt: npt.ArrayLike,
    renteutgifter: npt.ArrayLike,
    bruttoformue: npt.ArrayLike,
    gjeld: npt.ArrayLike,
) -> Assessment:
    """The assessment of every person: position ``i`` of each input is person ``i``.

    Inputs are whole NOK between 0 and ``MAX_AMOUNT`` (``ValueError`` otherwise), arrays of
    equal length; ``KeyError`` for an income year felles has no parameters for.
    """
    year = for_year(income_year)
    loenn = _input("loennsinntekt", loennsinntekt)
    kapital = _input("kapitalinntekt", kapitalinntekt)
    renter = _input("renteutgifter", renteutgifter)
    brutto = _input("bruttoformue", bruttoformue)
    skyld = _input("gjeld", gjeld)
    if len({len(a) for a in (loenn, kapital, renter, brutto, skyld)}) != 1:
        raise ValueError("the inputs must have equal lengths")

    alminnelig = loenn + kapital - _minstefradrag(loenn, year) - renter
    grunnlag = np.maximum(alminnelig - year.personfradrag, 0)
    skatt_alminnelig = _share(grunnlag, year.alminnelig_inntekt_rate)
    trinnskatt = _trinnskatt(loenn, year)
    trygdeavgift = _trygdeavgift(loenn, year)
    nettoformue = brutto - skyld
    formuesskatt = _formuesskatt(nettoformue, year)
    return Assessment(
        pensjonsgivende_inntekt=loenn.copy(),
        bruttoinntekt=loenn + kapital,
        alminnelig_inntekt=alminnelig,
        nettoformue=nettoformue,
        trygdeavgift=trygdeavgift,
        trinnskatt=trinnskatt,
        skatt_alminnelig_inntekt=skatt_alminnelig,
        formuesskatt=formuesskatt,
        utlignet_skatt=trygdeavgift + trinnskatt + skatt_alminnelig + formuesskatt,
    )


# ------------------------------------------------------------------------------------------
# One person (plain Python): the rules as one would write them on paper
# ------------------------------------------------------------------------------------------


def _share_of(base: int, rate: Permyriad) -> int:
    return (base * rate + _HALF) // PERMYRIAD


def assess_one(
    income_year: int,
    *,
    loennsinntekt: int,
    kapitalinntekt: int = 0,
    renteutgifter: int = 0,
    bruttoformue: int = 0,
    gjeld: int = 0,
) -> PersonAssessment:
    """One person's assessment, with the same rules and rounding as ``assess``."""
    year = for_year(income_year)
    for name, value in (
        ("loennsinntekt", loennsinntekt),
        ("kapitalinntekt", kapitalinntekt),
        ("renteutgifter", renteutgifter),
        ("bruttoformue", bruttoformue),
        ("gjeld", gjeld),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be a whole number of NOK")
        if not 0 <= value <= MAX_AMOUNT:
            raise ValueError(f"{name} must lie between 0 and {MAX_AMOUNT} NOK")

    minstefradrag = min(_share_of(loennsinntekt, year.minstefradrag_rate), year.minstefradrag_max)
    minstefradrag = min(max(minstefradrag, year.minstefradrag_min), loennsinntekt)
    alminnelig = loennsinntekt + kapitalinntekt - minstefradrag - renteutgifter
    skatt_alminnelig = _share_of(
        max(alminnelig - year.personfradrag, 0), year.alminnelig_inntekt_rate
    )

    trinnskatt = 0
    steps = year.trinnskatt
    for number, bracket in enumerate(steps):
        top = steps[number + 1].threshold if number + 1 < len(steps) else None
        taxed = loennsinntekt if top is None else min(loennsinntekt, top)
        if taxed > bracket.threshold:
            trinnskatt += _share_of(taxed - bracket.threshold, bracket.rate)

    trygdeavgift = 0
    if loennsinntekt > year.trygdeavgift_nedre_grense:
        trygdeavgift = min(
            _share_of(loennsinntekt, year.trygdeavgift_loenn_rate),
            _share_of(
                loennsinntekt - year.trygdeavgift_nedre_grense, year.trygdeavgift_opptrapping_rate
            ),
        )

    nettoformue = bruttoformue - gjeld
    formuesskatt = 0
    if nettoformue > year.formuesskatt_bunnfradrag:
        low = min(nettoformue, year.formuesskatt_high_threshold) - year.formuesskatt_bunnfradrag
        formuesskatt = _share_of(low, year.formuesskatt_rate)
    if nettoformue > year.formuesskatt_high_threshold:
        high = nettoformue - year.formuesskatt_high_threshold
        formuesskatt += _share_of(high, year.formuesskatt_high_rate)

    return PersonAssessment(
        pensjonsgivende_inntekt=loennsinntekt,
        bruttoinntekt=loennsinntekt + kapitalinntekt,
        alminnelig_inntekt=alminnelig,
        nettoformue=nettoformue,
        trygdeavgift=trygdeavgift,
        trinnskatt=trinnskatt,
        skatt_alminnelig_inntekt=skatt_alminnelig,
        formuesskatt=formuesskatt,
        utlignet_skatt=trygdeavgift + trinnskatt + skatt_alminnelig + formuesskatt,
    )
