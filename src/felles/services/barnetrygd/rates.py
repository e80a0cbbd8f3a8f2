"""Barnetrygd granted at birth: the months and amounts, computed by the rules (felles.rules).

:func:`grants` takes a batch of newborns and returns, for each, the months from the month
after birth to the month before the 18th birthday with ``barnetrygd_per_barn`` for each month
(ordinær barnetrygd and, from 2025-10, the Finnmark/Nord-Troms or Svalbard supplement), for a
child living with its mother, both resident in Norway with lawful residence.

**One simulation a batch, a few months each.** ``barnetrygd_per_barn`` depends on the month
only through

- the dated parameters it reads (:data:`USED_PARAMETERS`): a value can change only on one of
  their dates;
- the dates on which one of its variables starts a new formula (2024-09-01: one rate for all
  ages; 2025-10-01: the supplements);
- the child's age in calendar months, which the formulas only compare with an age limit in
  years (the parameters with unit ``year`` among :data:`USED_PARAMETERS`: 6 and 18), so it
  can change only in the month of such a birthday; and
- the start (age month 1).

So the amount is constant between those *change points*, and each child needs the rules
evaluated only there, not in its 216 months. The batch is one vectorised OpenFisca
simulation (a familie of mother and child per newborn, built from arrays as
``felles.rules.population`` does); ``barnetrygd_per_barn`` is calculated once for each month
that is a change point of any child in the batch. The property test
(tests/services/barnetrygd/test_rates.py) checks that this equals evaluating every month.

Months before the first date the rules are modelled from (:data:`FIRST_MODELLED`, 2023-07)
have no rates: a grant for a child born before 2023-06 starts its periods there (the
explanation says so). Months after ``decided_on`` use the rules as they stand: OpenFisca
carries the last value of each parameter forward.

**The explanation.** Each grant's explanation is the rule system's explanation
(``felles.rules.explain``) of the amount in the first month, for a representative situation:
a mother and a child born on the first day of the child's birth month, in a representative
municipality of the child's class (Finnmark/Nord-Troms, Svalbard, elsewhere, unknown). The
amount depends on nothing else in the first month, so one explanation per (start month,
class) is computed once per process and shared by all grants with that key (the dict is
shared: treat it as read-only). Each later change of amount has a short entry: the month, the
amount, and what changed (a parameter's value, a new formula, or an age limit), with its legal
references.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from openfisca_core.parameters import Parameter
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from felles.rules.entities import Familie
from felles.rules.explain import explain, references_of
from felles.rules.system import tax_benefit_system

VARIABLE: Final = "barnetrygd_per_barn"
"""The variable granted: barnetrygd for one child in one month."""

USED_PARAMETERS: Final = (
    "barnetrygdloven.aldersgrense",
    "barnetrygdloven.ordinaer",
    "barnetrygdloven.finnmarkstillegg",
    "barnetrygdloven.svalbardtillegg",
)
"""The parameters (or parameter nodes) :data:`VARIABLE`'s formulas read."""

USED_VARIABLES: Final = (
    "barnetrygd_per_barn",
    "barnetrygd_ordinaer_per_barn",
    "barnetrygd_finnmarkstillegg_per_barn",
    "barnetrygd_svalbardtillegg_per_barn",
    "barnetrygd_bor_i_finnmark_eller_nord_troms",
    "barnetrygd_bor_paa_svalbard",
    "barnetrygd_rett_per_barn",
    "barnetrygd_barnets_vilkaar_oppfylt",
    "barnetrygd_mottakers_vilkaar_oppfylt",
)
"""The variables under :data:`VARIABLE` whose formulas may change on a date."""

#: Municipality classes: the supplement a child there can get (from 2025-10).
FINNMARK: Final = "finnmark_nord_troms"
SVALBARD: Final = "svalbard"
ANNEN: Final = "annen"
UKJENT: Final = "ukjent"

#: The municipality each class is explained with (see the module docstring).
REPRESENTATIVE_KOMMUNE: Final = {FINNMARK: "5601", SVALBARD: "2111", ANNEN: "0301", UKJENT: ""}

#: A word in the name of the parameters and variables of each class's supplement.
_CLASS_WORDS: Final = {FINNMARK: "finnmark", SVALBARD: "svalbard"}


@dataclass(frozen=True, slots=True)
class ChildAtBirth:
    """A newborn: its identity number (only as a key), birth date and municipality."""

    child: str
    foedselsdato: date
    kommunenummer: str | None  # None when unknown or protected


