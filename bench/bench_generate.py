"""Benchmark: generate a synthetic Norway (population, then economy) into PostgreSQL.

    python bench/bench_generate.py --persons 5600000 --seed 1 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The schema ``felles_bench`` (``--schema``) is dropped, recreated and migrated first, so the
run always starts from empty tables. Measured:

* wall time of ``generate_population`` and its phases, rows per table, rows per second;
* then (unless ``--no-economy``) of ``generate_economy`` — organisations, roles, employments,
  a-meldinger, property and tax assessments — with its phases and rows per table, and the
  total of both;
* peak RSS of this process (``getrusage``) and of the PostgreSQL backends serving it
  (sampled from ``/proc/<pid>/status`` VmHWM; null when the server is not on this machine);
* the ratio (time of a raw ``COPY`` of the population's rows into empty copies of its tables,
  with their indexes) / (the population's time), once for the whole population generation and
  once for its database part (the economy's tables are not part of the yardstick).

Figures go to ``bench/results/generate-<persons>.json`` with the machine and the command.
Goals (from the issues): 5.6 M people in ≤ 5 minutes, ratio ≥ 0.5; with the economy
(issue 3) the whole of it in ≤ 10 minutes; peak memory ≤ 4 GiB.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import resource
import sys
import threading
from pathlib import Path
from typing import Any

from benchlib import DEFAULT_URL, RESULTS, fresh_schema, machine, schema_url
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from felles.kernel import migrate
from felles.kernel.bulk import measure_raw_copy
from felles.kernel.db import Database
from felles.kernel.progress import make_progress
from felles.registries.adresser.model import Vegadresse
from felles.registries.folkeregister.model import Familierelasjon, Person
from felles.registries.krr.model import KontaktInfo
from felles.synth.economy import EconomyReport, generate_economy
from felles.synth.population import GenerationReport, generate_population

TABLES = [t.__table__ for t in (Vegadresse, Person, Familierelasjon, KontaktInfo)]
GOAL_SECONDS_5_6M = 300
GOAL_TOTAL_SECONDS_5_6M = 600
GOAL_PEAK_BYTES = 4 * 1024**3
GOAL_RATIO = 0.5


class BackendSampler:
    """Samples the peak RSS (VmHWM) of the PostgreSQL backends of this benchmark."""

    def __init__(self, url: str, application: str) -> None:
        self._engine = create_engine(url)
        self._application = application
        self.peak_bytes: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> BackendSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._engine.dispose()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self._sample()
            except Exception:  # sampling is best effort; the benchmark must go on
                continue

    def _sample(self) -> None:
        with self._engine.connect() as connection:
            pids = connection.execute(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name = :name"
                ),
                {"name": self._application},
            ).scalars()
            for pid in pids:
                peak = _vm_hwm(int(pid))
                if peak is not None:
                    self.peak_bytes = max(self.peak_bytes or 0, peak)


def _vm_hwm(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _run(
    args: argparse.Namespace, database: Database
) -> tuple[GenerationReport, EconomyReport | None]:
    def both() -> tuple[GenerationReport, EconomyReport | None]:
        with make_progress() as progress:
            people = generate_population(
                database, persons=args.persons, seed=args.seed, progress=progress
            )
        if args.no_economy:
            return people, None
        with make_progress() as progress:
            return people, generate_economy(database, seed=args.seed, progress=progress)

    if args.profile:
        profiler = cProfile.Profile()
        reports = profiler.runcall(both)
        profiler.dump_stats(args.profile)
        return reports
    return both()


def _economy_result(economy: EconomyReport | None) -> dict[str, Any] | None:
    if economy is None:
        return None
    return {
        "regions": economy.regions,
        "rows": economy.rows,
        "seconds": round(economy.seconds, 2),
        "rows_per_second": round(economy.rows_per_second),
        "phases_seconds": {k: round(v, 2) for k, v in economy.phases.items()},
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="felles_bench")
    parser.add_argument("--skip-raw-copy", action="store_true", help="skip the COPY yardstick")
    parser.add_argument("--profile", help="write cProfile stats of the generation to this file")
    parser.add_argument("--no-economy", action="store_true", help="the population only")
    args = parser.parse_args(argv)

    application = f"felles-bench-{os.getpid()}"
    url = schema_url(args.database_url, args.schema)
    url_with_name = make_url(url).update_query_dict({"application_name": application})
    fresh_schema(args.database_url, args.schema)
    database = Database(url_with_name.render_as_string(hide_password=False))
    if not database.is_postgresql:
        parser.error("the benchmark needs PostgreSQL")
    migrate.upgrade(database)

    with BackendSampler(args.database_url, application) as sampler:
        report, economy = _run(args, database)
    peak_rss = _peak_rss_bytes()
    total_seconds = report.seconds + (economy.seconds if economy else 0.0)
    raw = None if args.skip_raw_copy else measure_raw_copy(
        database, TABLES, scratch_schema=f"{args.schema}_raw"
    )  # fmt: skip
    database_seconds = report.phases.get("database busy", 0.0)
    result: dict[str, Any] = {
        "benchmark": "generate",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "persons": report.persons,
        "seed": report.seed,
        "chunks": report.chunks,
        "households": report.households,
        "rows": report.rows,
        "seconds": round(report.seconds, 2),
        "rows_per_second": round(report.rows_per_second),
        "phases_seconds": {k: round(v, 2) for k, v in report.phases.items()},
        "economy": _economy_result(economy),
        "total_seconds": round(total_seconds, 2),
        "total_rows": sum(report.rows.values()) + (sum(economy.rows.values()) if economy else 0),
        "peak_rss_bytes": peak_rss,
        "postgresql_backend_peak_rss_bytes": sampler.peak_bytes,
        "raw_copy": None
        if raw is None
        else {
            "seconds": round(raw.seconds, 2),
            "seconds_per_table": {k: round(v, 2) for k, v in raw.seconds_per_table.items()},
            "bytes": raw.bytes,
            "ratio_to_generation": round(raw.seconds / report.seconds, 3),
            "ratio_to_database_time": round(raw.seconds / database_seconds, 3)
            if database_seconds
            else None,
        },
        "goals": {
            "seconds_for_5_6M": GOAL_SECONDS_5_6M,
            "total_seconds_for_5_6M": GOAL_TOTAL_SECONDS_5_6M,
            "peak_rss_bytes": GOAL_PEAK_BYTES,
            "ratio": GOAL_RATIO,
            "met_time": report.seconds <= GOAL_SECONDS_5_6M * report.persons / 5_600_000,
            "met_total_time": None
            if economy is None
            else total_seconds <= GOAL_TOTAL_SECONDS_5_6M * report.persons / 5_600_000,
            "met_memory": peak_rss <= GOAL_PEAK_BYTES,
            "met_ratio": None if raw is None else raw.seconds / report.seconds >= GOAL_RATIO,
        },
    }
    result["machine"] = machine(database)
    database.dispose()
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "-people" if economy is None else ""
    path = RESULTS / f"generate-{args.persons}{suffix}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {path}")
    return result


if __name__ == "__main__":
    main()
