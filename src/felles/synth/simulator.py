"""The simulator: life events in a synthetic Norway, day by day, through the registry operations.

Each simulated day draws how many births, deaths, immigrations, emigrations, marriages,
divorces and moves happen from Poisson distributions whose means are Norway's yearly figures
(``reference.national_rates()``) per resident, times the current number of residents, divided
by the days of the year. Every event then goes through Folkeregisteret's operations, so every
change lands in the outbox as events, exactly as if a case worker had registered it.

Who is affected is picked by age (decision 0013): an age is drawn with probability
proportional to the age-specific rate (fertility for mothers, a Gompertz–Makeham hazard for
deaths, curves for marriage, divorce and emigration) times Norway's people of that age, then
a random matching person of that age by birth date (``sampling.born_between``). Households
to move and partners from outside the household come from one stream of uniformly random
residents (probes on the primary key, never ``ORDER BY random()``; decision 0011) dealt to
the pools that want them.

Moves are of whole households (everyone at the same address and dwelling) to a random
existing address: in the same municipality with the share of moves within municipalities in
``national_rates()`` (about 65 %, SSB's 2008 ratio), else in a municipality weighted by
population. A day's moves happen in batches of about ``_MOVE_BATCH`` people spread over the
day: one ``register_moves`` per batch (every move checked by the registry's rules, with its
history and event), each household a group that moves together or not at all.

The other kinds happen in groups of up to ``_GROUP_SIZE`` plan entries: each kind of a group
is one batched operation (``register_births`` …) in one savepoint. A picked person can turn
out unsuitable (married the same day, their spouse just died ...): the registry refuses that
item with a kernel ``Problem`` and writes nothing for it; the simulator counts it and picks
again for the events still missing, a bounded number of times. A batch refused as a whole
(raised, e.g. a version conflict found while writing) is undone by its savepoint.
Operations are committed in batches (one ``UnitOfWork`` per ``batch_size`` operations, give
or take a group): the outbox serialises commits with an advisory lock, so committing each
operation alone would make throughput a matter of commit latency.

The process clock is a ``SimulatedClock`` while the simulation runs: each day's events are
spread over that day, so their ``time`` (and registration metadata) are in simulated time.
The previous clock is restored afterwards. Given the database contents and the seed, a run
is deterministic (event ids excepted: they are random UUIDs).
"""

from __future__ import annotations

import calendar
import math
import random
import time as wallclock
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, Final

import numpy as np
from rich.progress import Progress, TaskID
from rich.table import Table

from felles.kernel.clock import SimulatedClock, use_clock
from felles.kernel.db import Database, UnitOfWork
from felles.kernel.errors import Conflict, NotFound, Problem
from felles.kernel.events import last_seq, read_events
from felles.registries.adresser import queries as adresser
from felles.registries.folkeregister import operations, sampling
from felles.registries.folkeregister.sampling import Candidate, PersonFilter
from felles.registries.krr import operations as krr
from felles.synth import names, reference, working_life

__all__ = ["DEFAULT_START", "KINDS", "LIFE_EVENTS", "SimulationReport", "simulate"]

#: First simulated day when the outbox is empty (a freshly generated population).
DEFAULT_START: Final = date(2025, 1, 1)
LIFE_EVENTS: Final = ("birth", "death", "immigration", "emigration", "marriage", "divorce", "move")
#: Every kind: life events, then working life (``working_life``), then the monthly pay.
#: People confirming their contact details in KRR (``_confirm_contact_details``).
CONFIRMED: Final = "krr_confirmation"
KINDS: Final = (*LIFE_EVENTS, *working_life.KINDS, working_life.PAY_REPORTED, CONFIRMED)

# Picks tried per event before giving it up (each refusal or unsuitable pick is one try).
MAX_ATTEMPTS: Final = 8
# Residents probed for at a time (one statement) and dealt to the pools that want them; a
# pool keeps at most _POOL_CAPACITY of them.
_DEAL: Final = 512
_POOL_CAPACITY: Final = 1_024
# Residents looked at for one working-life pick (a founder of 20-70, a worker of 18-66).
_RESIDENT_TRIES: Final = 8
_RESIDENTS: Final = PersonFilter()
# People of an age are picked from a stretch of birth dates holding about this many.
_WINDOW_PEOPLE: Final = 24
# Unmarried adults at hand when a partner is looked for outside the household.
_PARTNER_CHOICE: Final = 256
# Operations of the other kinds run in one savepoint at a time (see ``_run_group``).
_GROUP_SIZE: Final = 128
# People moved by one ``register_moves`` (a batch of households).
_MOVE_BATCH: Final = 250

# Mothers: fertility by age, a bell around 31 (SSB: most births to women aged 28-34).
_FERTILE_AGES: Final = (18, 45)
_FERTILITY_PEAK, _FERTILITY_SPREAD = 31.0, 5.5
_BOY_SHARE: Final = 0.513  # about 105 boys per 100 girls
# Deaths: Gompertz–Makeham hazard h(a) = A·e^(B·a) + M, about Norway's life table
# (h(60) ≈ 0.6 %, h(80) ≈ 5 %, h(90) ≈ 14 %, h(100) ≈ 40 %), plus infant mortality.
_GOMPERTZ_A, _GOMPERTZ_B, _MAKEHAM = 1.1e-5, 0.105, 0.0002
_INFANT_HAZARD: Final = 0.002
# Marriage: mean age at marriage 2023 is 37 (women) and 40 (men), remarriages included.
_MARRIAGE_PEAK, _MARRIAGE_SPREAD = 37.0, 10.0
_MAX_AGE_GAP: Final = 15  # partners (and the father of a child) live within this age gap
_PARTNER_AGE_GAP: Final = 6  # a partner found outside the household is of similar age
_SAME_SEX_MARRIAGE: Final = 0.02
# Divorce: most divorces are of couples in their forties.
_DIVORCE_PEAK, _DIVORCE_SPREAD = 45.0, 12.0
# Emigration: foreign citizens are about 16 % of residents but more than half of the
# emigrants (SSB, utvandring etter statsborgerskap); emigrants are mostly young adults.
_FOREIGN_EMIGRANT_SHARE: Final = 0.55
_EMIGRATION_PEAK, _EMIGRATION_SPREAD = 30.0, 12.0
_NORWEGIANS_EMIGRATE_TO: Final = (
    ("SWE", 0.25),
    ("DNK", 0.12),
    ("GBR", 0.10),
    ("USA", 0.10),
    ("ESP", 0.10),
    ("DEU", 0.08),
    ("FIN", 0.05),
    ("AUS", 0.05),
    ("FRA", 0.05),
    ("NLD", 0.05),
    ("THA", 0.05),
)
# Immigration: age groups (from, to, share), roughly SSB's innvandringer etter alder;
# a share of newcomers are short-term workers registered with a D-nummer and no address.
_IMMIGRANT_AGES: Final = (
    (0, 17, 0.17),
    (18, 24, 0.16),
    (25, 34, 0.34),
    (35, 44, 0.18),
    (45, 54, 0.09),
    (55, 66, 0.04),
    (67, 90, 0.02),
)
_MALE_IMMIGRANT_SHARE: Final = 0.54
_SHORT_TERM_WORKER_SHARE: Final = 0.10
_WORKER_AGES: Final = (20, 60)

