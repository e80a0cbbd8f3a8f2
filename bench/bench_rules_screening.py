"""Benchmark: screening the whole population for barnetrygd and kontantstøtte (issue 6).

    python bench/bench_rules_screening.py --persons 5600000 --reuse \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Goals, for one month over the full 5.6 million synthetic people: computing barnetrygd +
kontantstøtte ≤ 5 s; loading the inputs from PostgreSQL ≤ 30 s; and the felles screening path
at least 0.8 × the speed of calling OpenFisca directly on the same arrays.

Set-up: ``--persons`` people (no economy) from the population generator in a schema of its
own (``felles_bench_screening``), made afresh unless ``--reuse`` finds a population there
(then that population is used whatever its size; ``persons_present`` in the result is what
was there). Tables are analysed if they never were, and read into the OS page cache
(``benchlib.warm_os_cache``; ``--no-warm-os-cache`` measures the disk as well: this VM gives
back the page cache of tables not read for a while).

Figures (each ``--runs`` times; the best and every run are recorded):

* ``load``: ``population.load_columns`` — everyone alive in the month and every parent link
  from Folkeregisteret's query layer (two connections side by side); also the two reads one
  after the other (``load_people_only``, ``load_links_only``).
* ``build``: ``population.prepare`` (familier and inputs) + ``population.build_simulation``.
* ``compute``: ``screening.compute`` for barnetrygd and kontantstøtte on a fresh simulation
  (the familie amounts and the per-child amounts the report reads).
* ``direct_build`` and ``direct_compute``: the same arrays (ids, familie of each person,
  roles, inputs) through a plain ``SimulationBuilder`` (``declare_person_entity``,
  ``declare_entity``, ``join_with_persons`` with role numbers, ``set_input``) and
  ``Simulation.calculate`` of the same four variables, no felles code in between. felles and
  direct runs alternate; the results are checked equal. ``speed_ratio_felles_to_direct`` =
  direct seconds ÷ felles seconds (1.0 = as fast; the goal is ≥ 0.8), for the compute (the
  goal), for build + compute, and with felles' own preparation of familier and inputs too.
* ``report``: ``screening.summarise`` for both benefits; ``write_csv``: the list to a file.
* ``screen_in_process``: ``screening.screen`` with its own phase timings, and
  ``screen_command``: ``felles rules screen --benefit barnetrygd --benefit kontantstoette``
  as a separate process writing the CSV (Python start-up and imports included).

Also the counts (people, familier, eligible familier and children, monthly totals), peak RSS,
the load average at start and end and a Python reference workload (this VM's speed varies).
Figures go to ``bench/results/rules_screening.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import numpy as np
from benchlib import (
    DEFAULT_URL,
    RESULTS,
    analyze_if_never_analyzed,
    machine,
    population,
    python_reference_ms,
    schema_url,
    warm_os_cache,
)
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.simulations import Simulation

from felles.kernel.db import Database
from felles.registries.folkeregister import columns
from felles.rules import screening
from felles.rules.population import (
    Month,
    Population,
    build_simulation,
    load_columns,
    prepare,
)
from felles.rules.system import tax_benefit_system

GOAL_COMPUTE_SECONDS: Final = 5.0
GOAL_LOAD_SECONDS: Final = 30.0
GOAL_SPEED_RATIO: Final = 0.8
FULL_POPULATION: Final = 5_600_000
BENEFITS: Final = [screening.BENEFITS["barnetrygd"], screening.BENEFITS["kontantstoette"]]
VARIABLES: Final = [name for b in BENEFITS for name in (b.familie_variable, b.per_child_variable)]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--period", default="2025-06")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="felles_bench_screening")
    parser.add_argument("--reuse", action="store_true", help="keep the population if present")
    parser.add_argument("--no-command", action="store_true", help="skip the command's run")
    parser.add_argument(
        "--no-warm-os-cache",
        action="store_true",
        help="measure without reading the tables into the OS page cache first",
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "rules_screening.json")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def _population(database: Database, args: argparse.Namespace) -> dict[str, Any]:
    generated, present, seconds = population(
        database,
        url=args.database_url,
        schema=args.schema,
        persons=args.persons,
        seed=args.seed,
        reuse=args.reuse,
    )
    figures: dict[str, Any] = {"generated": generated, "persons_present": present}
    if seconds is not None:
        figures["seconds"] = seconds
    return figures


def _timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Seconds ``call(*args, **kwargs)`` took, and what it returned."""
    started = time.perf_counter()
    value = call(*args, **kwargs)
    return time.perf_counter() - started, value


