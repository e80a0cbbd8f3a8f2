"""Working life in the simulator: businesses and associations, jobs, and every month's pay.

The simulator (``felles.synth.simulator``) draws these kinds each day like the life events,
from Norway's yearly figures per resident (``reference.national_rates()``; several are
estimates, marked so in ``nokkeltall.csv``), and makes them happen through the registries'
own commands, so each is checked by the registry's rules and lands in the outbox as events:

* ``business_founded``: a resident of 20–70 registers an enkeltpersonforetak (about 57 %,
  with the founder as innehaver) or an aksjeselskap (with the founder as daglig leder and
  styreleder, registered in Foretaksregisteret, and one sub-unit where people can work) in
  their municipality (SSB: 62 388 new enterprises in 2024, 26 849 of them AS);
* ``association_founded``: a forening (FLI) with the founder as styreleder, registered in
  Frivillighetsregisteret;
* ``dissolution`` and ``bankruptcy``: a random active AS or ENK goes under dissolution or
  bankrupt, and its employments end that day;
* ``job_started``: a resident of 18–66 starts at a random active workplace (a sub-unit),
  one in their municipality when the few drawn include one;
* ``job_ended``: a random active employment ends.

Every month, on the 5th (the a-melding's deadline), each employer reports the month before
(``report_pay``): one a-melding per employer with a fixed-pay line for every employment that
lasted into the month. The monthly pay is the one last reported for the employment (scaled
up to a whole month when that month was its first and partly worked), or for a new
employment a salary drawn for its position percentage; a month worked in part (started or
ended in it) is paid for its days, as the synthetic economy does. Employments of people who
died or emigrated are ended first, as their employers would report (people here on a
D-nummer, status midlertidig, keep theirs). These reports are not scaled by the rate
multiplier: they follow the employments that exist.

An operation is one item of these kinds (a founding is one operation although it is several
registry commands) or one a-melding.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Final, Protocol

from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Problem
from felles.registries.aordningen import kodeverk
from felles.registries.aordningen import operations as aordningen
from felles.registries.aordningen import queries as aordningen_queries
from felles.registries.aordningen import sampling as employments
from felles.registries.enhetsregisteret import operations as enhetsregisteret
from felles.registries.enhetsregisteret import reference as enhetskoder
from felles.registries.enhetsregisteret import sampling as units
from felles.registries.folkeregister import queries as folkeregister
from felles.registries.folkeregister.sampling import Candidate
from felles.synth import reference

KINDS: Final = (
    "business_founded",
    "association_founded",
    "dissolution",
    "bankruptcy",
    "job_started",
    "job_ended",
)
PAY_REPORTED: Final = "pay_reported"
REPORTING_DAY: Final = 5  # the a-melding for a month is due on the 5th of the next

_AS_SHARE: Final = 26_849 / 62_388  # of new enterprises (SSB 2024)
_FOUNDER_AGES: Final = (20, 70)
_WORKING_AGES: Final = (18, 66)
_WORKPLACES_DRAWN: Final = 24  # sub-units drawn per batch of hires, to find local ones
_EMPLOYERS_PER_BATCH: Final = 50  # a-meldinger per report_months
# Monthly fixed pay for a full-time position when none was reported before: log-normal
# around SSB's median of about 55 000 NOK a month (2024), spread like the distribution.
_MEDIAN_MONTHLY_PAY: Final = 55_000
_PAY_SPREAD: Final = 0.35
_TAX_SHARE: Final = 0.30  # forskuddstrekk, roughly

_BUSINESS_WORDS: Final = (
    "Bygg",
    "Consulting",
    "Eiendom",
    "Holding",
    "Service",
    "Transport",
    "Design",
    "Regnskap",
    "Helse",
    "Data",
    "Handel",
    "Invest",
    "Maskin",
    "Elektro",
    "Rør",
    "Media",
)
# Kinds of association and their business code; felles's code list has no code for "other
# member organisations" (94.99), so those are registered without one.
_ASSOCIATION_KINDS: Final[tuple[tuple[str, str | None], ...]] = (
    ("Idrettslag", "93.120"),
    ("Velforening", None),
    ("Historielag", None),
    ("Skolekorps", None),
    ("Sanitetsforening", None),
    ("Turlag", "93.120"),
)
# Sections of the standard for business codes no new ENK or AS is given: public
# administration (O), organisations (S 94), households (T), international bodies (U).
_NOT_FOR_BUSINESSES: Final = ("84", "94", "97", "98", "99")


class Run(Protocol):
    """What of the simulator's run working life uses."""

    uow: UnitOfWork
    rng: random.Random
    day: date
    touched: set[int]

    @property
    def session(self) -> Any: ...

    def age(self, person: Candidate) -> int: ...

    def find_resident(self, suits: Callable[[Candidate], bool]) -> Candidate | None: ...