KIND_LABELS: Final = {
    "birth": "Births",
    "death": "Deaths",
    "immigration": "Immigrations",
    "emigration": "Emigrations",
    "marriage": "Marriages",
    "divorce": "Divorces",
    "move": "Moves (people)",
    "business_founded": "Businesses founded",
    "association_founded": "Associations founded",
    "dissolution": "Businesses dissolved",
    "bankruptcy": "Bankruptcies",
    "job_started": "Jobs started",
    "job_ended": "Jobs ended",
    "pay_reported": "A-meldinger (monthly pay)",
    CONFIRMED: "KRR contact details confirmed",
}


# ------------------------------------------------------------------------------- the report


@dataclass
class SimulationReport:
    """What a simulation did: events per kind, refusals, throughput."""

    start: date
    days: int
    seed: int
    rate_multiplier: float = 1.0
    #: Events drawn per kind (for moves: people to move).
    planned: Counter[str] = field(default_factory=Counter)
    #: Events that happened per kind (marriages and divorces count couples, moves people).
    done: Counter[str] = field(default_factory=Counter)
    #: Registry operations called successfully per kind (a household move is one per person).
    operations: Counter[str] = field(default_factory=Counter)
    #: Operations refused by the registry (a ``Problem``), per kind.
    refusals: Counter[str] = field(default_factory=Counter)
    #: Events given up after MAX_ATTEMPTS picks, per kind.
    given_up: Counter[str] = field(default_factory=Counter)
    #: Wall time spent per kind, picks and operations included (where the time goes).
    seconds_by_kind: dict[str, float] = field(default_factory=dict)
    households_moved: int = 0
    events_written: int = 0
    population_start: int = 0
    population_end: int = 0
    seconds: float = 0.0

    @property
    def end(self) -> date:
        """The last simulated day."""
        return self.start + timedelta(days=self.days - 1)

    @property
    def total_operations(self) -> int:
        return sum(self.operations.values())

    @property
    def operations_per_second(self) -> float:
        return self.total_operations / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values (for benchmarks and logs)."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "seed": self.seed,
            "rate_multiplier": self.rate_multiplier,
            "planned": dict(self.planned),
            "done": dict(self.done),
            "operations": dict(self.operations),
            "refusals": dict(self.refusals),
            "given_up": dict(self.given_up),
            "seconds_by_kind": {k: round(v, 3) for k, v in self.seconds_by_kind.items()},
            "households_moved": self.households_moved,
            "total_operations": self.total_operations,
            "events_written": self.events_written,
            "population_start": self.population_start,
            "population_end": self.population_end,
            "seconds": round(self.seconds, 3),
            "operations_per_second": round(self.operations_per_second, 1),
        }

    def summary(self) -> Table:
        """A rich table of the run."""
        table = Table(
            title=f"Simulated {self.start} – {self.end} "
            f"({self.days} day{'s' if self.days != 1 else ''}, seed {self.seed})"
        )
        for header in ("", "drawn", "happened", "operations", "refused", "given up"):
            table.add_column(header, justify="left" if not header else "right")
        for kind in KINDS:
            table.add_row(
                KIND_LABELS[kind],
                f"{self.planned[kind]:,}",
                f"{self.done[kind]:,}",
                f"{self.operations[kind]:,}",
                f"{self.refusals[kind]:,}",
                f"{self.given_up[kind]:,}",
            )
        table.add_section()
        table.add_row("Operations", "", "", f"{self.total_operations:,}", "", "")
        table.add_row("Events written", "", "", f"{self.events_written:,}", "", "")
        table.add_row("Residents", f"{self.population_start:,}", f"{self.population_end:,}")
        table.caption = f"{self.seconds:,.1f} s, {self.operations_per_second:,.0f} operations/s" + (
            f", rates ×{self.rate_multiplier:g}" if self.rate_multiplier != 1 else ""
        )
        return table


# --------------------------------------------------------------------------- weights, names


def _bell(age: float, peak: float, spread: float) -> float:
    return math.exp(-0.5 * ((age - peak) / spread) ** 2)


def _fertility_weight(age: int) -> float:
    low, high = _FERTILE_AGES
    return _bell(age, _FERTILITY_PEAK, _FERTILITY_SPREAD) if low <= age <= high else 0.0


def _hazard(age: int) -> float:
    """Yearly probability of dying at ``age`` (Gompertz–Makeham, plus infant mortality)."""
    hazard = _GOMPERTZ_A * math.exp(_GOMPERTZ_B * age) + _MAKEHAM
    return hazard + (_INFANT_HAZARD if age == 0 else 0.0)


def _death_weight(age: int) -> float:
    return _hazard(age)


def _emigration_weight(age: int) -> float:
    return _bell(age, _EMIGRATION_PEAK, _EMIGRATION_SPREAD) if age >= 18 else 0.0


