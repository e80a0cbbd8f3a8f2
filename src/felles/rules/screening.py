"""Population screening for proactive services: who is eligible for a benefit but has no case.

``screen`` reads everyone alive in a month from Folkeregisteret in bulk
(``felles.rules.population``), runs the benefit for the whole population in one vectorised
OpenFisca pass, and lists each familie that gets a positive amount and is not covered by a case
yet: the receiving parent, the children who give the right, and the monthly amount. That list
is what a proactive service (NAV writing to new parents, say) acts on. ``felles rules screen``
is the command line of it.

Four phases, each timed: **load** (the registry read), **build** (familier, inputs and the
simulation), **compute** (OpenFisca), **report** (recipients, children, cases, the list).

**Cases.** felles has no case register yet (a later issue builds it). ``existing_cases`` is the
interface it will fill: the frg_person ids a case for the benefit covers in the month (its
recipient and its children). Until then it returns the empty set, so every eligible familie
is listed. ``screen(cases=...)`` takes another lookup, for tests or a register of one's own.

**The receiving parent** is the familie's first forelder (the parent the children live with,
mother first: see ``population``), or the second one when the first does not meet the
recipient's conditions (resident with lawful residence) and the second does.

What the list is *not*: a decision. The inputs felles cannot know are at the rules' defaults
(see ``population``): kontantstøtte candidates include children with a full-time kindergarten
place, utvidet barnetrygd and småbarnstillegg are not screened, and the registries' current
state stands for the month. Identity numbers go to the output file the user asks for and
never to logs.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.simulations import Simulation
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from felles.kernel.db import Database
from felles.rules.population import Month, Population, build_simulation, load_columns, prepare
from felles.rules.system import tax_benefit_system

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Benefit:
    """A benefit paid to a familie for its children, as the screening reads it."""

    key: str
    label: str
    familie_variable: str  # the familie's monthly amount
    per_child_variable: str  # each child's part of it (positive = the child gives the right)


BENEFITS: Final = {
    "barnetrygd": Benefit("barnetrygd", "Barnetrygd", "barnetrygd", "barnetrygd_per_barn"),
    "kontantstoette": Benefit(
        "kontantstoette", "Kontantstøtte", "kontantstoette", "kontantstoette_per_barn"
    ),
}
OUTPUT_SUFFIXES: Final = (".csv", ".jsonl")
PHASES: Final = ("load", "build", "compute", "report")

CaseLookup = Callable[[str, str], Collection[int]]


def existing_cases(benefit: str, period: str) -> frozenset[int]:
    """frg_person ids covered by a case for ``benefit`` in ``period`` (``YYYY-MM``): each case's
    recipient and children.

    felles has no case register yet, so nobody has a case: always the empty set. The case
    register of a later issue answers here.
    """
    return frozenset()


# ------------------------------------------------------------------------------------------
# Checking a request before any data is read
# ------------------------------------------------------------------------------------------


def parse_benefits(keys: Sequence[str]) -> list[Benefit]:
    """The benefits named, in order, without repeats; ValueError naming an unknown one."""
    chosen: list[Benefit] = []
    for key in keys:
        if key not in BENEFITS:
            known = ", ".join(BENEFITS)
            raise ValueError(f"unknown benefit {key!r}: screening knows {known}")
        if BENEFITS[key] not in chosen:
            chosen.append(BENEFITS[key])
    if not chosen:
        raise ValueError("name at least one benefit")
    return chosen


def check_period(system: TaxBenefitSystem, benefits: Sequence[Benefit], month: Month) -> None:
    """ValueError when the rules have no parameters for ``month`` (before the law is modelled).

    One small familie is computed for the month, which reads every parameter the benefit's
    formulas read, in well under a second: better than finding out after the load.
    """
    born = month.years_before_start(1) - np.timedelta64(31, "D")
    situation = {
        "personer": {
            "forelder": {"foedselsdato": {"ETERNITY": "1990-01-01"}},
            "barn": {"foedselsdato": {"ETERNITY": str(born)}},
        },
        "familier": {"familie": {"foreldre": ["forelder"], "barn": ["barn"]}},
    }
    simulation = SimulationBuilder().build_from_entities(system, situation)
    for benefit in benefits:
        try:
            simulation.calculate(benefit.familie_variable, month.key)
        except ParameterNotFoundError as error:
            raise ValueError(
                f"the rules for {benefit.key} do not cover {month.key}: the parameter "
                f"{error.name} has no value on {error.instant_str}"
            ) from error


# ------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """The familier eligible for one benefit with no case, one row each, in familie order.

    Children of row ``i`` are ``child_id[child_start[i]:child_start[i + 1]]``. Identity
    numbers are integers: write them with 11 digits (``format_ident``).
    """

    benefit: Benefit
    period: str
    receiver_id: IntArray
    receiver_ident: IntArray
    amount: IntArray
    child_start: IntArray
    child_id: IntArray
    child_ident: IntArray

    def __len__(self) -> int:
        return len(self.receiver_id)

    def children(self, row: int) -> IntArray:
        """frg_person ids of the children of row ``row``."""
        return self.child_id[self.child_start[row] : self.child_start[row + 1]]


@dataclass(frozen=True, slots=True)
class BenefitSummary:
    """Counts for one benefit over the whole population, and the list without cases."""

    benefit: Benefit
    eligible_families: int
    eligible_children: int
    monthly_total: int  # kroner, all eligible familier
    families_with_case: int
    without_case: Finding


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """What ``screen`` found, with the seconds each phase took."""

    period: str
    persons: int
    families: int
    benefits: list[BenefitSummary]
    seconds: dict[str, float] = field(default_factory=dict)


def format_ident(ident: int) -> str:
    """An identifikasjonsnummer from its integer form (11 digits, leading zeros kept)."""
    return f"{ident:011d}"


# ------------------------------------------------------------------------------------------
# The screening
# ------------------------------------------------------------------------------------------


def compute(
    simulation: Simulation, benefits: Sequence[Benefit], period: str
) -> dict[str, tuple[IntArray, IntArray]]:
    """Each benefit's amount per familie and per child for ``period``, from OpenFisca."""
    amounts: dict[str, tuple[IntArray, IntArray]] = {}
    for benefit in benefits:
        per_familie = simulation.calculate(benefit.familie_variable, period)
        # Already computed as a part of the familie's amount: this reads OpenFisca's cache.
        per_child = simulation.calculate(benefit.per_child_variable, period)
        amounts[benefit.key] = (per_familie, per_child)
    return amounts


