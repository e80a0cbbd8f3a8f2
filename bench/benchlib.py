"""What every benchmark shares: where PostgreSQL is, a schema of its own, and the machine.

Each benchmark works in its own schema of the database (``search_path`` set through the
connection URL), so it never touches the tables of tests or of other benchmarks.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from felles.kernel.db import Database

RESULTS = Path(__file__).parent / "results"
DEFAULT_URL = os.environ.get(
    "FELLES_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
POSTGRESQL_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "max_wal_size",
    "wal_level",
    "synchronous_commit",
    "fsync",
)


def schema_url(url: str, schema: str) -> str:
    """``url`` with ``search_path`` set to ``schema``."""
    parsed = make_url(url)
    query = dict(parsed.query)
    query["options"] = f"-csearch_path={schema}"
    return parsed.set(query=query).render_as_string(hide_password=False)


def fresh_schema(url: str, schema: str) -> None:
    """Drop ``schema`` with everything in it and create it empty."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def ensure_schema(url: str, schema: str) -> None:
    """Create ``schema`` unless it exists (its contents are kept)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()


def population(
    database: Database, *, url: str, schema: str, persons: int, seed: int, reuse: bool
) -> tuple[bool, int, float | None]:
    """A population in ``schema``: kept when ``reuse`` and people are there, else generated
    afresh (people only, with a progress display). (generated, people present, seconds)."""
    from sqlalchemy import func, select

    from felles.kernel import migrate
    from felles.kernel.progress import make_progress
    from felles.registries.folkeregister.model import Person
    from felles.synth.population import generate_population

    if reuse:
        ensure_schema(url, schema)
        migrate.upgrade(database)
        with database.read_session() as session:
            present = session.scalar(select(func.count()).select_from(Person)) or 0
        if present:
            return False, present, None
    fresh_schema(url, schema)
    migrate.upgrade(database)
    started = time.perf_counter()
    with make_progress() as progress:
        generate_population(database, persons=persons, seed=seed, progress=progress)
    return True, persons, round(time.perf_counter() - started, 1)


def python_reference_ms() -> float:
    """A fixed pure-Python workload, best of five: how fast the machine runs Python just now.

    This VM's speed varies a lot over hours (the same lookup code measured 2.5 ms and 6.5 ms
    per single lookup hours apart; a fresh machine ran it in 1 ms), so figures from different
    runs compare only at a similar reference figure. The garbage collector is off while it
    runs, so the figure does not depend on how many objects the benchmark holds.
    """

    def work() -> Any:
        return [{"n": n, "text": str(n), "list": [n]} for n in range(100_000)]

    collecting = gc.isenabled()
    gc.disable()
    try:
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - started)
    finally:
        if collecting:
            gc.enable()
    return round(best * 1000, 1)


def host() -> dict[str, Any]:
    """The machine a figure was measured on (no database): load, speed, size, Python."""
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        # Other work on the machine slows a run down: the 1-minute load average at the end.
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "python_reference_ms_at_end": python_reference_ms(),
        "python_reference": "100 000 small dicts, strings and lists; best of 5",
        "nproc": os.cpu_count(),
        "memory_bytes": memory,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def machine(database: Database) -> dict[str, Any]:
    """The machine and database a figure was measured on."""
    with database.engine.connect() as connection:
        version: str = connection.execute(text("SELECT version()")).scalar_one()
        settings: dict[str, str] = {
            name: connection.execute(text(f"SHOW {name}")).scalar_one()
            for name in POSTGRESQL_SETTINGS
        }
    return {**host(), "postgresql": version, "postgresql_settings": settings}


def analyze_if_never_analyzed(database: Database, tables: Sequence[str]) -> list[str]:
    """ANALYZE the registry tables that have no planner statistics yet.

    A bulk load (COPY) leaves none until autovacuum gets to it; without them PostgreSQL
    plans the person lookup's relation join as a hash join over all 5.6 M people (seconds
    per lookup instead of milliseconds). Returns the tables analysed.
    """
    with database.engine.begin() as connection:
        never = [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = "
                    "current_schema() AND relname = ANY(:tables) "
                    "AND last_analyze IS NULL AND last_autoanalyze IS NULL"
                ),
                {"tables": list(tables)},
            )
        ]
        for table in never:
            connection.execute(text(f"ANALYZE {table}"))
    return never


def warm_os_cache(database: Database, tables: Sequence[str]) -> dict[str, Any]:
    """Read ``tables`` and their indexes once into the OS page cache (``pg_prewarm``).

    Mode ``read``: the blocks pass through the operating system only, PostgreSQL's own buffers
    (``shared_buffers``, 128 MB here) are left as they are, so every lookup still finds most of
    its pages outside them and reads them. Without this the figures measure the disk: on the
    benchmark VM the page cache of a table not read for a while is reclaimed (a kernel daemon,
    DAMON, takes pages back although most memory is free), and a batch of 1 000 random people
    then waits on a few thousand disk reads. A server whose 3.5 GB of tables fit in its memory
    many times over keeps them in the page cache.
    """
    started = time.perf_counter()
    with database.engine.begin() as connection:
        schema = connection.execute(
            text(
                "SELECT extnamespace::regnamespace::text FROM pg_extension "
                "WHERE extname = 'pg_prewarm'"
            )
        ).scalar()
        if schema is None:
            try:
                with connection.begin_nested():
                    connection.execute(text("CREATE EXTENSION pg_prewarm"))
            except Exception as error:  # not installed, or not allowed to: measure without
                return {"warmed": False, "why_not": type(error).__name__}
            schema = connection.execute(text("SELECT current_schema()")).scalar()
        relations = [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT c.oid::regclass::text FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') "
                    "AND (c.relname = ANY(:tables) OR c.oid IN (SELECT indexrelid FROM "
                    "pg_index WHERE indrelid::regclass::text = ANY(:tables)))"
                ),
                {"tables": list(tables)},
            )
        ]
        blocks = sum(
            connection.execute(
                text(f"SELECT {schema}.pg_prewarm(CAST(:relation AS regclass), 'read')"),
                {"relation": relation},
            ).scalar_one()
            for relation in relations
        )
    return {
        "warmed": True,
        "how": "pg_prewarm(..., 'read') of the tables and their indexes: OS page cache only",
        "relations": sorted(relations),
        "blocks": blocks,
        "seconds": round(time.perf_counter() - started, 1),
    }


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    """Count, p50, p95, p99, max and mean of durations in milliseconds."""
    ordered = sorted(samples_ms)

    def at(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 3)

    return {
        "count": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def timed(calls: Sequence[Callable[[], Any]]) -> list[float]:
    """Milliseconds each call took, one after the other."""
    durations = []
    for call in calls:
        started = time.perf_counter()
        call()
        durations.append((time.perf_counter() - started) * 1000)
    return durations