def _marriage_weight(age: int) -> float:
    return _bell(age, _MARRIAGE_PEAK, _MARRIAGE_SPREAD) if age >= 18 else 0.0


def _divorce_weight(age: int) -> float:
    return _bell(age, _DIVORCE_PEAK, _DIVORCE_SPREAD) if age >= 18 else 0.0


@cache
def _ages_by(weight: Callable[[int], float], sex: int | None = None) -> tuple[float, ...]:
    """Cumulative weights of ages 0…105: the rate at each age × Norway's people of that age.

    Choosing an age by these and then a person of that age gives each person a chance
    proportional to the age-specific rate (``sex``: 0 kvinne, 1 mann, None both).
    """
    population = reference.national_population(2025)
    people = population.sum(axis=1) if sex is None else population[:, sex]
    weights = [float(n) * weight(age) for age, n in enumerate(people.tolist())]
    return tuple(np.cumsum(weights).tolist())


@dataclass(frozen=True, slots=True)
class _Weighted:
    """Values with cumulative weights, for ``random.Random.choices``."""

    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Any) -> _Weighted:
        values, weights = zip(*pairs, strict=True)
        return cls(tuple(values), tuple(np.cumsum(np.asarray(weights, dtype=float)).tolist()))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


@cache
def _name_lists(citizenship: str, kjoenn: str) -> tuple[_Weighted, _Weighted]:
    lists = names.names_for_citizenship(citizenship, kjoenn)  # type: ignore[arg-type]
    first = _Weighted.of(zip(lists.first_names.tolist(), lists.first_weights.tolist(), strict=True))
    last = _Weighted.of(zip(lists.last_names.tolist(), lists.last_weights.tolist(), strict=True))
    return first, last


@cache
def _foreign_citizenships() -> _Weighted:
    return _Weighted.of(reference.birth_country_weights())


@cache
def _norwegian_destinations() -> _Weighted:
    return _Weighted.of(_NORWEGIANS_EMIGRATE_TO)


def _first_foreign(statsborgerskap: str) -> str | None:
    return next((c for c in statsborgerskap.split(",") if c and c != "NOR"), None)


@dataclass(frozen=True, slots=True)
class _Dwelling:
    """An address from the address register and one of its dwellings (None: the only one).

    Holding the ``Vegadresse`` keeps it in the session's identity map (which holds objects
    weakly), so each member of a moving household finds it there instead of querying.
    """

    adresse: Any
    bruksenhetsnummer: str | None

    @property
    def key(self) -> tuple[int, str | None]:
        return (self.adresse.id, self.bruksenhetsnummer)


# ------------------------------------------------------------------------------ daily rates


@dataclass(frozen=True, slots=True)
class _DailyRates:
    """Expected events per resident per year, by kind (moves: people moving)."""

    per_resident: dict[str, float]
    within_share: float  # of moves, the share that stays in the municipality

    @classmethod
    def national(cls, multiplier: float, *, working: bool = True) -> _DailyRates:
        rates = reference.national_rates()
        within = rates.moves_within_municipality.per_1000
        between = rates.moves_between_municipalities.per_1000
        per_1000 = {
            "birth": rates.births.per_1000,
            "death": rates.deaths.per_1000,
            "immigration": rates.immigrations.per_1000,
            "emigration": rates.emigrations.per_1000,
            "marriage": rates.marriages.per_1000,
            "divorce": rates.divorces.per_1000,
            "move": within + between,
        }
        if working:
            per_1000 |= working_life.per_1000()
        return cls(
            per_resident={kind: multiplier * value / 1000 for kind, value in per_1000.items()},
            within_share=within / (within + between),
        )

    def draw(self, np_rng: np.random.Generator, *, residents: int, day: date) -> dict[str, int]:
        """Poisson draws of the day's events for ``residents`` people."""
        days_in_year = 366 if calendar.isleap(day.year) else 365
        return {
            kind: int(np_rng.poisson(rate * residents / days_in_year))
            for kind, rate in self.per_resident.items()
        }


# ---------------------------------------------------------------------------- candidate pools


class _Pool:
    """Random people matching a filter, dealt to it from the run's stream of residents."""

    def __init__(self, run: _Run, where: PersonFilter) -> None:
        self._run = run
        self.where = where
        self._queue: deque[Candidate] = deque()
        self._dry = 0  # consecutive deals that brought nobody

    def offer(self, candidate: Candidate) -> bool:
        """Queue a candidate of the stream if it matches and the queue has room."""
        if len(self._queue) >= _POOL_CAPACITY or not self.where.matches(candidate):
            return False
        self._queue.append(candidate)
        return True

    def take(self) -> Candidate | None:
        """The next candidate nobody has touched today, or None when none can be found."""
        while True:
            if not self._queue and not self._refill():
                return None
            candidate = self._queue.popleft()
            if candidate.id not in self._run.touched:
                return candidate

    def fill(self, at_least: int) -> None:
        """Deal until the pool holds ``at_least`` candidates (or the stream runs dry)."""
        while len(self._queue) < at_least and self._refill():
            pass

    def find(self, suits: Callable[[Candidate], bool]) -> Candidate | None:
        """Take the first fetched candidate that ``suits`` (no query), or None."""
        for candidate in self._queue:
            if candidate.id not in self._run.touched and suits(candidate):
                self._queue.remove(candidate)
                return candidate
        return None

    def _refill(self) -> bool:
        if self._dry >= 2:  # the filter matches (almost) nobody: stop probing for it today
            return False
        before = len(self._queue)
        self._run.deal()
        self._dry = 0 if len(self._queue) > before else self._dry + 1
        return len(self._queue) > before


# -------------------------------------------------------------------------------- the run