def _receivers(population: Population) -> IntArray:
    """Per familie, the position of the parent paid (see the module docstring), -1: none."""
    families = population.families
    _, resident = population.inputs["bosatt_i_norge"]
    _, lawful = population.inputs["lovlig_opphold"]
    can_receive = resident & lawful
    first, second = families.first_parent, families.second_parent
    first_ok = (first >= 0) & can_receive[np.maximum(first, 0)]
    second_ok = (second >= 0) & can_receive[np.maximum(second, 0)]
    return np.where(first_ok | ~second_ok, first, second)


def summarise(
    population: Population,
    benefit: Benefit,
    amounts: tuple[IntArray, IntArray],
    *,
    cases: CaseLookup = existing_cases,
) -> BenefitSummary:
    """Counts and the list without cases for one benefit, from its computed amounts."""
    per_familie, per_child = (np.asarray(a, dtype=np.int64) for a in amounts)
    people, families = population.people, population.families
    eligible = per_familie > 0
    children = np.flatnonzero(per_child > 0)
    child_familie = families.familie[children]
    receiver = _receivers(population)

    covered = np.fromiter(cases(benefit.key, population.month.key), dtype=np.int64)
    with_case = np.zeros(families.count, dtype=bool)
    if len(covered):
        with_case[child_familie[np.isin(people.id[children], covered)]] = True
        has_receiver = receiver >= 0
        with_case[has_receiver] |= np.isin(people.id[receiver[has_receiver]], covered)
    listed = eligible & ~with_case

    rows = np.flatnonzero(listed)
    # The children of each listed familie, in familie order then person order.
    keep = listed[child_familie]
    children, child_familie = children[keep], child_familie[keep]
    order = np.lexsort((children, child_familie))
    children, child_familie = children[order], child_familie[order]
    start = np.searchsorted(child_familie, rows)
    child_start = np.append(start, len(children)).astype(np.int64)
    row_receiver = receiver[rows]
    finding = Finding(
        benefit=benefit,
        period=population.month.key,
        receiver_id=people.id[row_receiver],
        receiver_ident=people.ident[row_receiver],
        amount=per_familie[rows],
        child_start=child_start,
        child_id=people.id[children],
        child_ident=people.ident[children],
    )
    return BenefitSummary(
        benefit=benefit,
        eligible_families=int(eligible.sum()),
        eligible_children=int((per_child > 0).sum()),
        monthly_total=int(per_familie.sum()),
        families_with_case=int((eligible & with_case).sum()),
        without_case=finding,
    )


