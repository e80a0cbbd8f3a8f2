"""Benchmark: Enhetsregisteret's name search and lookup by organisasjonsnummer.

    python bench/bench_enhetsregisteret.py --schema felles_bench \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Uses the units that ``bench_generate.py`` (population and economy) leaves in the schema
``felles_bench``; it generates nothing. Measured, after a warm-up, with a fresh read session
per call as an API request has:

* name search, ``enhetsregisteret.queries.search`` for main entities, page 0 of 20 (the
  count for ``page.totalElements`` included), with three kinds of query drawn from random
  existing entities: the whole name, its first word, and the first three letters of its
  first word (a prefix: the costliest, since it can match tens of thousands of names);
* lookup of one entity by number, ``queries.get_unit`` plus its JSON document
  (``document.enhet_json``), as ``GET /enheter/{orgnr}`` answers;
* both through the HTTP API in process (FastAPI's ``TestClient``).

Goals (issue 3): name search p95 ≤ 50 ms on 1.1 million entities, lookup p99 ≤ 5 ms. The tables
are read into the OS page cache first (``benchlib.warm_os_cache``), as in ``bench_lookup``.
Figures go to ``bench/results/enhetsregisteret.json``.
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
    machine,
    percentiles,
    python_reference_ms,
    schema_url,
    timed,
    warm_os_cache,
)
from sqlalchemy import func, select

from felles.kernel.db import Database
from felles.kernel.runtime import tune_gc
from felles.kernel.settings import get_settings
from felles.registries.enhetsregisteret import document, queries
from felles.registries.enhetsregisteret.model import Enhet
from felles.registries.enhetsregisteret.sampling import random_units

GOAL_SEARCH_P95_MS = 50.0
GOAL_LOOKUP_P99_MS = 5.0
TABLES = ("enh_enhet", "enh_navnesok", "enh_rolle")
API = "/enhetsregisteret/api"
PAGE_SIZE = 20
WARM_UP = 100


def _sample(database: Database, count: int, seed: int) -> list[tuple[str, str]]:
    """(orgnr, navn) of ``count`` random active main entities."""
    with database.read_session() as session:
        units = random_units(
            session, rng=random.Random(seed), count=count, underenhet=False, max_probes=count * 64
        )
        names = dict(
            session.execute(
                select(Enhet.organisasjonsnummer, Enhet.navn).where(
                    Enhet.organisasjonsnummer.in_([u.organisasjonsnummer for u in units])
                )
            ).all()
        )
    return [(u.organisasjonsnummer, names[u.organisasjonsnummer]) for u in units]


def _queries(sample: list[tuple[str, str]]) -> dict[str, list[str]]:
    words = [name.split()[0] for _orgnr, name in sample]
    return {
        "whole_name": [name for _orgnr, name in sample],
        "first_word": words,
        "three_letter_prefix": [word[:3] for word in words if len(word) >= 3],
    }


def _search(database: Database, navn: str) -> Callable[[], Any]:
    def call() -> Any:
        with database.read_session() as session:
            where = queries.Filter(navn=navn)
            return queries.search(session, underenhet=False, where=where, page=0, size=PAGE_SIZE)

    return call


def _lookup(database: Database, orgnr: str) -> Callable[[], Any]:
    def call() -> Any:
        with database.read_session() as session:
            enhet = queries.get_unit(session, orgnr=orgnr)
            assert enhet is not None
            return document.enhet_json(enhet, base="http://bench")

    return call


def _measure(database: Database, kinds: dict[str, list[str]], orgnrs: list[str]) -> dict[str, Any]:
    everything = [q for qs in kinds.values() for q in qs]
    timed([_search(database, q) for q in everything[:WARM_UP]])
    search = {
        kind: percentiles(timed([_search(database, q) for q in qs])) for kind, qs in kinds.items()
    }
    all_searches = [q for qs in kinds.values() for q in qs]
    random.Random(1).shuffle(all_searches)
    search["mixed"] = percentiles(timed([_search(database, q) for q in all_searches]))
    timed([_lookup(database, o) for o in orgnrs[:WARM_UP]])
    return {"search": search, "lookup": percentiles(timed([_lookup(database, o) for o in orgnrs]))}


def _measure_http(
    database: Database, kinds: dict[str, list[str]], orgnrs: list[str]
) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from felles.app import create_app

    client = TestClient(create_app(database=database))

    def search(navn: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(f"{API}/enheter", params={"navn": navn, "size": PAGE_SIZE})
            assert response.status_code == 200, response.text
            return response

        return call

    def lookup(orgnr: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(f"{API}/enheter/{orgnr}")
            assert response.status_code == 200, response.text
            return response

        return call

    mixed = [q for qs in kinds.values() for q in qs]
    random.Random(2).shuffle(mixed)
    timed([search(q) for q in mixed[:WARM_UP]])
    timed([lookup(o) for o in orgnrs[:WARM_UP]])
    return {
        "how": "FastAPI TestClient in process (routing, validation, JSON; no socket)",
        "search_mixed": percentiles(timed([search(q) for q in mixed])),
        "lookup": percentiles(timed([lookup(o) for o in orgnrs])),
    }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="felles_bench")
    parser.add_argument("--samples", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--warm-os-cache",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="read the tables into the OS page cache first (see benchlib.warm_os_cache)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "enhetsregisteret.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    os.environ.setdefault("FELLES_ADMIN_TOKEN", "bench-token")
    get_settings.cache_clear()
    database = Database(schema_url(args.database_url, args.schema))
    with database.read_session() as session:
        entities = session.scalar(
            select(func.count()).select_from(Enhet).where(Enhet.er_underenhet.is_(False))
        )
    if not entities:
        sys.exit(f"no entities in schema {args.schema}: run bench/bench_generate.py first")
    analyzed = analyze_if_never_analyzed(database, TABLES)
    os_cache = warm_os_cache(database, TABLES) if args.warm_os_cache else {"warmed": False}
    sample = _sample(database, args.samples, args.seed)
    kinds = _queries(sample)
    orgnrs = [orgnr for orgnr, _navn in sample]
    tune_gc()
    load_at_start = round(os.getloadavg()[0], 2)
    reference_ms = python_reference_ms()
    result: dict[str, Any] = {
        "benchmark": "enhetsregisteret",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_enhetsregisteret.py " + " ".join(sys.argv[1:]),
        "schema": args.schema,
        "main_entities": entities,
        "tables_analyzed_first_because_they_had_no_statistics": analyzed,
        "os_page_cache": os_cache,
        "page_size": PAGE_SIZE,
        "queries": _measure(database, kinds, orgnrs),
    }
    if args.http:
        result["http"] = _measure_http(database, kinds, orgnrs)
    mixed = result["queries"]["search"]["mixed"]
    lookup = result["queries"]["lookup"]
    result["goals"] = {
        "search_p95_ms": GOAL_SEARCH_P95_MS,
        "lookup_p99_ms": GOAL_LOOKUP_P99_MS,
        "met_search": mixed["p95_ms"] <= GOAL_SEARCH_P95_MS,
        "met_lookup": lookup["p99_ms"] <= GOAL_LOOKUP_P99_MS,
    }
    result["machine"] = machine(database) | {
        "load_average_1min_at_start": load_at_start,
        "python_reference_ms_at_start": reference_ms,
    }
    database.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: result[k] for k in ("queries", "goals")}, indent=2))
    return result


if __name__ == "__main__":
    main()