class _Run:
    """State of one simulation: the open unit of work, random streams, pools, counters."""

    def __init__(
        self,
        database: Database,
        *,
        report: SimulationReport,
        seed: int,
        batch_size: int,
        rates: _DailyRates,
    ) -> None:
        self.database = database
        self.report = report
        self.batch_size = batch_size
        self.rates = rates
        # Mixing in the first day: a later run with the same seed does not replay the picks.
        self.rng = random.Random(f"felles-simulate:{seed}:{report.start.isoformat()}")
        self.np_rng = np.random.default_rng([seed, report.start.toordinal()])
        self.confirm_rng = random.Random(f"felles-krr-confirm:{seed}:{report.start.isoformat()}")
        self.confirm_np_rng = np.random.default_rng([seed, report.start.toordinal(), 15])
        self.uow: UnitOfWork = database.unit_of_work().__enter__()
        self.in_batch = 0
        self.day = report.start
        self.touched: set[int] = set()
        self.bounds: tuple[int, int] | None = None
        self.pools: dict[str, _Pool] = {}
        self.residents = 0
        self.moved_ahead = 0  # people moved beyond the previous days' draws
        self.household_size = 3.0  # people per moving household, a running average
        self.address_ranges: dict[str, adresser.IdRange] = {}
        self.destinations: _Weighted | None = None
        self.working = True  # working life and monthly pay happen too

    @property
    def session(self) -> Any:
        return self.uow.session

    # -- transactions --------------------------------------------------------------------

    def committed(self, operations_done: int) -> None:
        """Count operations; commit the batch when it is full."""
        self.in_batch += operations_done
        if self.in_batch >= self.batch_size:
            self.commit()

    def commit(self) -> None:
        self.report.events_written += len(self.uow.pending_events)
        self.uow.commit()
        self.uow.__exit__(None, None, None)
        self.uow = self.database.unit_of_work().__enter__()
        self.in_batch = 0

    def close(self) -> None:
        self.uow.__exit__(None, None, None)

    # -- per day -------------------------------------------------------------------------

    def start_day(self, day: date) -> None:
        """New pools (ages are relative to the day) and the id range including newcomers."""
        self.day = day
        self.touched = set()
        self.bounds = sampling.id_bounds(self.session)
        at = day
        self.pools = {
            "anyone": _Pool(self, PersonFilter()),
            "unmarried": _Pool(self, PersonFilter(min_age=18, at=at, married=False)),
        }

    def age(self, person: Candidate) -> int:
        return person.age_at(self.day)

    def find_resident(self, suits: Callable[[Candidate], bool]) -> Candidate | None:
        """A random resident not touched today that ``suits``, or None after a few tries.

        Unsuitable residents drawn on the way are left for the day (the stream is uniform,
        so this only costs probes).
        """
        pool = self.pools["anyone"]
        for _ in range(_RESIDENT_TRIES):
            person = pool.take()
            if person is None:
                return None
            if suits(person):
                return person
        return None

    def deal(self) -> None:
        """Fetch random residents (one statement of probes) and deal them to every pool.

        One uniform stream serves every pool: a pool receives a uniform sample of the
        people its filter matches, and a statement's probes feed all pools at once
        instead of each pool probing for its own kind of person.
        """
        found = sampling.sample_persons(
            self.session,
            rng=self.rng,
            count=_DEAL,
            where=PersonFilter(),
            bounds=self.bounds,
            max_probes=_DEAL,
        )
        for candidate in found:
            for pool in self.pools.values():
                pool.offer(candidate)


# ------------------------------------------------------------------------- the event kinds


@dataclass(frozen=True, slots=True)
class _Planned:
    """An item for a batched registry operation, and what it changes in the run if done."""

    item: Any
    residents: int = 0


#: Picks up to n items of a kind (fewer when suitable people are not found).
Pick = Callable[[_Run, int], list[_Planned]]
#: The batched registry operation of a kind: an outcome (a result or a Problem) per item.
Register = Callable[[_Run, list[Any]], Sequence[object]]


def _birth_window(run: _Run, age: int, sex: int | None) -> tuple[date, date]:
    """Birth dates [first, last] of some people who are ``age`` today.

    A random stretch of the year of birth dates that makes one ``age`` today, long enough
    to hold about _WINDOW_PEOPLE people of the sex in the simulated population (a day or
    two in a population of millions, the whole year in a small test population).
    """
    latest = sampling.years_before(run.day, age)
    earliest = sampling.years_before(run.day, age + 1) + timedelta(days=1)
    span = (latest - earliest).days + 1
    share = _age_shares(sex)[min(age, len(_age_shares(sex)) - 1)]
    expected = max(run.residents, 1) * share
    days = min(span, max(1, math.ceil(_WINDOW_PEOPLE * span / expected)) if expected else span)
    first = earliest + timedelta(days=run.rng.randrange(span - days + 1))
    return first, first + timedelta(days=days - 1)


@cache
def _age_shares(sex: int | None) -> tuple[float, ...]:
    """Each age's share of Norway's population (of one sex: 0 kvinne, 1 mann)."""
    population = reference.national_population(2025)
    people = population.sum(axis=1) if sex is None else population[:, sex]
    return tuple((people / population.sum()).tolist())


def _by_age(
    run: _Run,
    n: int,
    ages: tuple[float, ...],
    where: PersonFilter = _RESIDENTS,
    *,
    sex: int | None = None,
) -> list[Candidate]:
    """Up to n people matching ``where``, each of an age drawn by the cumulative ``ages``.

    For each an age is drawn, then a stretch of birth dates giving that age today, then a
    random matching person born in it (``sampling.born_between``: two statements for all
    of them). Stretches where nobody matches, and people touched today, are left out; the
    ones returned are marked touched.
    """
    drawn = run.rng.choices(range(len(ages)), cum_weights=ages, k=n)
    windows = [_birth_window(run, age, sex) for age in drawn]
    taken: list[Candidate] = []
    for candidate in sampling.born_between(run.session, windows=windows, where=where, rng=run.rng):
        if candidate is not None and candidate.id not in run.touched:
            run.touched.add(candidate.id)
            taken.append(candidate)
    return taken