def screen(
    database: Database,
    *,
    benefits: Sequence[Benefit],
    month: Month,
    cases: CaseLookup = existing_cases,
    system: TaxBenefitSystem | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> ScreeningResult:
    """Screen everyone alive in ``month`` for ``benefits`` (see the module docstring).

    ``on_phase`` is called with each phase's name as it starts (for a progress display).
    Raises ValueError, before reading anything, when the rules do not cover ``month``.
    """
    system = system or tax_benefit_system()
    check_period(system, benefits, month)
    seconds: dict[str, float] = {}

    def phase(name: str) -> None:
        if on_phase is not None:
            on_phase(name)

    phase("load")
    started = time.perf_counter()
    people, links = load_columns(database, month)
    seconds["load"] = time.perf_counter() - started

    phase("build")
    started = time.perf_counter()
    population = prepare(people, links, month)
    simulation = build_simulation(system, population) if population.persons else None
    seconds["build"] = time.perf_counter() - started

    phase("compute")
    started = time.perf_counter()
    if simulation is not None:
        amounts = compute(simulation, benefits, month.key)
    else:  # nobody registered (OpenFisca needs at least one person)
        none = np.zeros(0, dtype=np.int64)
        amounts = {benefit.key: (none, none) for benefit in benefits}
    seconds["compute"] = time.perf_counter() - started

    phase("report")
    started = time.perf_counter()
    summaries = [summarise(population, b, amounts[b.key], cases=cases) for b in benefits]
    seconds["report"] = time.perf_counter() - started
    return ScreeningResult(
        month.key, population.persons, population.families.count, summaries, seconds
    )


# ------------------------------------------------------------------------------------------
# Writing the list
# ------------------------------------------------------------------------------------------

CSV_COLUMNS: Final = ("ytelse", "periode", "mottaker", "barn", "antall_barn", "beloep_per_maaned")


def rows(result: ScreeningResult, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The list as records (benefit by benefit, familie order), at most ``limit`` of them."""
    written = 0
    for summary in result.benefits:
        finding = summary.without_case
        receivers = finding.receiver_ident.tolist()
        amounts = finding.amount.tolist()
        children = finding.child_ident.tolist()
        bounds = finding.child_start.tolist()
        for row, receiver in enumerate(receivers):
            if limit is not None and written >= limit:
                return
            written += 1
            barn = [format_ident(child) for child in children[bounds[row] : bounds[row + 1]]]
            yield {
                "ytelse": finding.benefit.key,
                "periode": finding.period,
                "mottaker": format_ident(receiver),
                "barn": barn,
                "antall_barn": len(barn),
                "beloep_per_maaned": amounts[row],
            }


def write_list(result: ScreeningResult, path: Path, *, limit: int | None = None) -> int:
    """Write the list to ``path`` (.csv or .jsonl); returns the rows written.

    The file appears whole or not at all (written beside it, then renamed). In CSV the
    children's numbers are separated by spaces.
    """
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ValueError(f"the output must end in {' or '.join(OUTPUT_SUFFIXES)}: {path.name}")
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    count = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            if suffix == ".csv":
                writer = csv.writer(out)
                writer.writerow(CSV_COLUMNS)
                for record in rows(result, limit=limit):
                    record["barn"] = " ".join(record["barn"])
                    writer.writerow([record[column] for column in CSV_COLUMNS])
                    count += 1
            else:
                for record in rows(result, limit=limit):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
