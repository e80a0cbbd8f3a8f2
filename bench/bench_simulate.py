"""Benchmark: simulated life events and working life through the registries into PostgreSQL.

    python bench/bench_simulate.py --persons 200000 --days 36 --rate-multiplier 20 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The schema ``felles_bench_sim`` (``--schema``) is dropped, recreated, migrated and filled
with ``generate_population`` and ``generate_economy`` (``--no-economy``: the population
only) first, so every run starts from the same Norway. Then
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

Working life (``felles.synth.working_life``: businesses, jobs, and every employer's a-melding
on the 5th, which the multiplier does not scale) happens too unless ``--no-working-life``;
36 days from 1 January include 5 February, when January is reported. The figures are given
for all operations and for Folkeregisteret's life events alone.

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
import pstats
import sys
import time
from pathlib import Path
from typing import Any

from benchlib import (
    DEFAULT_URL,
    RESULTS,
    fresh_schema,
    machine,
    python_reference_ms,
    schema_url,
)

from felles.kernel import migrate
from felles.kernel.db import Database
from felles.kernel.events import last_seq
from felles.kernel.progress import make_progress
from felles.synth import simulator
from felles.synth.economy import generate_economy
from felles.synth.population import generate_population
from felles.synth.simulator import SimulationReport, simulate

GOAL_OPERATIONS_PER_SECOND = 2_000


def _life_events(report: SimulationReport) -> dict[str, float]:
    """Operations and seconds of Folkeregisteret's life events alone (picks included)."""
    operations = sum(report.operations[kind] for kind in simulator.LIFE_EVENTS)
    seconds = sum(report.seconds_by_kind.get(kind, 0.0) for kind in simulator.LIFE_EVENTS)
    return {
        "operations": operations,
        "seconds_in_their_picks_and_operations": round(seconds, 2),
        "operations_per_second": round(operations / seconds, 1) if seconds else 0.0,
    }


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
            with_working_life=args.working_life,
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
    parser.add_argument("--days", type=int, default=36)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate-multiplier", type=float, default=20.0)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--economy", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--working-life", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--output", type=Path, default=RESULTS / "simulate.json")
    parser.add_argument("--profile", help="write cProfile stats of the simulation to FILE")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    fresh_schema(args.database_url, args.schema)
    database = Database(schema_url(args.database_url, args.schema))
    migrate.upgrade(database)
    started = time.perf_counter()
    with make_progress() as progress:
        generated = generate_population(
            database, persons=args.persons, seed=args.seed, progress=progress
        )
        if args.economy:
            generate_economy(database, seed=args.seed, progress=progress)
    generation_seconds = time.perf_counter() - started

    before = _outbox_rows(database)
    load_before = round(os.getloadavg()[0], 2)
    reference_before = python_reference_ms()
    report = _simulate(args, database)
    outbox_rows = _outbox_rows(database) - before
    result = _result(args, report, generation_seconds, outbox_rows)
    result["machine"] = machine(database)
    result["machine"]["load_average_1min_at_start"] = load_before
    result["machine"]["python_reference_ms_at_start"] = reference_before
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
            f"every yearly rate (births, deaths, migration, marriages, divorces, moves, "
            f"businesses, jobs) is multiplied by {args.rate_multiplier:g}: each simulated day "
            f"has the operations of a population {args.rate_multiplier:g} times larger, drawn "
            f"from and written to the {args.persons:,} people generated; the monthly "
            f"a-meldinger are not multiplied"
        ),
        "economy": args.economy,
        "working_life": args.working_life,
        "generation_seconds": round(generation_seconds, 2),
        "move_batch_people": simulator._MOVE_BATCH,
        "milliseconds_per_operation_by_kind": {
            kind: round(1000 * seconds / report.operations[kind], 2)
            for kind, seconds in report.seconds_by_kind.items()
            if report.operations[kind]
        },
        # The bulk load ends with ANALYZE (felles.kernel.bulk), so plans are right at once.
        "analyzed_after_generation": True,
        "operations": report.total_operations,
        "operations_per_second": round(report.operations_per_second, 1),
        "events_written": report.events_written,
        "outbox_rows_added": outbox_rows,
        "events_per_second": round(report.events_written / seconds, 1) if seconds else 0.0,
        "seconds": round(seconds, 2),
        "life_events": _life_events(report),
        "goal_operations_per_second": GOAL_OPERATIONS_PER_SECOND,
        "goal_met": report.operations_per_second >= GOAL_OPERATIONS_PER_SECOND,
        "report": report.as_dict(),
    }


if __name__ == "__main__":
    main()