def _pick_births(run: _Run, n: int) -> list[_Planned]:
    mothers = _by_age(
        run, n, _ages_by(_fertility_weight, sex=0), PersonFilter(kjoenn="kvinne"), sex=0
    )
    planned = []
    for mother, father in zip(mothers, _fathers_for(run, mothers), strict=True):
        kjoenn = "mann" if run.rng.random() < _BOY_SHARE else "kvinne"
        first_names, _ = _name_lists(_first_foreign(mother.statsborgerskap) or "NOR", kjoenn)
        birth = operations.Birth(
            mor=mother.ident,
            far_eller_medmor=father.ident if father is not None else None,
            foedselsdato=run.day,
            kjoenn=kjoenn,
            fornavn=first_names.pick(run.rng),
        )
        planned.append(_Planned(birth, residents=1))
    return planned


def _fathers_for(run: _Run, mothers: list[Candidate]) -> list[Candidate | None]:
    """Each mother's husband, else a man of fitting age at her address, else nobody.

    Anyone touched today may have died since the candidate was read: a parent who died
    today would get an event after his death, so he is left out.
    """
    husbands = sampling.spouses(run.session, people=mothers)
    unmarried = [m for m in mothers if not m.is_married]
    at_home = dict(
        zip(
            (m.id for m in unmarried),
            sampling.households(run.session, people=unmarried),
            strict=True,
        )
    )
    options: dict[int, list[Candidate]] = {}
    for mother, husband in zip(mothers, husbands, strict=True):
        if mother.is_married:
            fits = (
                husband is not None
                and husband.kjoenn == "mann"
                and husband.status != "doed"
                and husband.id not in run.touched
            )
            options[mother.id] = [husband] if fits and husband is not None else []
        else:
            options[mother.id] = [
                man for man in at_home[mother.id] if _could_be_partner(run, mother, man, "mann")
            ]
    return _first_unrelated(run, mothers, options, check=lambda m: not m.is_married)


def _could_be_partner(run: _Run, person: Candidate, other: Candidate, kjoenn: str) -> bool:
    """An adult of the sex and age to be the person's partner, not touched today.

    Whether they are close relatives is checked for all pairs at once (``_first_unrelated``).
    """
    return (
        other.id != person.id
        and other.id not in run.touched
        and other.kjoenn == kjoenn
        and run.age(other) >= 18
        and abs(run.age(other) - run.age(person)) <= _MAX_AGE_GAP
    )


def _first_unrelated(
    run: _Run,
    people: list[Candidate],
    options: dict[int, list[Candidate]],
    *,
    check: Callable[[Candidate], bool],
) -> list[Candidate | None]:
    """Per person the first option that is not a close relative (one statement for all).

    ``check`` says for whom relatives must be ruled out (a spouse is not checked again).
    The one chosen is marked touched.
    """
    pairs = [(p.id, o.id) for p in people if check(p) for o in options[p.id]]
    related = sampling.close_relatives(run.session, pairs=pairs)
    chosen: list[Candidate | None] = []
    for person in people:
        found = next(
            (
                o
                for o in options[person.id]
                if o.id not in run.touched and (person.id, o.id) not in related
            ),
            None,
        )
        if found is not None:
            run.touched.add(found.id)
        chosen.append(found)
    return chosen


def _pick_deaths(run: _Run, n: int) -> list[_Planned]:
    planned = []
    for person in _by_age(run, n, _ages_by(_death_weight)):
        if person.sivilstand_relatert_id is not None:
            run.touched.add(person.sivilstand_relatert_id)  # becomes a widow(er)
        planned.append(_Planned(operations.Death(ident=person.ident, doedsdato=run.day), -1))
    return planned


def _pick_emigrations(run: _Run, n: int) -> list[_Planned]:
    foreign = sum(run.rng.random() < _FOREIGN_EMIGRANT_SHARE for _ in range(n))
    ages = _ages_by(_emigration_weight)
    people = _by_age(run, foreign, ages, PersonFilter(norwegian=False)) + _by_age(
        run, n - foreign, ages, PersonFilter(norwegian=True)
    )
    planned = []
    for person in people:
        destination = _first_foreign(person.statsborgerskap) or _norwegian_destinations().pick(
            run.rng
        )
        item = operations.Emigration(
            ident=person.ident, tilflyttingsland=destination, utflyttingsdato=run.day
        )
        planned.append(_Planned(item, residents=-1))
    return planned


def _immigrant_birth_date(run: _Run, *, worker: bool) -> date:
    if worker:
        low, high = _WORKER_AGES
    else:
        low, high, _ = run.rng.choices(_IMMIGRANT_AGES, weights=[g[2] for g in _IMMIGRANT_AGES])[0]
    age = run.rng.randint(low, high)
    born = run.day - timedelta(days=round(age * 365.25) + run.rng.randint(0, 364))
    return min(born, run.day)


def _pick_immigrations(run: _Run, n: int) -> list[_Planned]:
    workers = [run.rng.random() < _SHORT_TERM_WORKER_SHARE for _ in range(n)]
    dwellings = iter(_random_dwellings(run, [None] * workers.count(False)))
    planned = []
    for worker in workers:
        citizenship = _foreign_citizenships().pick(run.rng)
        kjoenn = "mann" if run.rng.random() < _MALE_IMMIGRANT_SHARE else "kvinne"
        foedselsdato = _immigrant_birth_date(run, worker=worker)
        first_names, last_names = _name_lists(citizenship, kjoenn)
        dwelling = None if worker else next(dwellings)
        if not worker and dwelling is None:
            continue
        item = operations.Immigration(
            fornavn=first_names.pick(run.rng),
            etternavn=last_names.pick(run.rng),
            foedselsdato=foedselsdato,
            kjoenn=kjoenn,
            statsborgerskap=[citizenship],
            fraflyttingsland=citizenship,
            innflyttingsdato=run.day,
            adresse_id=dwelling.adresse.id if dwelling else None,
            bruksenhetsnummer=dwelling.bruksenhetsnummer if dwelling else None,
            d_nummer=worker,
        )
        planned.append(_Planned(item, residents=0 if worker else 1))
    return planned