def per_1000() -> dict[str, float]:
    """Yearly events of each kind per 1000 residents."""
    rates = reference.national_rates()
    return {
        "business_founded": rates.new_enterprises.per_1000,
        "association_founded": rates.new_voluntary_organisations.per_1000,
        "dissolution": rates.deleted_units.per_1000,
        "bankruptcy": rates.bankruptcies.per_1000,
        "job_started": rates.employments_started.per_1000,
        "job_ended": rates.employments_ended.per_1000,
    }


# ---------------------------------------------------------------------------------- picks


@dataclass(frozen=True, slots=True)
class Founding:
    """A new business or association and its founder."""

    organisasjonsform: str
    navn: str
    naeringskode: str | None
    kommunenummer: str
    founder: str


@dataclass(frozen=True, slots=True)
class Closing:
    """A business to dissolve or declare bankrupt."""

    organisasjonsnummer: str


def _resident_aged(run: Run, ages: tuple[int, int]) -> Candidate | None:
    low, high = ages

    def suits(person: Candidate) -> bool:
        return person.id not in run.touched and low <= run.age(person) <= high

    person = run.find_resident(suits)
    if person is not None:
        run.touched.add(person.id)
    return person


@cache
def _business_codes() -> list[str]:
    return [
        code for code in enhetskoder.naeringskoder() if not code.startswith(_NOT_FOR_BUSINESSES)
    ]


@cache
def _occupations() -> list[str]:
    return sorted(kodeverk.yrker())


@cache
def _places() -> dict[str, str]:
    return {k.kommunenummer: k.kommunenavn for k in reference.kommuner()}


def pick_businesses(run: Run, n: int) -> list[Founding]:
    codes, places = _business_codes(), _places()
    found = []
    for _ in range(n):
        founder = _resident_aged(run, _FOUNDER_AGES)
        if founder is None or founder.kommunenummer is None:
            continue
        limited = run.rng.random() < _AS_SHARE
        place = places.get(founder.kommunenummer, "Norge")
        navn = f"{place} {run.rng.choice(_BUSINESS_WORDS)}".upper()
        found.append(
            Founding(
                organisasjonsform="AS" if limited else "ENK",
                navn=f"{navn} AS" if limited else navn,
                naeringskode=run.rng.choice(codes),
                kommunenummer=founder.kommunenummer,
                founder=founder.ident,
            )
        )
    return found


def pick_associations(run: Run, n: int) -> list[Founding]:
    places = _places()
    found = []
    for _ in range(n):
        founder = _resident_aged(run, _FOUNDER_AGES)
        if founder is None or founder.kommunenummer is None:
            continue
        kind, code = run.rng.choice(_ASSOCIATION_KINDS)
        place = places.get(founder.kommunenummer, "Bygda")
        found.append(
            Founding(
                organisasjonsform="FLI",
                navn=f"{place} {kind}".upper(),
                naeringskode=code,
                kommunenummer=founder.kommunenummer,
                founder=founder.ident,
            )
        )
    return found


