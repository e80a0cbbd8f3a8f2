"""Tax assessments (skatteoppgjør) for income year 2023, consistent with the jobs by construction.

2023 is the latest year settled on the reference date (1 January 2025). A person's 2023 pay
is the pay of the same employments, taken back a year by SSB's wage growth (5.3 %), for the
part of 2023 each employment lasted, at the position percentage it had then. The rest is
drawn plausibly and documented as estimates: bank deposits by age (log-normal), interest on
them at 3 % (the 2023 deposit rates), some with funds or shares; debt for home owners a
mortgage by age as a share of their home's value, students and the young a student loan;
interest paid 4.5 % of the debt; gross wealth the deposits, funds, and dwellings at their tax
value (a primary home at 25 % of its market value, others in full). Everyone aged 18 or more
at the end of 2023 is assessed; the amounts go through ``felles.registries.skatt.calculation``
so the stored results are the registry's own rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any, Final, cast

import numpy as np
from sqlalchemy import Table

from felles.registries.skatt.calculation import MAX_AMOUNT, assess
from felles.registries.skatt.model import Skatteoppgjoer
from felles.synth.economy.calibration import WAGE_GROWTH_2024
from felles.synth.economy.common import IntArray, ages, day_number, days, seconds
from felles.synth.economy.employment import Jobs
from felles.synth.economy.property import Property
from felles.synth.economy.residents import People

INCOME_YEAR: Final = 2023
_FIRST: Final = day_number(dt.date(INCOME_YEAR, 1, 1))
_LAST: Final = day_number(dt.date(INCOME_YEAR, 12, 31))
_DEPOSIT_AGES: Final = [18, 25, 35, 50, 65, 80]
_DEPOSIT_MEDIAN: Final = [20_000, 45_000, 90_000, 180_000, 400_000, 550_000]
_LOAN_TO_VALUE: Final = ([25, 35, 45, 55, 65, 75], [0.8, 0.7, 0.55, 0.4, 0.2, 0.05])
# Assessments were sent out in June 2024 for most, in October-November for the rest.
_SETTLEMENTS: Final = (dt.date(2024, 6, 4), dt.date(2024, 6, 18), dt.date(2024, 10, 22))
_SETTLEMENT_P: Final = np.array([0.55, 0.25, 0.2])


def wage_income(jobs: Jobs, persons: int) -> IntArray:
    """Each person's 2023 pay from their employments (see the module docstring)."""
    full_time = jobs.yearly * 100.0 / jobs.stillingsprosent / WAGE_GROWTH_2024
    year_days = _LAST - _FIRST + 1
    changed = jobs.changed >= 0
    switch = np.where(changed, jobs.changed, _FIRST)  # the current percentage applies from here
    before = np.clip(np.minimum(switch, _LAST + 1) - np.maximum(jobs.start, _FIRST), 0, None)
    after = np.clip(_LAST + 1 - np.maximum(np.maximum(jobs.start, switch), _FIRST), 0, None)
    pay = full_time * (before * jobs.earlier_prosent + after * jobs.stillingsprosent) / 100.0
    pay = pay / year_days
    return np.round(np.bincount(jobs.person, weights=pay, minlength=persons)).astype(np.int64)


def assessments(
    rng: np.random.Generator,
    people: People,
    jobs: Jobs,
    owned: Property,
    reference_day: int,
    take_ids: Any,
) -> list[tuple[Table, dict[str, Any]]]:
    """``skatt_skatteoppgjoer`` rows of the region's adults."""
    age = ages(people.birth, _LAST)
    who = np.flatnonzero(age >= 18)
    a = age[who]
    loenn = wage_income(jobs, people.size)[who]
    deposit = np.interp(a, _DEPOSIT_AGES, _DEPOSIT_MEDIAN) * rng.lognormal(0, 1.0, who.size)
    funds = np.where(rng.random(who.size) < 0.25, rng.lognormal(11.5, 1.3, who.size), 0.0)
    kapital = deposit * 0.03 + funds * 0.04
    home = owned.home_owner[who]
    value = owned.owned_value[who]
    ltv = np.interp(a, *_LOAN_TO_VALUE) * rng.lognormal(0, 0.35, who.size)
    mortgage = np.where(value > 0, value * np.minimum(ltv, 0.85), 0.0)
    student = (a < 36) & (rng.random(who.size) < 0.55)
    loan = np.where(student, rng.uniform(50_000, 450_000, who.size), 0.0)
    gjeld = mortgage + loan
    formue = deposit + funds + value * np.where(home, 0.25, 1.0)

    def whole(values: Any) -> IntArray:
        return np.clip(np.round(values), 0, MAX_AMOUNT).astype(np.int64)

    inputs = {
        "loennsinntekt": whole(loenn),
        "kapitalinntekt": whole(kapital),
        "renteutgifter": whole(gjeld * 0.045),
        "bruttoformue": whole(formue),
        "gjeld": whole(gjeld),
    }
    result = assess(INCOME_YEAR, **inputs)
    settled = np.array([day_number(d) for d in _SETTLEMENTS])
    picks = np.searchsorted(np.cumsum(_SETTLEMENT_P), rng.random(who.size), side="right")
    day = np.minimum(settled[np.minimum(picks, settled.size - 1)], reference_day - 1)
    table = cast(Table, Skatteoppgjoer.__table__)
    data: dict[str, Any] = {
        "id": take_ids(table.name, who.size),
        "personidentifikator": people.ident_text(who),
        "inntektsaar": INCOME_YEAR,
        "versjon": 1,
        **inputs,
        **{f.name: getattr(result, f.name) for f in fields(result)},
        "skatteoppgjoersdato": days(day),
        "registrert": seconds(day, rng),
    }
    return [(table, data)]