def _pick_marriages(run: _Run, n: int) -> list[_Planned]:
    people = _by_age(run, n, _ages_by(_marriage_weight), PersonFilter(married=False))
    wanted: dict[int, str] = {}
    for person in people:
        same_sex = run.rng.random() < _SAME_SEX_MARRIAGE
        opposite = "mann" if person.kjoenn == "kvinne" else "kvinne"
        wanted[person.id] = person.kjoenn if same_sex else opposite
    options: dict[int, list[Candidate]] = {}
    for person, members in zip(
        people, sampling.households(run.session, people=people), strict=True
    ):
        at_home = [
            other
            for other in members
            if not other.is_married and _could_be_partner(run, person, other, wanted[person.id])
        ]
        options[person.id] = at_home or _partners_nearby(run, person, wanted[person.id])
    planned = []
    partners = _first_unrelated(run, people, options, check=lambda _: True)
    for person, partner in zip(people, partners, strict=True):
        if partner is not None:
            item = operations.Marriage(ident_a=person.ident, ident_b=partner.ident, dato=run.day)
            planned.append(_Planned(item))
    return planned


def _partners_nearby(run: _Run, person: Candidate, kjoenn: str) -> list[Candidate]:
    """An unmarried person of similar age among the candidates fetched already (no query).

    One in the same municipality when there is one, else from anywhere: looking for a
    partner by municipality costs a statement of probes per marriage.
    """
    age = run.age(person)

    def suits(other: Candidate) -> bool:
        return (
            not other.is_married
            and abs(run.age(other) - age) <= _PARTNER_AGE_GAP
            and _could_be_partner(run, person, other, kjoenn)
        )

    pool = run.pools["unmarried"]
    pool.fill(_PARTNER_CHOICE)
    found = pool.find(lambda o: o.kommunenummer == person.kommunenummer and suits(o))
    found = found or pool.find(suits)
    return [found] if found is not None else []


def _pick_divorces(run: _Run, n: int) -> list[_Planned]:
    people = _by_age(run, n, _ages_by(_divorce_weight), PersonFilter(married=True))
    planned = []
    for person, spouse in zip(people, sampling.spouses(run.session, people=people), strict=True):
        if spouse is None or spouse.status == "doed" or spouse.id in run.touched:
            continue
        run.touched.add(spouse.id)
        item = operations.Divorce(ident_a=person.ident, ident_b=spouse.ident, dato=run.day)
        planned.append(_Planned(item))
    return planned


@dataclass(frozen=True, slots=True)
class _HouseholdMove:
    members: list[Candidate]
    dwelling: _Dwelling


def _pick_households(run: _Run, people: int) -> list[_HouseholdMove]:
    """Households of about ``people`` people in all, each with a dwelling to move to.

    Random residents are drawn, their households read in one statement and their new
    dwellings in one more; a household with someone touched today is left out.
    """
    wanted = max(1, round(people / run.household_size)) + 2
    drawn = [c for c in (run.pools["anyone"].take() for _ in range(wanted)) if c is not None]
    chosen: list[tuple[Candidate, list[Candidate]]] = []
    count = 0
    for person, members in zip(drawn, sampling.households(run.session, people=drawn), strict=True):
        if count >= people or any(m.id in run.touched for m in members):
            continue
        run.touched.update(m.id for m in members)
        chosen.append((person, members))
        count += len(members)
    dwellings = _random_dwellings(
        run,
        [
            person.kommunenummer if run.rng.random() < run.rates.within_share else None
            for person, _ in chosen
        ],
    )
    moves: list[_HouseholdMove] = []
    for (person, members), dwelling in zip(chosen, dwellings, strict=True):
        if dwelling is None or dwelling.key == (person.adresse_id, person.bruksenhetsnummer):
            continue
        moves.append(_HouseholdMove(members, dwelling))
    return moves


def _move_households(run: _Run, people: int) -> int:
    """Move households of about ``people`` people, one ``register_moves`` per try.

    Each household is one group: it moves together or not at all. A refusal of the whole
    call (a ``Problem``) is undone by its savepoint; households that could not be found or
    moved are made up for by further tries, a bounded number of them.
    """
    moved = 0
    for _ in range(MAX_ATTEMPTS):
        if moved >= people:
            return moved
        households = _pick_households(run, people - moved)
        if not households:
            continue
        moves = [
            operations.Move(
                ident=member.ident,
                adresse_id=household.dwelling.adresse.id,
                flyttedato=run.day,
                bruksenhetsnummer=household.dwelling.bruksenhetsnummer,
                group=number,
            )
            for number, household in enumerate(households)
            for member in household.members
        ]
        try:
            with run.uow.savepoint():
                outcome = operations.register_moves(run.uow, moves=moves)
        except Problem:
            run.report.refusals["move"] += 1
            continue
        done = sum(1 for result in outcome if not isinstance(result, Problem))
        refused = {m.group for m, r in zip(moves, outcome, strict=True) if isinstance(r, Problem)}
        run.report.refusals["move"] += len(refused)
        run.report.households_moved += len(households) - len(refused)
        run.report.operations["move"] += done
        run.report.done["move"] += done
        run.household_size = 0.9 * run.household_size + 0.1 * (len(moves) / len(households))
        moved += done
    if moved < people:
        run.report.given_up["move"] += 1
    return moved


def _random_dwellings(run: _Run, kommuner: list[str | None]) -> list[_Dwelling | None]:
    """A random dwelling per entry: in that municipality, or in a weighted one for None."""
    wanted: list[tuple[str, adresser.IdRange]] = []
    for kommunenummer in kommuner:
        if kommunenummer is None or kommunenummer not in run.address_ranges:
            if run.destinations is None:
                return [None] * len(kommuner)
            kommunenummer = run.destinations.pick(run.rng)
        wanted.append((kommunenummer, run.address_ranges[kommunenummer]))
    found = adresser.random_addresses_in(run.session, wanted=wanted, rng=run.rng)
    dwellings: list[_Dwelling | None] = []
    for adresse in found:
        if adresse is None:
            dwellings.append(None)
            continue
        units = adresser.bruksenhetsnumre(antall_bruksenheter=adresse.antall_bruksenheter)
        dwellings.append(_Dwelling(adresse, run.rng.choice(units) if units else None))
    return dwellings