def pick_closings(run: Run, n: int) -> list[Closing]:
    drawn = units.random_units(
        run.session, rng=run.rng, count=n, underenhet=False, organisasjonsformer=("AS", "ENK")
    )
    return [Closing(unit.organisasjonsnummer) for unit in drawn]


def _stillingsprosent(rng: random.Random) -> float:
    # About a quarter of employees work part time (SSB AKU); their positions spread widely.
    return 100.0 if rng.random() < 0.75 else float(rng.choice((20, 40, 50, 60, 80)))


def pick_hires(run: Run, n: int) -> list[aordningen.Employment]:
    workplaces = units.random_units(
        run.session, rng=run.rng, count=max(_WORKPLACES_DRAWN, n), underenhet=True
    )
    workplaces = [w for w in workplaces if w.overordnet_enhet is not None]
    if not workplaces:
        return []
    by_kommune: dict[str | None, list[units.SampledUnit]] = {}
    for workplace in workplaces:
        by_kommune.setdefault(workplace.kommunenummer, []).append(workplace)
    occupations = _occupations()
    hires = []
    for _ in range(n):
        person = _resident_aged(run, _WORKING_AGES)
        if person is None:
            continue
        local = by_kommune.get(person.kommunenummer)
        workplace = run.rng.choice(local or workplaces)
        assert workplace.overordnet_enhet is not None
        hires.append(
            aordningen.Employment(
                arbeidstaker=person.ident,
                opplysningspliktig=workplace.overordnet_enhet,
                arbeidssted=workplace.organisasjonsnummer,
                startdato=run.day,
                stillingsprosent=_stillingsprosent(run.rng),
                yrke=run.rng.choice(occupations),
            )
        )
    return hires


_QUITTING: Final = (
    ("arbeidstakerHarSagtOppSelv", 0.55),
    ("arbeidsgiverHarSagtOppArbeidstaker", 0.15),
    ("kontraktEngasjementEllerVikariatErUtloept", 0.30),
)


def pick_job_endings(run: Run, n: int) -> list[aordningen.Ending]:
    drawn = employments.random_active_employments(run.session, rng=run.rng, count=n, today=run.day)
    reasons, weights = zip(*_QUITTING, strict=True)
    return [
        aordningen.Ending(
            arbeidsforhold_id=employment.id,
            sluttdato=run.day,
            sluttaarsak=run.rng.choices(reasons, weights)[0],
        )
        for employment in drawn
        if employment.startdato <= run.day
    ]


# ------------------------------------------------------------------------------ registering


def _one_by_one(
    uow: UnitOfWork, items: Sequence[Any], register: Callable[[Any], object]
) -> list[object]:
    """Register items one at a time, each in a savepoint: a refusal undoes only its own."""
    outcomes: list[object] = []
    for item in items:
        try:
            with uow.savepoint():
                outcomes.append(register(item))
        except Problem as problem:
            outcomes.append(problem)
    return outcomes


def register_foundings(run: Run, items: Sequence[Founding]) -> list[object]:
    uow, day = run.uow, run.day

    def found(item: Founding) -> object:
        roles = (
            [enhetsregisteret.RolleInput("INNH", person=item.founder)]
            if item.organisasjonsform == "ENK"
            else [
                enhetsregisteret.RolleInput("DAGL", person=item.founder),
                enhetsregisteret.RolleInput("LEDE", person=item.founder),
            ]
            if item.organisasjonsform == "AS"
            else [enhetsregisteret.RolleInput("LEDE", person=item.founder)]
        )
        enhet = enhetsregisteret.register_enhet(
            uow,
            navn=item.navn,
            organisasjonsform=item.organisasjonsform,
            naeringskode=item.naeringskode,
            kommunenummer=item.kommunenummer,
            stiftelsesdato=day,
            roller=roles,
            rng=run.rng,
        )
        orgnr = enhet.organisasjonsnummer
        # register_enhet registers in Foretaksregisteret those who must be.
        if item.organisasjonsform == "FLI":
            enhetsregisteret.register_in_frivillighetsregisteret(uow, orgnr=orgnr)
        if item.organisasjonsform == "AS":
            enhetsregisteret.register_underenhet(
                uow,
                overordnet=orgnr,
                navn=item.navn,
                naeringskode=item.naeringskode,
                kommunenummer=item.kommunenummer,
                oppstartsdato=day,
                rng=run.rng,
            )
        return enhet

    return _one_by_one(uow, items, found)


