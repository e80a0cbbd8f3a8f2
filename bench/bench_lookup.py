"""Benchmark: looking people up in Folkeregisteret by fødselsnummer, one at a time and in bulk.

    python bench/bench_lookup.py --schema felles_bench --persons 5600000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Uses the population that ``bench_generate.py`` leaves in the schema ``felles_bench``; when
that schema has no people, ``--persons`` people are generated into it first (seed
``--seed``). Measured, after a short warm-up:

* single lookups: ``folkeregister.queries.get_document`` for ``--samples`` random people
  (a fresh read session each, as an API request has), p50/p95/p99;
* bulk lookups: ``queries.get_documents`` of ``--bulk-size`` people, ``--batches`` times,
  p50/p99;
* the same through the HTTP API (FastAPI's ``TestClient``, in process: routing, auth,
  validation and JSON serialisation included, no network): ``GET /personer/{ident}`` and
  ``POST /personer/bulkoppslag``.

Random people are picked with ``folkeregister.sampling`` (probes on the primary key).
Before measuring, the tables and indexes are read into the OS page cache
(``benchlib.warm_os_cache``; ``--no-warm-os-cache`` to skip). Goals: single p99 ≤ 5 ms, bulk
of 1 000 p99 ≤ 100 ms. Figures go to ``bench/results/lookup.json`` with the machine, the
load average at start and end, a Python reference workload
(``benchlib.python_reference_ms``) and the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import (
    DEFAULT_URL,
    RESULTS,
    analyze_if_never_analyzed,
    ensure_schema,
    machine,
    percentiles,
    python_reference_ms,
    schema_url,
    timed,
    warm_os_cache,
)

from felles.kernel import migrate
from felles.kernel.db import Database
from felles.kernel.progress import make_progress
from felles.kernel.runtime import tune_gc
from felles.kernel.settings import get_settings
from felles.registries.folkeregister import queries, sampling
from felles.registries.folkeregister.sampling import PersonFilter

GOAL_SINGLE_P99_MS = 5.0
GOAL_BULK_P99_MS = 100.0
API = "/folkeregisteret/api/v1"
WARM_UP = 200
TABLES = ("frg_person", "frg_familierelasjon", "frg_historikk", "frg_tidligere_ident")


def _population(database: Database, args: argparse.Namespace) -> dict[str, Any]:
    """The population in the schema, generated first when there is none."""
    with database.read_session() as session:
        bounds = sampling.id_bounds(session)
    generated = None
    if bounds is None:
        from felles.synth.population import generate_population

        with make_progress() as progress:
            report = generate_population(
                database, persons=args.persons, seed=args.seed, progress=progress
            )
        generated = round(report.seconds, 1)
    with database.read_session() as session:
        people = sampling.count_residents(session)
    return {"residents": people, "generated_now_seconds": generated}


def _random_idents(database: Database, count: int, seed: int) -> list[str]:
    with database.read_session() as session:
        picked = sampling.sample_persons(
            session,
            rng=random.Random(seed),
            count=count,
            where=PersonFilter(status=None),
            max_probes=2 * count,
        )
    idents = [p.ident for p in picked]
    random.Random(seed + 1).shuffle(idents)
    return idents


def _single(database: Database, ident: str) -> Callable[[], Any]:
    def lookup() -> Any:
        with database.read_session() as session:
            return queries.get_document(session, ident=ident)

    return lookup


def _bulk(database: Database, idents: list[str]) -> Callable[[], Any]:
    def lookup() -> Any:
        with database.read_session() as session:
            documents = queries.get_documents(session, idents=idents)
        assert all(d is not None for d in documents.values())
        return documents

    return lookup


def _measure_queries(
    database: Database, singles: list[str], batches: list[list[str]]
) -> dict[str, Any]:
    timed([_single(database, ident) for ident in singles[:WARM_UP]])
    single = timed([_single(database, ident) for ident in singles])
    bulk = timed([_bulk(database, batch) for batch in batches])
    return {"single": percentiles(single), "bulk": percentiles(bulk)}


def _measure_http(
    database: Database, singles: list[str], batches: list[list[str]]
) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from felles.app import create_app

    token = get_settings().admin_token.get_secret_value()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(database=database)) as client:

        def get(ident: str) -> Callable[[], Any]:
            def call() -> Any:
                response = client.get(f"{API}/personer/{ident}", headers=headers)
                assert response.status_code == 200, response.status_code
                return response

            return call

        def post(batch: list[str]) -> Callable[[], Any]:
            def call() -> Any:
                body = {"foedselsEllerDNummer": batch}
                response = client.post(f"{API}/personer/bulkoppslag", json=body, headers=headers)
                assert response.status_code == 200, response.status_code
                return response

            return call

        timed([get(ident) for ident in singles[:WARM_UP]])
        single = timed([get(ident) for ident in singles])
        bulk = timed([post(batch) for batch in batches])
    return {
        "how": "FastAPI TestClient in process (routing, auth, validation, JSON; no socket)",
        "single": percentiles(single),
        "bulk": percentiles(bulk),
    }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="felles_bench")
    parser.add_argument("--persons", type=int, default=5_600_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--bulk-size", type=int, default=queries.MAX_BULK)
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--warm-os-cache",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="read the tables into the OS page cache first (see benchlib.warm_os_cache)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "lookup.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    ensure_schema(args.database_url, args.schema)
    database = Database(schema_url(args.database_url, args.schema))
    migrate.upgrade(database)
    population = _population(database, args)
    analyzed = analyze_if_never_analyzed(database, TABLES)
    os_cache = warm_os_cache(database, TABLES) if args.warm_os_cache else {"warmed": False}
    wanted = args.samples + args.batches * args.bulk_size
    idents = _random_idents(database, wanted, args.seed)
    singles = idents[: args.samples]
    rest = idents[args.samples :] or idents
    batches = [
        [rest[(b * args.bulk_size + i) % len(rest)] for i in range(args.bulk_size)]
        for b in range(args.batches)
    ]
    # Measure the process as `felles serve` runs it (start-up objects frozen for the GC).
    tune_gc()
    load_at_start = round(os.getloadavg()[0], 2)
    reference_ms = python_reference_ms()
    result: dict[str, Any] = {
        "benchmark": "lookup",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_lookup.py " + " ".join(sys.argv[1:]),
        "schema": args.schema,
        "population": population,
        "tables_analyzed_first_because_they_had_no_statistics": analyzed,
        "os_page_cache": os_cache,
        "distinct_people_looked_up": len(set(idents)),
        "gc": "tuned as in felles serve (felles.kernel.runtime.tune_gc)",
        "queries": _measure_queries(database, singles, batches),
    }
    if args.http:
        result["http"] = _measure_http(database, singles, batches)
    result["goals"] = _goals(result)
    result["machine"] = machine(database) | {
        "load_average_1min_at_start": load_at_start,
        "python_reference_ms_at_start": reference_ms,
    }
    database.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: result[k] for k in ("queries", "goals")}, indent=2))
    return result


def _goals(result: dict[str, Any]) -> dict[str, Any]:
    measured = result["queries"]
    return {
        "single_p99_ms": GOAL_SINGLE_P99_MS,
        "bulk_1000_p99_ms": GOAL_BULK_P99_MS,
        "met_single": measured["single"]["p99_ms"] <= GOAL_SINGLE_P99_MS,
        "met_bulk": measured["bulk"]["p99_ms"] <= GOAL_BULK_P99_MS,
    }


if __name__ == "__main__":
    main()