def _random_dwelling(run: _Run, *, kommunenummer: str | None) -> _Dwelling | None:
    """An existing address and one of its dwellings; in a weighted municipality if None.

    Whether someone lives there already is not checked: most addresses of a generated
    population are occupied, so looking for an empty one costs queries and rarely succeeds
    (moving in with someone happens too).
    """
    return _random_dwellings(run, [kommunenummer])[0]


_PICKS: Final[dict[str, Pick]] = {
    "birth": _pick_births,
    "death": _pick_deaths,
    "immigration": _pick_immigrations,
    "emigration": _pick_emigrations,
    "marriage": _pick_marriages,
    "divorce": _pick_divorces,
}
_REGISTERS: Final[dict[str, Register]] = {
    "birth": lambda run, items: operations.register_births(run.uow, births=items, rng=run.rng),
    "death": lambda run, items: operations.register_deaths(run.uow, deaths=items),
    "immigration": lambda run, items: operations.register_immigrations(
        run.uow, immigrations=items, rng=run.rng
    ),
    "emigration": lambda run, items: operations.register_emigrations(run.uow, emigrations=items),
    "marriage": lambda run, items: operations.register_marriages(run.uow, marriages=items),
    "divorce": lambda run, items: operations.register_divorces(run.uow, divorces=items),
}


def _working_life_pick(kind: str) -> Pick:
    pick = working_life.PICKS[kind]
    return lambda run, n: [_Planned(item) for item in pick(run, n)]


def _working_life_register(kind: str) -> Register:
    register = working_life.REGISTERS[kind]
    return lambda run, items: register(run, items)


_PICKS.update({kind: _working_life_pick(kind) for kind in working_life.KINDS})
_REGISTERS.update({kind: _working_life_register(kind) for kind in working_life.KINDS})


def _happen(run: _Run, kind: str, count: int) -> int:
    """Make ``count`` events of ``kind`` happen in batches; returns the operations done.

    Each round picks people for the events still to happen and registers them with one
    batched operation in one savepoint. An item the registry refuses (a ``Problem`` in its
    outcome) writes nothing and is counted; a refusal of the whole batch (raised) is undone
    by the savepoint. Events still missing after MAX_ATTEMPTS rounds are given up.
    """
    report = run.report
    done = 0
    for _ in range(MAX_ATTEMPTS):
        if done >= count:
            break
        planned = _PICKS[kind](run, count - done)
        if not planned:
            continue
        try:
            with run.uow.savepoint():
                outcome = _REGISTERS[kind](run, [p.item for p in planned])
        except Problem:
            report.refusals[kind] += len(planned)
            continue
        for item, result in zip(planned, outcome, strict=True):
            if isinstance(result, Problem):
                report.refusals[kind] += 1
                continue
            run.residents += item.residents
            done += 1
    report.given_up[kind] += count - done
    report.operations[kind] += done
    report.done[kind] += done
    return done


def _run_group(
    run: _Run, clock: SimulatedClock, entries: list[tuple[int, str]], at: Callable[[int], datetime]
) -> int:
    """Operations of other kinds than moves, a batch per kind; returns their count.

    The kinds happen in the order of their first entry, each at that entry's time (the
    clock never goes back), so event times order like the registrations.
    """
    first_entry: dict[str, int] = {}
    for index, kind in entries:
        first_entry.setdefault(kind, index)
    counts = Counter(kind for _, kind in entries)
    total = 0
    for kind, index in first_entry.items():
        clock.set(max(at(index), clock.now()))
        began = wallclock.perf_counter()
        total += _happen(run, kind, counts[kind])
        spent = run.report.seconds_by_kind
        spent[kind] = spent.get(kind, 0.0) + wallclock.perf_counter() - began
    return total


# ---------------------------------------------------------------------------------- a day


def _day_plan(run: _Run, day: date) -> list[str]:
    """The day's events in a random order (moves: one entry per person to move)."""
    drawn = run.rates.draw(run.np_rng, residents=run.residents, day=day)
    for kind, n in drawn.items():
        run.report.planned[kind] += n
    plan = [kind for kind, n in drawn.items() for _ in range(n)]
    run.rng.shuffle(plan)
    return plan


