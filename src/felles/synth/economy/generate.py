"""``generate_economy``: organisations, roles, jobs, pay reports and property for a population.

Runs after ``generate_population`` on the same database, region by region
(``residents.plan_regions``), and writes through one ``BulkWriter`` (PostgreSQL ``COPY``,
secondary indexes dropped and rebuilt once; SQLite batched inserts): one transaction, no
events (decision 0006), deterministic for the seed. Memory holds one region's people and
rows, plus the public employers' pay lines, which are written at the end (``reports``).
See docs/decisions/0020-synthetic-economy.md.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any, Final, cast

import numpy as np
from rich.progress import Progress, TaskID
from rich.table import Table as RichTable
from sqlalchemy import Table, func, select

from felles.kernel.bulk import BulkWriter
from felles.kernel.db import Database
from felles.kernel.ids import allocate_synthetic_orgnrs
from felles.registries.aordningen.model import (
    AMelding,
    Ansettelsesdetaljer,
    Arbeidsforhold,
    Inntekt,
)
from felles.registries.eiendom.model import Adressekobling, Dokument, Hjemmel, Matrikkelenhet
from felles.registries.enhetsregisteret.model import Enhet, Rolle
from felles.registries.skatt.model import Skatteoppgjoer
from felles.synth import reference
from felles.synth.economy import (
    calibration,
    columns,
    employment,
    entities,
    property,
    public,
    reports,
    residents,
    roles,
    tax,
)
from felles.synth.economy.common import Ids, OrgnrPool, day_number, objects

__all__ = ["EconomyExists", "EconomyReport", "generate_economy"]

_STREAM: Final = 0xEC0
_ORGNR_STREAM: Final = 0xEC1


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


ENHET, ROLLE = _table(Enhet), _table(Rolle)
ARBEIDSFORHOLD, DETALJER = _table(Arbeidsforhold), _table(Ansettelsesdetaljer)
AMELDING, INNTEKT = _table(AMelding), _table(Inntekt)
MATRIKKELENHET, ADRESSE, DOKUMENT, HJEMMEL = (
    _table(Matrikkelenhet),
    _table(Adressekobling),
    _table(Dokument),
    _table(Hjemmel),
)
_ID_TABLES: Final = (
    ENHET,
    ROLLE,
    ARBEIDSFORHOLD,
    DETALJER,
    AMELDING,
    INNTEKT,
    MATRIKKELENHET,
    DOKUMENT,
    HJEMMEL,
)


class EconomyExists(RuntimeError):  # noqa: N818 (reads better than ...Error at the call)
    """The database already has employments, property or generated entities."""


@dataclass(frozen=True, slots=True)
class EconomyReport:
    """What ``generate_economy`` wrote and how long it took."""

    persons: int
    seed: int
    regions: int
    rows: dict[str, int]
    seconds: float
    rows_per_second: float
    phases: dict[str, float] = field(default_factory=dict)

    def summary(self) -> RichTable:
        table = RichTable(title=f"Synthetic economy for {self.persons:,} people (seed {self.seed})")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name, count in self.rows.items():
            table.add_row(name, f"{count:,}")
        table.caption = (
            f"{self.seconds:.1f} s, {self.rows_per_second:,.0f} rows/s, {self.regions} regions"
        )
        return table


@dataclass(slots=True)
class _Tasks:
    progress: Progress | None
    ids: dict[str, TaskID] = field(default_factory=dict)

    def add(self, name: str, total: float) -> None:
        if self.progress is not None:
            self.ids[name] = self.progress.add_task(name, total=total)

    def advance(self, name: str, amount: float = 1) -> None:
        if self.progress is not None and name in self.ids:
            self.progress.advance(self.ids[name], amount)


_ENTITIES, _EMPLOYMENT, _REPORTS, _PROPERTY, _TAX = (
    "Enhetsregisteret: entities and roles",
    "A-ordningen: employments",
    "A-ordningen: a-meldinger",
    "Matrikkelen/Grunnboken: property",
    "Skatteetaten: assessments 2023",
)


def _refuse_existing(database: Database) -> set[str]:
    """The organisation numbers already registered; EconomyExists when the economy is there."""
    with database.read_session() as session:
        for model in (Arbeidsforhold, Matrikkelenhet):
            if session.scalar(select(func.count()).select_from(_table(model))):
                raise EconomyExists(f"{_table(model).name} has rows: the economy exists already")
        if not session.scalar(select(func.count()).select_from(residents._PERSONS)):
            raise ValueError("generate the population first (frg_person is empty)")
        return set(session.scalars(select(ENHET.c.organisasjonsnummer)))


def _next_ids(database: Database) -> Ids:
    ids = Ids()
    tables = [*_ID_TABLES, _table(Skatteoppgjoer)]
    with database.read_session() as session:
        for table in tables:
            ids.next[table.name] = int(session.scalar(select(func.max(table.c.id))) or 0) + 1
    return ids


def _orgnr_pool(persons: int, seed: int, existing: set[str]) -> OrgnrPool:
    wanted = int(0.3 * persons) + 20_000
    numbers = allocate_synthetic_orgnrs(
        wanted + len(existing),
        seed=int(np.random.SeedSequence([seed, _ORGNR_STREAM]).generate_state(1)[0]),
    )
    if existing:
        numbers = numbers[~np.isin(numbers, np.array(sorted(existing)))]
    return OrgnrPool(numbers)


def generate_economy(
    database: Database,
    *,
    seed: int,
    progress: Progress | None = None,
    reference_date: dt.date = dt.date(2025, 1, 1),
) -> EconomyReport:
    """Generate the economy of the population in ``database`` (see the module docstring).

    Needs a generated population and no economy yet (``EconomyExists`` otherwise).
    """
    started = time.perf_counter()
    existing = _refuse_existing(database)
    regions = residents.plan_regions(database)
    persons = sum(r.persons for r in regions)
    pool = _orgnr_pool(persons, seed, existing)
    ids = _next_ids(database)
    sector = public.public_sector(existing, pool)
    state = _State(
        database=database,
        seed=seed,
        reference_day=day_number(reference_date),
        months=reports.reported_months(reference_date),
        ids=ids,
        pool=pool,
        sector=sector,
        numbering=property.Numbering(),
        deferred=reports.Deferred([]),
    )
    tasks = _Tasks(progress)
    for name in (_ENTITIES, _EMPLOYMENT, _REPORTS, _PROPERTY, _TAX):
        tasks.add(name, persons)
    phases = {"prepare": time.perf_counter() - started, "read": 0.0, "generate": 0.0, "write": 0.0}
    # enh_navnesok is filled by triggers on enh_enhet (decision 0021): analyse it too.
    with BulkWriter(
        database, drop_indexes=database.is_postgresql, also_analyze=("enh_navnesok",)
    ) as writer:
        state.writer = writer
        for region in regions:
            _region(state, region, tasks, phases)
        step = time.perf_counter()
        _public(state)
        phases["write"] += time.perf_counter() - step
        step = time.perf_counter()
    phases["indexes and commit"] = time.perf_counter() - step
    phases["database busy"] = writer.database_seconds
    phases["database index rebuild"] = writer.index_seconds
    seconds = time.perf_counter() - started
    rows = dict(writer.rows_written)
    return EconomyReport(
        persons=persons,
        seed=seed,
        regions=len(regions),
        rows=rows,
        seconds=seconds,
        rows_per_second=sum(rows.values()) / seconds if seconds else 0.0,
        phases=phases,
    )


@dataclass(slots=True)
class _State:
    database: Database
    seed: int
    reference_day: int
    months: list[tuple[str, int, int]]
    ids: Ids
    pool: OrgnrPool
    sector: public.PublicSector
    numbering: property.Numbering
    deferred: reports.Deferred
    writer: BulkWriter | None = None

    def write(self, table: Table, data: dict[str, Any]) -> None:
        assert self.writer is not None
        self.writer.write(table, list(data), data)


def _region(
    state: _State, region: residents.Region, tasks: _Tasks, phases: dict[str, float]
) -> None:
    step = time.perf_counter()
    database, day = state.database, state.reference_day
    people = residents.read_people(database, region)
    addresses = residents.read_addresses(database, region)
    phases["read"] += time.perf_counter() - step
    step = time.perf_counter()
    rng = np.random.default_rng([state.seed, _STREAM, region.index])
    as_text = database.is_postgresql

    def enk_names(owner: Any) -> Any:
        return residents.names_of(database, people.person_id[owner])

    units = entities.generate_entities(rng, people, addresses, day, enk_names)
    n = units.form.size
    orgnr = state.pool.take(n)
    units = entities.Entities(**{**{f: getattr(units, f) for f in units.__slots__}, "orgnr": orgnr})  # type: ignore[attr-defined]
    enhet_ids = state.ids.take(ENHET.name, n)
    candidates = entities.candidate_sub_units(rng, units, people, addresses)
    jobs, employers = employment.assign(
        rng, people, addresses, units, candidates, state.sector, state.pool.take, day
    )
    industries = calibration.industries()
    entity_rows = columns.enhet_columns(
        rng,
        ids=enhet_ids,
        orgnr=orgnr,
        underenhet=False,
        navn=units.navn,
        form=units.form,
        parent=None,
        naeringskode=industries.kode[units.nace],
        kommune=units.kommune,
        address=columns.address_json(addresses, units.address, as_text=as_text),
        employees=employers.entity_employees,
        founded=units.founded,
        registered=units.registered,
        mva=units.mva,
        foretaksregister=units.foretaksregister,
        frivillighet=units.frivillighet,
    )
    kept = employers.candidate
    parent = candidates.parent[kept]
    parent_form = units.form[parent]
    sub_form = np.where(np.isin(parent_form, ["FLI", "STI", "ESEK", "SAM"]), "AAFY", "BEDR").astype(
        object
    )
    sub_rows = columns.enhet_columns(
        rng,
        ids=state.ids.take(ENHET.name, kept.size),
        orgnr=employers.orgnr,
        underenhet=True,
        navn=candidates.navn[kept],
        form=sub_form,
        parent=orgnr[parent],
        naeringskode=industries.kode[units.nace[parent]],
        kommune=candidates.kommune[kept],
        address=columns.address_json(addresses, candidates.address[kept], as_text=as_text),
        employees=employers.employees,
        founded=units.founded[parent],
        registered=units.registered[parent],
        mva=units.mva[parent],
        foretaksregister=False,
        frivillighet=False,
    )
    held = roles.generate_roles(rng, units, people, day)
    role_rows = roles.role_columns(
        rng,
        held,
        ids=state.ids.take(ROLLE.name, held.entity.size),
        enhet_ids=enhet_ids,
        registered=units.registered,
        people=people,
        reference_day=day,
    )
    ident = people.ident_text(jobs.person)
    employment_ids, arbeidsforhold, details = reports.employment_tables(
        rng, jobs, ident, state.ids.take, day
    )
    lines = reports.pay_lines(jobs, state.months)
    public_line = jobs.public[lines.job]
    person_id = people.person_id[jobs.person]
    state.deferred.add(lines, public_line, jobs, employment_ids, ident, person_id)
    private = np.flatnonzero(~public_line)
    private_job = lines.job[private]
    amelding, inntekt = reports.melding_tables(
        rng,
        employer=jobs.opplysningspliktig[private_job],
        arbeidssted=jobs.arbeidssted[private_job],
        arbeidsforhold_id=employment_ids[private_job],
        ident=ident[private_job],
        person=person_id[private_job],
        month=lines.month[private],
        pay=lines.pay[private],
        tax=lines.tax[private],
        months=state.months,
        take_ids=state.ids.take,
    )
    owned = property.generate_property(
        rng, people, addresses, units, state.sector, state.numbering, state.ids.take, day
    )
    assessments = tax.assessments(rng, people, jobs, owned, day, state.ids.take)
    phases["generate"] += time.perf_counter() - step

    step = time.perf_counter()
    state.write(ENHET, entity_rows)
    state.write(ENHET, sub_rows)
    state.write(ROLLE, role_rows)
    tasks.advance(_ENTITIES, region.persons)
    state.write(ARBEIDSFORHOLD, arbeidsforhold)
    state.write(DETALJER, details)
    tasks.advance(_EMPLOYMENT, region.persons)
    state.write(AMELDING, amelding)
    state.write(INNTEKT, inntekt)
    tasks.advance(_REPORTS, region.persons)
    state.write(MATRIKKELENHET, owned.matrikkelenhet)
    state.write(ADRESSE, owned.adresse)
    state.write(DOKUMENT, owned.dokument)
    state.write(HJEMMEL, owned.hjemmel)
    tasks.advance(_PROPERTY, region.persons)
    for table, data in assessments:
        state.write(table, data)
    tasks.advance(_TAX, region.persons)
    phases["write"] += time.perf_counter() - step


_PUBLIC_REGISTERED: Final = day_number(dt.date(1995, 2, 1))


def _public(state: _State) -> None:
    """The public units not registered yet, their workplaces, and their a-meldinger."""
    rng = np.random.default_rng([state.seed, _STREAM, 999_999])
    sector = state.sector
    mains = [u for u in sector.units.values() if not u.written]
    if mains:
        orgnr, navn, form, kommunenummer, nace = public.main_unit_rows(mains)
        index = residents.kommune_index()
        kommune = np.array(
            [index[int(k)] if k else 0 for k in kommunenummer.tolist()], dtype=np.int64
        )
        address = objects(
            [
                None
                if k is None
                else {
                    "adresse": [],
                    "kommunenummer": k,
                    "kommune": reference.kommune(k).kommunenavn.upper(),
                    "landkode": "NO",
                    "land": "Norge",
                }
                for k in kommunenummer.tolist()
            ]
        )
        n = len(mains)
        rows = columns.enhet_columns(
            rng,
            ids=state.ids.take(ENHET.name, n),
            orgnr=orgnr,
            underenhet=False,
            navn=navn,
            form=form,
            parent=None,
            naeringskode=nace,
            kommune=kommune,
            address=address,
            employees=np.array(
                [sector.employees.get(o, 0) for o in orgnr.tolist()], dtype=np.int64
            ),
            founded=np.full(n, _PUBLIC_REGISTERED),
            registered=np.full(n, _PUBLIC_REGISTERED),
            mva=form == "KOMM",
            foretaksregister=form == public.HEALTH_TRUST_FORM,
            frivillighet=False,
        )
        rows["kommunenummer"] = np.where(kommunenummer == None, None, rows["kommunenummer"])  # noqa: E711
        rows["stiftelsesdato"] = None
        state.write(ENHET, rows)
    places = list(sector.workplaces.values())
    if places:
        n = len(places)
        rows = columns.enhet_columns(
            rng,
            ids=state.ids.take(ENHET.name, n),
            orgnr=objects([p.orgnr for p in places]),
            underenhet=True,
            navn=objects([p.navn for p in places]),
            form=np.full(n, "BEDR", dtype=object),
            parent=objects([p.parent for p in places]),
            naeringskode=objects([p.naeringskode for p in places]),
            kommune=np.array([p.kommune for p in places], dtype=np.int64),
            address=objects([p.address for p in places]),
            employees=np.array([p.employees for p in places], dtype=np.int64),
            founded=np.full(n, _PUBLIC_REGISTERED),
            registered=np.full(n, _PUBLIC_REGISTERED),
            mva=np.zeros(n, dtype=bool),
            foretaksregister=False,
            frivillighet=False,
        )
        state.write(ENHET, rows)
    lines = state.deferred.merged()
    if lines is not None and lines["pay"].size:
        amelding, inntekt = reports.melding_tables(
            rng,
            employer=lines["employer"],
            arbeidssted=lines["arbeidssted"],
            arbeidsforhold_id=lines["arbeidsforhold_id"],
            ident=lines["ident"],
            person=lines["person"],
            month=lines["month"],
            pay=lines["pay"],
            tax=lines["tax"],
            months=state.months,
            take_ids=state.ids.take,
        )
        state.write(AMELDING, amelding)
        state.write(INNTEKT, inntekt)