def _figure(seconds: list[float]) -> dict[str, Any]:
    return {"best_s": round(min(seconds), 3), "runs_s": [round(s, 3) for s in seconds]}


def direct_simulation(population: Population) -> Simulation:
    """The population's arrays through OpenFisca's own builder, as its documentation shows."""
    system = tax_benefit_system()
    families = population.families
    builder = SimulationBuilder()
    builder.create_entities(system)
    builder.declare_person_entity("person", population.people.id)
    familier = builder.declare_entity("familie", np.arange(families.count))
    builder.join_with_persons(familier, families.familie, families.role)
    simulation = builder.build(system)
    for name, (period, values) in population.inputs.items():
        simulation.set_input(name, period, values)
    return simulation


def direct_compute(simulation: Simulation, period: str) -> dict[str, Any]:
    return {name: simulation.calculate(name, period) for name in VARIABLES}


def _measure_compute(
    population: Population, runs: int, period: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """felles and direct, alternating, each on a fresh simulation; results compared."""
    system = tax_benefit_system()
    seconds: dict[str, list[float]] = {
        k: [] for k in ("build", "compute", "direct_build", "direct_compute")
    }
    last: dict[str, Any] = {}
    for run in range(runs):
        order = ("felles", "direct") if run % 2 == 0 else ("direct", "felles")
        for path in order:
            gc.collect()
            if path == "felles":
                build, simulation = _timed(build_simulation, system, population)
                compute, amounts = _timed(screening.compute, simulation, BENEFITS, period)
                seconds["build"].append(build)
                seconds["compute"].append(compute)
                last["felles"] = amounts
            else:
                build, simulation = _timed(direct_simulation, population)
                compute, values = _timed(direct_compute, simulation, period)
                seconds["direct_build"].append(build)
                seconds["direct_compute"].append(compute)
                last["direct"] = values
            del simulation
    same = all(
        np.array_equal(last["felles"][b.key][0], last["direct"][b.familie_variable])
        and np.array_equal(last["felles"][b.key][1], last["direct"][b.per_child_variable])
        for b in BENEFITS
    )
    figures = {name: _figure(values) for name, values in seconds.items()}
    return figures, {"results_equal": same, "amounts": last["felles"]}


def _screen_command(args: argparse.Namespace, url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "liste.csv"
        command = [
            sys.executable,
            "-m",
            "felles.cli",
            "rules",
            "screen",
            *("--benefit", "barnetrygd", "--benefit", "kontantstoette"),
            *("--period", args.period, "--database-url", url, "--output", str(output)),
        ]
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        rows = sum(1 for _ in output.open(encoding="utf-8")) - 1 if output.exists() else None
    shown = ["felles", *command[3:]]
    shown[shown.index("--database-url") + 1] = "<schema url>"
    shown[shown.index("--output") + 1] = "liste.csv"
    return {
        "command": " ".join(shown),
        "exit_code": completed.returncode,
        "seconds": round(seconds, 2),
        "rows_written": rows,
        "stderr_tail": completed.stderr[-500:] if completed.returncode else None,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    month = Month.parse(args.period)
    url = schema_url(args.database_url, args.schema)
    database = Database(url)
    if not database.is_postgresql:
        raise SystemExit("the benchmark needs PostgreSQL")

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    say(f"population of {args.persons} in schema {args.schema} …")
    setup = _population(database, args)
    tables = ["frg_person", "frg_familierelasjon"]
    analysed = analyze_if_never_analyzed(database, tables)
    warmed = {"warmed": False} if args.no_warm_os_cache else warm_os_cache(database, tables)
    load_at_start = round(os.getloadavg()[0], 2)
    reference_at_start = python_reference_ms()
    system = tax_benefit_system()
    screening.check_period(system, BENEFITS, month)

    say("loading, building and computing …")
    figures = _measure_in_memory(database, month, args.runs)
    gc.collect()

    say("the whole screening in this process …")
    in_process, result = _timed(screening.screen, database, benefits=BENEFITS, month=month)
    with tempfile.TemporaryDirectory() as directory:
        write_seconds, rows_written = _timed(
            screening.write_list, result, Path(directory) / "liste.csv"
        )
    say("the command …")
    command = None if args.no_command else _screen_command(args, url)

    compute_best = figures["compute"]["best_s"]
    direct_best = figures["direct_compute"]["best_s"]
    persons = setup["persons_present"]
    load_best = figures["load"]["best_s"]
    output: dict[str, Any] = {
        "benchmark": "rules_screening",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_rules_screening.py " + " ".join(sys.argv[1:]),
        "schema": args.schema,
        "setup": setup | {"analysed": analysed, "os_cache": warmed},
        "period": args.period,
        "benefits": [b.key for b in BENEFITS],
        "runs": args.runs,
        **{name: value for name, value in figures.items() if name != "structure"},
        "speed_ratio_felles_to_direct": round(direct_best / compute_best, 3),
        "speed_ratio_felles_to_direct_build_and_compute": round(
            (figures["direct_build"]["best_s"] + direct_best)
            / (figures["build"]["best_s"] + compute_best),
            3,
        ),
        # felles also forms the familier and inputs (prepare), which the direct path is given.
        "speed_ratio_felles_to_direct_prepare_build_and_compute": round(
            (figures["direct_build"]["best_s"] + direct_best)
            / (
                figures["prepare_familier_and_inputs_s"] + figures["build"]["best_s"] + compute_best
            ),
            3,
        ),
        "write_csv": {"seconds": round(write_seconds, 2), "rows": rows_written},
        "screen_in_process": {
            "seconds": round(in_process, 2),
            "phases_s": {name: round(s, 2) for name, s in result.seconds.items()},
        },
        "screen_command": command,
        "counts": _counts(result, persons) | figures["structure"],
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "goals": {
            "compute_s": GOAL_COMPUTE_SECONDS,
            "load_s": GOAL_LOAD_SECONDS,
            "speed_ratio": GOAL_SPEED_RATIO,
            "scaled_to_this_population": persons != FULL_POPULATION,
            "met_compute": compute_best <= GOAL_COMPUTE_SECONDS * persons / FULL_POPULATION,
            "met_load": load_best <= GOAL_LOAD_SECONDS * persons / FULL_POPULATION,
            "met_speed_ratio": direct_best / compute_best >= GOAL_SPEED_RATIO,
        },
        "machine": machine(database)
        | {
            "load_average_1min_at_start": load_at_start,
            "python_reference_ms_at_start": reference_at_start,
        },
    }
    database.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n")
    brief = ("load", "build", "compute", "direct_build", "direct_compute")
    print(json.dumps({k: output[k] for k in brief}, indent=2))
    print(json.dumps({k: output[k] for k in ("speed_ratio_felles_to_direct", "goals")}, indent=2))
    print(f"written to {args.output}")
    return output


def _measure_in_memory(database: Database, month: Month, runs: int) -> dict[str, Any]:
    """Load, prepare, build and compute (felles and direct) and report, each timed."""
    load: list[float] = []
    people_only: list[float] = []
    links_only: list[float] = []
    for _ in range(runs):
        gc.collect()
        seconds, (people, links) = _timed(load_columns, database, month)
        load.append(seconds)
    for _ in range(runs):
        with database.read_session() as session:
            bounds = {"first_day": month.first_day, "last_day": month.last_day}
            people_only.append(_timed(columns.population_columns, session, **bounds)[0])
        with database.read_session() as session:
            links_only.append(_timed(columns.parent_links, session)[0])
    prepare_seconds, population = _timed(prepare, people, links, month)
    figures, checked = _measure_compute(population, runs, month.key)
    amounts = checked["amounts"]
    report_seconds, _ = _timed(
        lambda: [screening.summarise(population, b, amounts[b.key]) for b in BENEFITS]
    )
    return {
        "load": _figure(load),
        "load_people_only": _figure(people_only),
        "load_links_only": _figure(links_only),
        "prepare_familier_and_inputs_s": round(prepare_seconds, 3),
        **figures,
        "results_equal_felles_and_direct": checked["results_equal"],
        "report_s": round(report_seconds, 3),
        "structure": {
            "children_in_familier": int((population.families.role == 1).sum()),
            "familier_with_two_parents": int((population.families.second_parent >= 0).sum()),
        },
    }


def _counts(result: screening.ScreeningResult, persons: int) -> dict[str, Any]:
    counts: dict[str, Any] = {
        "persons_in_schema": persons,
        "persons_alive_in_month": result.persons,
        "familier": result.families,
    }
    for summary in result.benefits:
        counts[summary.benefit.key] = {
            "eligible_familier": summary.eligible_families,
            "eligible_children": summary.eligible_children,
            "monthly_total_nok": summary.monthly_total,
            "listed_without_case": len(summary.without_case),
        }
    return counts


if __name__ == "__main__":
    main()