def _end_employments_of(run: Run, orgnr: str) -> None:
    """End every active employment of an employer that closes, from today."""
    _total, active = aordningen_queries.employments_at(
        run.session,
        opplysningspliktig=orgnr,
        today=run.day,
        statuser=(aordningen_queries.AKTIV,),
        limit=100_000,
    )
    endings = [
        aordningen.Ending(
            arbeidsforhold_id=employment.id,
            sluttdato=run.day,
            sluttaarsak="arbeidsgiverHarSagtOppArbeidstaker",
        )
        for employment in active
        if employment.sluttdato is None or employment.sluttdato > run.day
    ]
    for outcome in aordningen.end_employments(run.uow, endings=endings) if endings else ():
        if isinstance(outcome, Problem):
            raise outcome


def register_dissolutions(run: Run, items: Sequence[Closing]) -> list[object]:
    def dissolve(item: Closing) -> object:
        enhet = enhetsregisteret.register_dissolution(
            run.uow, orgnr=item.organisasjonsnummer, dato=run.day
        )
        _end_employments_of(run, item.organisasjonsnummer)
        return enhet

    return _one_by_one(run.uow, items, dissolve)


def register_bankruptcies(run: Run, items: Sequence[Closing]) -> list[object]:
    def bankrupt(item: Closing) -> object:
        enhet = enhetsregisteret.register_bankruptcy(
            run.uow, orgnr=item.organisasjonsnummer, konkursdato=run.day
        )
        _end_employments_of(run, item.organisasjonsnummer)
        return enhet

    return _one_by_one(run.uow, items, bankrupt)


def register_hires(run: Run, items: Sequence[aordningen.Employment]) -> list[object]:
    return list(aordningen.start_employments(run.uow, employments=items))


def register_job_endings(run: Run, items: Sequence[aordningen.Ending]) -> list[object]:
    return list(aordningen.end_employments(run.uow, endings=items))


PICKS: Final[dict[str, Callable[[Run, int], Sequence[Any]]]] = {
    "business_founded": pick_businesses,
    "association_founded": pick_associations,
    "dissolution": pick_closings,
    "bankruptcy": pick_closings,
    "job_started": pick_hires,
    "job_ended": pick_job_endings,
}
REGISTERS: Final[dict[str, Callable[[Run, Sequence[Any]], list[object]]]] = {
    "business_founded": register_foundings,
    "association_founded": register_foundings,
    "dissolution": register_dissolutions,
    "bankruptcy": register_bankruptcies,
    "job_started": register_hires,
    "job_ended": register_job_endings,
}


# ------------------------------------------------------------------------------ monthly pay


def month_reported_on(day: date) -> str | None:
    """The month whose a-meldinger are due on ``day`` (``YYYY-MM``), or None."""
    if day.day != REPORTING_DAY:
        return None
    previous = day.replace(day=1) - timedelta(days=1)
    return f"{previous.year:04d}-{previous.month:02d}"


def _new_pay(rng: random.Random, stillingsprosent: float) -> int:
    full_time = _MEDIAN_MONTHLY_PAY * math.exp(rng.gauss(0.0, _PAY_SPREAD))
    return max(1_000, round(full_time * stillingsprosent / 100 / 100) * 100)


_DEPARTED: Final = frozenset({"doed", "utflyttet"})