def _move_slots(plan: list[str], people: int) -> dict[int, int]:
    """Where in the plan the day's moves happen: {plan index: people to move there}.

    Households move in batches of about ``_MOVE_BATCH`` people (one ``register_moves``
    each), at move entries spread evenly over the day's plan.
    """
    entries = [index for index, kind in enumerate(plan) if kind == "move"]
    if people <= 0 or not entries:
        return {}
    batches = min(len(entries), math.ceil(people / _MOVE_BATCH))
    slots: dict[int, int] = {}
    for batch in range(batches):
        share = people * (batch + 1) // batches - people * batch // batches
        slots[entries[batch * len(entries) // batches]] = share
    return slots


def _report_pay(run: _Run, clock: SimulatedClock, day: date) -> None:
    """On the a-melding's deadline, every employer's report of the month before."""
    month = working_life.month_reported_on(day)
    if month is None or not run.working:
        return
    clock.set(datetime.combine(day, time(0), tzinfo=UTC))
    began = wallclock.perf_counter()
    reported, refused = working_life.report_pay(run, month)
    kind = working_life.PAY_REPORTED
    run.report.planned[kind] += reported + refused
    run.report.done[kind] += reported
    run.report.operations[kind] += reported
    run.report.refusals[kind] += refused
    spent = run.report.seconds_by_kind
    spent[kind] = spent.get(kind, 0.0) + wallclock.perf_counter() - began
    run.committed(reported)


#: Contact details confirmed per resident and day. People confirm their KRR details now and
#: then (ID-porten asks at login); at this rate a registration goes unconfirmed for more than
#: 18 months with probability e^(-548 × rate) = 1/5 — the share the generator starts with
#: (``population._krr_times``), so KRR's 18-month rule keeps about that share from digital
#: post and notices however long a simulation runs (without it the share grows by about 1.5
#: points a week).
CONFIRMATIONS_PER_RESIDENT_DAY: Final = math.log(5) / 548
REGISTERED_FROM_AGE: Final = 15


def _confirm_contact_details(run: _Run, clock: SimulatedClock, day: date) -> None:
    """Random residents confirm their registered e-mail and mobile in KRR."""
    # Streams of their own, so the life events drawn are the same with or without them.
    wanted = int(run.confirm_np_rng.poisson(CONFIRMATIONS_PER_RESIDENT_DAY * run.residents))
    if wanted == 0:
        return
    clock.set(datetime.combine(day, time(0), tzinfo=UTC))
    began = wallclock.perf_counter()
    # KRR registers people from 15 (as the generator does); the rate counts every resident,
    # so the registered confirm a little more often than the rate alone says.
    people = sampling.sample_persons(
        run.session,
        rng=run.confirm_rng,
        count=wanted,
        where=PersonFilter(min_age=REGISTERED_FROM_AGE, at=day),
        bounds=run.bounds,
    )
    done = 0
    for person in people:
        try:
            krr.verify_contact(run.uow, personidentifikator=person.ident)
        except (NotFound, Conflict):
            continue  # not registered in KRR, deleted, or no details: nothing to confirm
        done += 1
    report = run.report
    report.planned[CONFIRMED] += wanted
    report.done[CONFIRMED] += done
    report.operations[CONFIRMED] += done
    report.seconds_by_kind[CONFIRMED] = (
        report.seconds_by_kind.get(CONFIRMED, 0.0) + wallclock.perf_counter() - began
    )
    run.committed(done)


def _simulate_day(run: _Run, clock: SimulatedClock, day: date) -> None:
    run.start_day(day)
    _report_pay(run, clock, day)
    _confirm_contact_details(run, clock, day)
    plan = _day_plan(run, day)
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    step = timedelta(days=1) / (len(plan) + 1)

    def at(index: int) -> datetime:
        return midnight + step * (index + 1)

    clock.set(midnight)
    # A household move of several people can overshoot a day's moves: carry it over.
    people_to_move = max(0, plan.count("move") - run.moved_ahead)
    slots = _move_slots(plan, people_to_move)
    moved = scheduled = 0
    group: list[tuple[int, str]] = []
    for index, kind in enumerate(plan):
        if kind != "move":
            group.append((index, kind))
            if len(group) >= _GROUP_SIZE:
                run.committed(_run_group(run, clock, group, at))
                group = []
            continue
        # The day's moves happen in batches at a few of its move entries.
        scheduled += slots.get(index, 0)
        if index not in slots or scheduled <= moved:
            continue
        if group:
            run.committed(_run_group(run, clock, group, at))
            group = []
        clock.set(at(index))
        began = wallclock.perf_counter()
        done = _move_households(run, scheduled - moved)
        spent = run.report.seconds_by_kind
        spent[kind] = spent.get(kind, 0.0) + wallclock.perf_counter() - began
        moved += done
        run.committed(done)
    if group:
        run.committed(_run_group(run, clock, group, at))
    run.moved_ahead = max(0, moved - people_to_move)


# ------------------------------------------------------------------------------- simulate


def _first_day(database: Database) -> date:
    """The day after the newest event in the outbox; DEFAULT_START when there is none."""
    with database.read_session() as session:
        newest = last_seq(session)
        if newest == 0:
            return DEFAULT_START
        stored = read_events(session, after_seq=newest - 1, limit=1)
    return stored[0].event.time.date() + timedelta(days=1) if stored else DEFAULT_START


def _prepare(run: _Run) -> None:
    """Residents to scale the rates by, and where people can move to (read once)."""
    run.residents = sampling.count_residents(run.session)
    run.report.population_start = run.residents
    run.address_ranges = adresser.id_ranges_by_kommune(run.session)
    weights = [
        (k.kommunenummer, float(k.folketall_2025))
        for k in reference.kommuner()
        if k.kommunenummer in run.address_ranges
    ]
    run.destinations = _Weighted.of(weights) if weights else None


@contextmanager
def _simulated_clock(start: date) -> Iterator[SimulatedClock]:
    clock = SimulatedClock(datetime.combine(start, time(0), tzinfo=UTC))
    previous = use_clock(clock)
    try:
        yield clock
    finally:
        use_clock(previous)


def simulate(
    database: Database,
    *,
    start: date | None = None,
    days: int,
    seed: int,
    progress: Progress | None = None,
    batch_size: int = 500,
    rate_multiplier: float = 1.0,
    with_working_life: bool = True,
    after_day: Callable[[date], None] | None = None,
) -> SimulationReport:
    """Simulate ``days`` days of life events from ``start`` (default: the day after the last).

    ``after_day`` runs at the end of each day, once the day's events are committed, with the
    clock still on that day (``felles simulate`` runs the public services there, so a birth
    is decided the day it happens).

    ``rate_multiplier`` scales every rate (tests and benchmarks use it to get enough events
    from a small population). Commits every ``batch_size`` operations. Without
    ``with_working_life`` only Folkeregisteret's life events happen (no businesses, jobs or
    pay; see ``working_life``).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    first = start if start is not None else _first_day(database)
    report = SimulationReport(start=first, days=days, seed=seed, rate_multiplier=rate_multiplier)
    began = wallclock.perf_counter()
    with _simulated_clock(first) as clock:
        run = _Run(
            database,
            report=report,
            seed=seed,
            batch_size=batch_size,
            rates=_DailyRates.national(rate_multiplier, working=with_working_life),
        )
        run.working = with_working_life
        try:
            _prepare(run)
            task = progress.add_task("Simulating", total=days) if progress else None
            for offset in range(days):
                day = first + timedelta(days=offset)
                _simulate_day(run, clock, day)
                if after_day is not None:
                    run.commit()
                    after_day(day)
                _show_progress(progress, task, report, day)
            run.commit()
        finally:
            run.close()
        report.population_end = run.residents
    report.seconds = wallclock.perf_counter() - began
    return report


def _show_progress(
    progress: Progress | None, task: TaskID | None, report: SimulationReport, day: date
) -> None:
    if progress is None or task is None:
        return
    description = f"Simulating {day.isoformat()} · {report.total_operations:,} operations"
    progress.update(task, advance=1, description=description)
