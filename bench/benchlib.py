"""What every benchmark shares: where PostgreSQL is, a schema of its own, and the machine.

Each benchmark works in its own schema of the database (``search_path`` set through the
connection URL), so it never touches the tables of tests or of other benchmarks.
"""

from __future__ import annotations

import gc
import os
import platform
import sys
import time
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


def machine(database: Database) -> dict[str, Any]:
    """The machine and database a figure was measured on."""
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
            for name in POSTGRESQL_SETTINGS
        }
    return {
        # Other work on the machine slows a run down: the 1-minute load average at the end.
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "python_reference_ms_at_end": python_reference_ms(),
        "python_reference": "100 000 small dicts, strings and lists; best of 5",
        "nproc": os.cpu_count(),
        "memory_bytes": memory,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "postgresql": version,
        "postgresql_settings": settings,
    }