def _end_for_the_departed(
    run: Run, batch: Sequence[employments.EmploymentToReport], month_start: date
) -> set[int]:
    """End the employments of people dead or emigrated; returns the ids not to pay."""
    people = folkeregister.get_persons(run.session, idents={e.arbeidstaker for e in batch})
    endings: list[aordningen.Ending] = []
    unpaid: set[int] = set()
    for employment in batch:
        person = people.get(employment.arbeidstaker)
        if person is not None and person.status not in _DEPARTED:
            continue
        left = None if person is None else (person.doedsdato or person.utflyttingsdato)
        if employment.sluttdato is not None and left is not None and employment.sluttdato <= left:
            continue  # ended already, before they left
        last_day = max(left or run.day, month_start, employment.startdato)
        endings.append(aordningen.Ending(arbeidsforhold_id=employment.id, sluttdato=last_day))
        if left is None or left < month_start:
            unpaid.add(employment.id)
    if endings:
        with run.uow.savepoint():
            aordningen.end_employments(run.uow, endings=endings)
    return unpaid


def _days_worked(employment: employments.EmploymentToReport, month: str) -> tuple[int, int]:
    """(days of ``month`` the employment lasted, days of the month)."""
    first, last = kodeverk.first_day(month), kodeverk.last_day(month)
    start = max(first, employment.startdato)
    end = min(last, employment.sluttdato) if employment.sluttdato is not None else last
    return max(0, (end - start).days + 1), (last - first).days + 1


def monthly_pay(rng: random.Random, employment: employments.EmploymentToReport, month: str) -> int:
    """The fixed pay of ``month`` for an employment (see the module docstring)."""
    full = employment.last_fastloenn
    if full is not None and employment.last_month is not None:
        worked, days = _days_worked(employment, employment.last_month)
        if 0 < worked < days:  # its first (or a part) month: the whole month's pay
            full = round(full * days / worked)
    if full is None:
        full = _new_pay(rng, employment.stillingsprosent)
    worked, days = _days_worked(employment, month)
    return max(1, round(full * worked / days))


def report_pay(run: Run, month: str) -> tuple[int, int]:
    """Every employer's a-melding for ``month``: (accepted, refused)."""
    accepted = refused = 0
    month_start = kodeverk.first_day(month)
    employers = employments.employers_to_report(run.session, month=month)
    for first in range(0, len(employers), _EMPLOYERS_PER_BATCH):
        batch = employments.employments_to_report(
            run.session, month=month, employers=employers[first : first + _EMPLOYERS_PER_BATCH]
        )
        if not batch:
            continue
        unpaid = _end_for_the_departed(run, batch, month_start)
        # One line per person and workplace: two employments at one workplace in a month
        # (one ended, one started) are paid on one line, as the a-melding has it.
        pay: dict[str, dict[tuple[str, str], int]] = {}
        for employment in batch:
            if employment.id in unpaid:
                continue
            amount = monthly_pay(run.rng, employment, month)
            key = (employment.arbeidstaker, employment.arbeidssted)
            of_employer = pay.setdefault(employment.opplysningspliktig, {})
            of_employer[key] = of_employer.get(key, 0) + amount
        lines = {
            orgnr: [
                aordningen.PayReport(
                    norskident=ident,
                    virksomhet=virksomhet,
                    inntekter={"fastloenn": amount},
                    forskuddstrekk=round(amount * _TAX_SHARE),
                )
                for (ident, virksomhet), amount in lines_of.items()
            ]
            for orgnr, lines_of in pay.items()
        }
        reports = [
            aordningen.MonthlyReport(
                opplysningspliktig=orgnr, kalendermaaned=month, inntektsmottakere=employees
            )
            for orgnr, employees in lines.items()
        ]
        try:
            with run.uow.savepoint():
                outcome = aordningen.report_months(run.uow, reports=reports)
        except Problem:
            refused += len(reports)
            continue
        done = sum(1 for result in outcome if not isinstance(result, Problem))
        accepted += done
        refused += len(reports) - done
    return accepted, refused