@dataclass(frozen=True, slots=True)
class Periode:
    """Months ``fom``..``tom`` (first day, last day) with the same amount per month."""

    fom: date
    tom: date
    beloep: int


@dataclass(frozen=True, slots=True)
class Grant:
    """Barnetrygd for one child: its periods and why."""

    periods: tuple[Periode, ...]
    period_from: date
    period_to: date
    explanation: dict[str, Any]


# --- Months as integers (months since year 0: 2025-05 → 2025 * 12 + 4) -------------------------


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_day(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def _last_day(month: int) -> date:
    return _first_day(month + 1) - timedelta(days=1)


@functools.lru_cache(maxsize=4096)
def _key(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


# --- What the variable depends on, read from the rules once ------------------------------------


@dataclass(frozen=True, slots=True)
class _Leaf:
    name: str
    values: tuple[tuple[int, Any], ...]  # (month from, value), oldest first; None: no value
    references: tuple[dict[str, Any], ...]
    unit: str | None

    def at(self, month: int) -> Any:
        found = None
        for start, value in self.values:
            if start > month:
                break
            found = value
        return found


@dataclass(frozen=True, slots=True)
class _Rules:
    leaves: tuple[_Leaf, ...]
    dates: tuple[int, ...]  # months where a used parameter or formula changes, sorted
    first: int  # the first month with rates
    ages: tuple[int, ...]  # age limits in months (12 × each year-valued parameter's values)
    formulas: tuple[tuple[int, str, tuple[dict[str, Any], ...]], ...]  # (month, variable, refs)
    finnmark_fylker: frozenset[str]
    finnmark_kommuner: frozenset[str]
    svalbard_kommuner: frozenset[str]


def _leaves(system: TaxBenefitSystem, name: str) -> Iterable[Parameter]:
    node: Any = system.parameters
    for part in name.split("."):
        node = node.children[part]
    if isinstance(node, Parameter):
        yield node
    else:
        yield from (p for p in node.get_descendants() if isinstance(p, Parameter))


def _refs(raw: Any) -> tuple[dict[str, Any], ...]:
    return tuple(r.to_dict() for r in dict.fromkeys(references_of(raw)))


@functools.cache
def _rules() -> _Rules:
    system = tax_benefit_system()
    leaves = []
    for name in USED_PARAMETERS:
        for parameter in _leaves(system, name):
            values = tuple(
                (_month(date.fromisoformat(v.instant_str)), v.value)
                for v in reversed(parameter.values_list)
            )
            metadata = parameter.metadata or {}
            leaves.append(
                _Leaf(
                    parameter.name,
                    values,
                    _refs(metadata.get("reference")),
                    metadata.get("unit"),
                )
            )
    formulas = []
    for name in USED_VARIABLES:
        variable = system.variables[name]
        for start in variable.formulas:
            if start != "0001-01-01":
                formulas.append(
                    (_month(date.fromisoformat(start)), name, _refs(variable.reference))
                )
    dates = {m for leaf in leaves for m, _ in leaf.values} | {m for m, _, _ in formulas}
    ages = {
        int(value) * 12
        for leaf in leaves
        if leaf.unit == "year"
        for _, value in leaf.values
        if value is not None
    }

    def union(name: str) -> frozenset[str]:
        (leaf,) = (leaf for leaf in leaves if leaf.name == name)
        return frozenset(str(code) for _, codes in leaf.values for code in codes or ())

    return _Rules(
        leaves=tuple(leaves),
        dates=tuple(sorted(dates)),
        first=min(m for leaf in leaves for m, _ in leaf.values),
        ages=tuple(sorted(ages)),
        formulas=tuple(sorted(formulas)),
        finnmark_fylker=union("barnetrygdloven.finnmarkstillegg.fylkesnummer"),
        finnmark_kommuner=union("barnetrygdloven.finnmarkstillegg.kommuner"),
        svalbard_kommuner=union("barnetrygdloven.svalbardtillegg.kommuner"),
    )


def first_modelled() -> date:
    """The first month the rules have barnetrygd rates for (2023-07-01)."""
    return _first_day(_rules().first)


def supplement_from(klass: str) -> date | None:
    """The first day a supplement is paid in municipality class ``klass`` (None: none)."""
    word = _CLASS_WORDS.get(klass)
    if word is None:
        return None
    months = [
        m
        for leaf in _rules().leaves
        if word in leaf.name and leaf.name.endswith(".sats")
        for m, value in leaf.values
        if value
    ]
    return _first_day(min(months)) if months else None


def _four_digits(kommunenummer: str | None) -> str:
    """``kommunenummer`` when it is four ASCII digits, otherwise "" (unknown)."""
    code = kommunenummer or ""
    return code if len(code) == 4 and code.isascii() and code.isdigit() else ""


def kommune_class(kommunenummer: str | None) -> str:
    """The municipality's class: which supplement a child living there can get."""
    rules = _rules()
    kommunenummer = _four_digits(kommunenummer)
    if not kommunenummer:
        return UKJENT
    if kommunenummer in rules.svalbard_kommuner:
        return SVALBARD
    if kommunenummer[:2] in rules.finnmark_fylker or kommunenummer in rules.finnmark_kommuner:
        return FINNMARK
    return ANNEN


# --- The computation ---------------------------------------------------------------------------


def change_points(birth_month: int) -> list[int]:
    """The months where the amount for a child born in ``birth_month`` can change: its first
    month (or the first modelled month), each date of a used parameter or formula inside its
    period, and each month in which it reaches an age limit; sorted, from the start to the end.
    """
    rules = _rules()
    start = max(birth_month + 1, rules.first)
    end = birth_month + 18 * 12 - 1  # the last month; the rules give 0 from the next
    points = {start}
    points.update(m for m in rules.dates if start < m <= end)
    points.update(birth_month + a for a in rules.ages if start < birth_month + a <= end)
    return sorted(points)


def _simulation(children: Sequence[ChildAtBirth], months: Iterable[int]) -> Any:
    """One simulation: a familie (mother, child) per newborn, inputs set for ``months``."""
    system = tax_benefit_system()
    n = len(children)
    builder = SimulationBuilder()
    builder.create_entities(system)
    persons = builder.populations["person"]
    persons.ids = np.arange(2 * n)  # 0..n-1 mothers, n..2n-1 children
    persons.count = 2 * n
    familier = builder.populations["familie"]
    familier.ids = np.arange(n)
    familier.count = n
    familier.members_entity_id = np.concatenate([np.arange(n), np.arange(n)])
    roles = Familie.flattened_roles
    members_role = np.empty(2 * n, dtype=object)
    members_role[:n] = roles[0]  # forelder
    members_role[n:] = roles[1]  # barn
    familier.members_role = members_role
    simulation = builder.build(system)

    born = np.array([c.foedselsdato for c in children], dtype="datetime64[D]")
    mothers_born = born - np.timedelta64(30 * 365, "D")  # not read by the rules; kept plausible
    simulation.set_input("foedselsdato", "ETERNITY", np.concatenate([mothers_born, born]))
    everyone = np.ones(2 * n, dtype=bool)
    with_mother = np.concatenate([np.zeros(n, dtype=bool), np.ones(n, dtype=bool)])
    kommune = system.variables["kommunenummer"].default_array(2 * n)
    # Only a four-digit code reaches the rules: a longer one would be cut to four characters.
    kommune[n:] = [_four_digits(c.kommunenummer).encode() for c in children]
    for month in months:
        key = _key(month)
        simulation.set_input("bosatt_i_norge", key, everyone)
        simulation.set_input("lovlig_opphold", key, everyone)
        simulation.set_input("bor_med_forelder", key, with_mother)
        simulation.set_input("kommunenummer", key, kommune)
    return simulation


def amounts_at(children: Sequence[ChildAtBirth], months: Sequence[int]) -> npt.NDArray[np.int64]:
    """``barnetrygd_per_barn`` of each child (rows) in each month (columns), one simulation."""
    result = np.zeros((len(children), len(months)), dtype=np.int64)
    if not children:
        return result
    simulation = _simulation(children, months)
    n = len(children)
    for column, month in enumerate(months):
        result[:, column] = simulation.calculate(VARIABLE, _key(month))[n:]
    return result


def grants(children: Sequence[ChildAtBirth], *, decided_on: date) -> list[Grant]:
    """Barnetrygd for each newborn in ``children`` (in order), as the module docstring says."""
    if not children:
        return []
    rules = _rules()
    birth_months = [_month(c.foedselsdato) for c in children]
    points = {m: change_points(m) for m in set(birth_months)}
    months = sorted({p for ps in points.values() for p in ps})
    column = {m: i for i, m in enumerate(months)}
    values = amounts_at(children, months)

    result = []
    for row, (child, birth) in enumerate(zip(children, birth_months, strict=True)):
        own = points[birth]
        end = birth + 18 * 12 - 1
        klass = kommune_class(child.kommunenummer)
        periods: list[Periode] = []
        changes: list[dict[str, Any]] = []
        starts: list[tuple[int, int]] = []  # (first month, amount) of each merged period
        for point in own:
            amount = int(values[row, column[point]])
            if not starts or starts[-1][1] != amount:
                starts.append((point, amount))
                if len(starts) > 1:
                    changes.append(_change(point, amount, birth, klass, rules))
        for index, (first, amount) in enumerate(starts):
            last = starts[index + 1][0] - 1 if index + 1 < len(starts) else end
            periods.append(Periode(_first_day(first), _last_day(last), amount))
        start = own[0]
        explanation: dict[str, Any] = {
            "variable": VARIABLE,
            "decided_on": decided_on.isoformat(),
            "first_month": _key(start),
            "amount_first_month": periods[0].beloep,
            "kommune_class": klass,
            "first_month_explanation": _first_month_explanation(start, start - birth, klass),
            "changes": changes,
            "note": (
                "Later months use the rules as they stand on the decision date; a change of "
                "the rates after it gives a new decision."
            ),
        }
        if start > birth + 1:
            explanation["modelled_from"] = _key(rules.first)
        result.append(
            Grant(
                periods=tuple(periods),
                period_from=_first_day(birth + 1),
                period_to=_last_day(end),
                explanation=explanation,
            )
        )
    return result


def _relevant(name: str, klass: str) -> bool:
    """Whether a parameter or variable can matter in municipality class ``klass``: the
    Finnmark and Svalbard supplements only there."""
    return all(klass == k or word not in name for k, word in _CLASS_WORDS.items())


def _change(month: int, amount: int, birth: int, klass: str, rules: _Rules) -> dict[str, Any]:
    """What changed in ``month`` for a child born in ``birth`` of municipality ``klass``."""
    because: list[dict[str, Any]] = []
    for leaf in rules.leaves:
        if not _relevant(leaf.name, klass):
            continue
        before, now = leaf.at(month - 1), leaf.at(month)
        # Lists (the supplements' municipalities) say where a rate applies, not the amount.
        if before != now and not isinstance(before, list) and not isinstance(now, list):
            because.append(
                {
                    "kind": "parameter",
                    "parameter": leaf.name,
                    "from": before,
                    "to": now,
                    "references": list(leaf.references),
                }
            )
        if leaf.unit == "year" and before is not None and birth + int(before) * 12 == month:
            because.append(
                {
                    "kind": "age",
                    "parameter": leaf.name,
                    "years": int(before),
                    "references": list(leaf.references),
                }
            )
    for start, variable, references in rules.formulas:
        if start == month and _relevant(variable, klass):
            because.append(
                {"kind": "formula", "variable": variable, "references": list(references)}
            )
    return {"month": _key(month), "amount": amount, "because": because}


@functools.lru_cache(maxsize=512)
def _first_month_explanation(month: int, age_months: int, klass: str) -> dict[str, Any]:
    """The rules' explanation of the first month for the representative situation."""
    key = _key(month)
    birth = _first_day(month - age_months)
    barn: dict[str, Any] = {
        "foedselsdato": {"ETERNITY": birth.isoformat()},
        "bosatt_i_norge": {key: True},
        "lovlig_opphold": {key: True},
        "bor_med_forelder": {key: True},
        VARIABLE: {key: None},
    }
    if REPRESENTATIVE_KOMMUNE[klass]:
        barn["kommunenummer"] = {key: REPRESENTATIVE_KOMMUNE[klass]}
    situation = {
        "personer": {
            "mor": {"bosatt_i_norge": {key: True}, "lovlig_opphold": {key: True}},
            "barn": barn,
        },
        "familier": {"familie": {"foreldre": ["mor"], "barn": ["barn"]}},
    }
    _, explanation = explain(tax_benefit_system(), situation)
    return {
        "representative": {
            "foedselsdato": birth.isoformat(),
            "kommunenummer": REPRESENTATIVE_KOMMUNE[klass] or None,
            "note": (
                "Explained for a child born on the first day of the same month, living with "
                "its mother in a municipality of the same class; the amount depends on "
                "nothing else in this month."
            ),
        },
        **explanation.to_dict(),
    }


__all__ = [
    "ANNEN",
    "FINNMARK",
    "SVALBARD",
    "UKJENT",
    "ChildAtBirth",
    "Grant",
    "Periode",
    "amounts_at",
    "change_points",
    "first_modelled",
    "grants",
    "kommune_class",
    "supplement_from",
]
