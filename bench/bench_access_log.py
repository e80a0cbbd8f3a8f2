"""Benchmark: appending to the access log (innsynslogg) and verifying it, on PostgreSQL.

    python bench/bench_access_log.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

In a schema of its own (``felles_bench_access_log``, made afresh and migrated), entries are
appended through ``felles.access.log.operations.append`` in batches of 1, 10, 100 and 1 000,
each batch in its own unit of work with its commit (as a release of data would be): the
chain head locked, hashes computed in Python, one set-wise INSERT, the head updated, a
signed checkpoint every 10 000 entries. Up to ``--entries`` (200 000) entries per batch size,
at most ``--max-batches`` (5 000) batches, so the commit-bound small batches stay short.
Then ``verify`` reads the whole log back, recomputes the chain and checks the checkpoints.
Separately: the Python part of an append alone (checking entries, canonical JSON, SHA-256)
for 100 000 entries. The entries are made before the clock starts (the caller makes them).
Figures go to ``bench/results/access_log.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import DEFAULT_URL, RESULTS, fresh_schema, machine, percentiles, python_reference_ms
from benchlib import schema_url as with_schema

from felles.access.log import chain
from felles.access.log.operations import LogEntry, _row, append
from felles.access.log.verify import verify
from felles.kernel import migrate
from felles.kernel.db import Database
from felles.kernel.ids import next_synthetic_fnr
from felles.kernel.runtime import tune_gc
from felles.kernel.settings import get_settings

CONSUMERS = ("889640782", "974760673", "810825472")
DATASETS = {
    "folkeregisteret/person": ["navn", "bostedsadresse", "sivilstand", "familierelasjon"],
    "skatteetaten/summertskattegrunnlag": ["grunnlag", "skatteoppgjoersdato"],
    "aareg/arbeidsforhold": ["arbeidsgiver", "ansettelsesperiode", "stillingsprosent"],
}


def _subjects(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    used: set[str] = set()
    for _ in range(count):
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 80))
        used.add(next_synthetic_fnr(born, rng.choice(("kvinne", "mann")), used, rng=rng))
    return sorted(used)


def _entries(count: int, subjects: list[str], seed: int) -> list[LogEntry]:
    rng = random.Random(seed)
    names = list(DATASETS)
    made = []
    for n in range(count):
        datasett = rng.choice(names)
        fields = DATASETS[datasett]
        made.append(
            LogEntry(
                konsument=rng.choice(CONSUMERS),
                subjekt=rng.choice(subjects),
                datasett=datasett,
                felter=rng.sample(fields, rng.randint(1, len(fields))),
                formaal="Behandling av søknad",
                hjemmel="forvaltningsloven § 13 b" if n % 3 else None,
                samtykke_id=None if n % 3 else f"samtykke-{n}",
                aktoer=f"saksbehandler-{rng.randrange(500)}",
                foresporsel_id=f"req-{n:09d}",
            )
        )
    return made


def _append_rate(database: Database, entries: list[LogEntry], batch_size: int) -> dict[str, Any]:
    latencies = []
    started = time.perf_counter()
    for offset in range(0, len(entries), batch_size):
        batch = entries[offset : offset + batch_size]
        begun = time.perf_counter()
        with database.unit_of_work() as uow:
            append(uow, batch)
            uow.commit()
        latencies.append((time.perf_counter() - begun) * 1000)
    seconds = time.perf_counter() - started
    return {
        "batch_size": batch_size,
        "entries": len(entries),
        "batches": len(latencies),
        "seconds": round(seconds, 2),
        "entries_per_second": round(len(entries) / seconds),
        "batch_ms": percentiles(latencies),
    }


def _python_part(entries: list[LogEntry]) -> dict[str, Any]:
    """Checking the entries and hashing them, without the database."""
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    rows = [_row(entry, now) for entry in entries]
    checked = time.perf_counter()
    previous = chain.GENESIS
    for number, row in enumerate(rows, start=1):
        row["sekvensnummer"] = number
        previous = chain.entry_hash(previous, row)
    hashed = time.perf_counter()
    return {
        "entries": len(entries),
        "check_entries_per_second": round(len(entries) / (checked - started)),
        "hash_entries_per_second": round(len(entries) / (hashed - checked)),
        "both_entries_per_second": round(len(entries) / (hashed - started)),
    }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="felles_bench_access_log")
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--max-batches", type=int, default=5_000)
    parser.add_argument("--batch-sizes", default="1,10,100,1000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=RESULTS / "access_log.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    key_folder = tempfile.mkdtemp(prefix="felles-bench-access-log-")
    os.environ["FELLES_ACCESS_LOG_KEY_FILE"] = str(Path(key_folder) / "key.pem")
    get_settings.cache_clear()
    every = get_settings().access_log_checkpoint_every
    fresh_schema(args.database_url, args.schema)
    database = Database(with_schema(args.database_url, args.schema))
    migrate.upgrade(database)
    subjects = _subjects(5_000, args.seed)
    sizes = [int(size) for size in args.batch_sizes.split(",")]
    tune_gc()
    load_at_start = round(os.getloadavg()[0], 2)
    reference_ms = python_reference_ms()
    python_part = _python_part(_entries(100_000, subjects, args.seed))
    appends = []
    for size in sizes:
        count = min(args.entries, size * args.max_batches)
        entries = _entries(count, subjects, args.seed + size)
        appends.append(_append_rate(database, entries, size))
        print(json.dumps(appends[-1]))
    started = time.perf_counter()
    result_of_verify = verify(database)
    verify_seconds = time.perf_counter() - started
    assert result_of_verify.ok, result_of_verify.summary()
    result: dict[str, Any] = {
        "benchmark": "access_log",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_access_log.py " + " ".join(sys.argv[1:]),
        "schema": args.schema,
        "how": (
            "each batch one unit of work with its commit (synchronous_commit as the server "
            "has it); entries made before timing; checkpoint signed every "
            f"{every} entries"
        ),
        "append": appends,
        "python_part_without_database": python_part,
        "verify": {
            "entries": result_of_verify.entries,
            "checkpoints": result_of_verify.checkpoints,
            "seconds": round(verify_seconds, 2),
            "entries_per_second": round(result_of_verify.entries / verify_seconds),
        },
    }
    result["machine"] = machine(database) | {
        "load_average_1min_at_start": load_at_start,
        "python_reference_ms_at_start": reference_ms,
    }
    database.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    summary = {
        "append_entries_per_second": {a["batch_size"]: a["entries_per_second"] for a in appends},
        "verify_entries_per_second": result["verify"]["entries_per_second"],
        "python_part": python_part,
    }
    print(json.dumps(summary, indent=2))
    return result


if __name__ == "__main__":
    main()
