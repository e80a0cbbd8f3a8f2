"""Benchmark: simulated life events through Folkeregisteret's operations into PostgreSQL.

    python bench/bench_simulate.py --persons 200000 --days 30 --rate-multiplier 20 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The schema ``felles_bench_sim`` (``--schema``) is dropped, recreated, migrated and filled
with ``generate_population`` first, so every run starts from the same population. Then
``felles.synth.simulator.simulate`` runs ``--days`` days and the benchmark records registry
operations per second, events included (every operation writes its events to the outbox in
the same transaction). Goal: at least 2 000 operations per second.

Norway's rates on 200 000 people give about 90 operations a day, too few to measure a rate
with; ``--rate-multiplier`` multiplies every rate (births, deaths, moves ...) so that each
simulated day has as many operations as a population that many times larger would have,
while the registry being sampled and written keeps its 200 000 people.

Moves (about three quarters of the operations) are registered a batch of households at a
time (``register_moves``: one row-locking select, one history insert and one versioned
update statement per batch, every move still checked by the registry's rules and written
with its history and event); the batch size is recorded as ``move_batch_people``. Other
kinds are one operation in one savepoint each.

Figures go to ``bench/results/simulate.json`` (``--output``) with the machine and command;
the load average before and after the run is recorded, since other work on the machine
slows a run down.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from felles.kernel import migrate
from felles.kernel.db import Database
from felles.kernel.events import last_seq
from felles.kernel.progress import make_progress
from felles.synth import simulator
from felles.synth.population import generate_population
from felles.synth.simulator import SimulationReport, simulate

RESULTS = Path(__file__).parent / "results"
DEFAULT_URL = os.environ.get(
    "FELLES_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
GOAL_OPERATIONS_PER_SECOND = 2_000
# The household lookup (people at one address and dwelling) needs this index; it is not in
# the migrations yet. With --add-missing-indexes the benchmark creates it and says so.
MISSING_INDEXES = {
    "ix_frg_person_adresse": "CREATE INDEX IF NOT EXISTS ix_frg_person_adresse "
    "ON frg_person (adresse_id, bruksenhetsnummer)",
}


def _schema_url(url: str, schema: str) -> str:
    parsed = make_url(url)
    query = dict(parsed.query)
    query["options"] = f"-csearch_path={schema}"
    return parsed.set(query=query).render_as_string(hide_password=False)


def _fresh_schema(url: str, schema: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def _machine(database: Database) -> dict[str, Any]:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    with database.engine.connect() as connection:
        version: str = connection.execute(text("SELECT version()")).scalar_one()
        settings: dict[str, str] = {
            name: connection.execute(text(f"SHOW {name}")).scalar_one()
            for name in ("shared_buffers", "synchronous_commit", "wal_level", "fsync")
        }
    return {
        # Other work on the machine slows a run down: the 1-minute load average at the end.
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "nproc": os.cpu_count(),
        "memory_bytes": memory,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "postgresql": version,
        "postgresql_settings": settings,
    }


def _existing_indexes(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT indexname FROM pg_indexes WHERE tablename = 'frg_person'")
        )
        return {row[0] for row in rows}


def _add_missing_indexes(database: Database) -> list[str]:
    present = _existing_indexes(database)
    added = []
    with database.engine.begin() as connection:
        for name, ddl in MISSING_INDEXES.items():
            if name not in present:
                connection.execute(text(ddl))
                added.append(ddl)
    return added


def _analyze(database: Database) -> None:
    # The bulk load leaves no planner statistics; autovacuum would gather them a little
    # later, so the simulation would be measured with bad plans at first.
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def _outbox_rows(database: Database) -> int:
    with database.read_session() as session:
        return last_seq(session)


def _simulate(args: argparse.Namespace, database: Database) -> SimulationReport:
    profiler = cProfile.Profile() if args.profile else None
    with make_progress() as progress:
        if profiler is not None:
            profiler.enable()
        report = simulate(
            database,
            days=args.days,
            seed=args.seed,
            progress=progress,
            batch_size=args.batch_size,
            rate_multiplier=args.rate_multiplier,
        )
        if profiler is not None:
            profiler.disable()
    if profiler is not None:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(40)
    return report


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="felles_bench_sim")
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate-multiplier", type=float, default=20.0)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--add-missing-indexes",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="create indexes the simulator needs but the migrations lack (reported)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "simulate.json")
    parser.add_argument("--profile", help="write cProfile stats of the simulation to FILE")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    _fresh_schema(args.database_url, args.schema)
    database = Database(_schema_url(args.database_url, args.schema))
    migrate.upgrade(database)
    started = time.perf_counter()
    with make_progress() as progress:
        generated = generate_population(
            database, persons=args.persons, seed=args.seed, progress=progress
        )
    generation_seconds = time.perf_counter() - started
    added = _add_missing_indexes(database) if args.add_missing_indexes else []
    _analyze(database)

    before = _outbox_rows(database)
    load_before = round(os.getloadavg()[0], 2)
    report = _simulate(args, database)
    outbox_rows = _outbox_rows(database) - before
    result = _result(args, report, generation_seconds, added, outbox_rows)
    result["machine"] = _machine(database)
    result["machine"]["load_average_1min_at_start"] = load_before
    database.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: result[k] for k in ("operations_per_second", "goal_met")}, indent=2))
    print(f"households in the population: {generated.households:,}; written to {args.output}")
    return result


def _result(
    args: argparse.Namespace,
    report: SimulationReport,
    generation_seconds: float,
    added_indexes: list[str],
    outbox_rows: int,
) -> dict[str, Any]:
    seconds = report.seconds
    return {
        "benchmark": "simulate",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_simulate.py " + " ".join(sys.argv[1:]),
        "persons": args.persons,
        "days": args.days,
        "seed": args.seed,
        "batch_size": args.batch_size,
        "rate_multiplier": args.rate_multiplier,
        "rate_multiplier_means": (
            f"every yearly rate (births, deaths, migration, marriages, divorces, moves) is "
            f"multiplied by {args.rate_multiplier:g}: each simulated day has the operations "
            f"of a population {args.rate_multiplier:g} times larger, drawn from and written "
            f"to the {args.persons:,} people generated"
        ),
        "population_generation_seconds": round(generation_seconds, 2),
        "indexes_added_for_the_benchmark": added_indexes,
        "move_batch_people": simulator._MOVE_BATCH,
        "milliseconds_per_operation_by_kind": {
            kind: round(1000 * seconds / report.operations[kind], 2)
            for kind, seconds in report.seconds_by_kind.items()
            if report.operations[kind]
        },
        "analyzed_after_generation": True,
        "operations": report.total_operations,
        "operations_per_second": round(report.operations_per_second, 1),
        "events_written": report.events_written,
        "outbox_rows_added": outbox_rows,
        "events_per_second": round(report.events_written / seconds, 1) if seconds else 0.0,
        "seconds": round(seconds, 2),
        "goal_operations_per_second": GOAL_OPERATIONS_PER_SECOND,
        "goal_met": report.operations_per_second >= GOAL_OPERATIONS_PER_SECOND,
        "report": report.as_dict(),
    }


if __name__ == "__main__":
    main()
