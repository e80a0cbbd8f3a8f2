"""Benchmark: the data distributor's lookups on PostgreSQL, beside pgbench doing the same SQL.

    python bench/bench_sharing.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The goals (issue 5): single-subject lookups with token check, decision, minimisation and
access-log entry at ≥ 2 000/s on the 2-core machine, and at ≥ half the rate of a pgbench
script doing the same SQL work; p99 ≤ 25 ms at half that load; a batch of 1 000 ≤ 200 ms.

Set-up, in a schema of its own (``felles_bench_sharing``, made afresh unless ``--reuse``
finds the same population there): ``--persons`` people from the population generator
(no economy), NAV's machine client (889640782, scope ``felles:datafordeler``) registered
through identity's operations, and a real access token from Maskinporten's token operation
(the JWT-bearer grant, the assertion signed with the client's own RSA key, the token with
felles' key). Tables are analysed and read into the OS page cache first.

Figures, each for a fixed time:

* ``ours_saturated``: what a request does minus HTTP: ``token_principal`` in a read
  session, the principal as the routes' ``callers.principal_of`` makes it, ``release`` of
  ``folkeregister.person.basis`` for purpose ``barnetrygd`` on one random person (decide,
  load, minimise, append to the access log through the group writer and wait for its
  commit), then the response model serialised as FastAPI would (``ReleaseOut``, JSON).
  ``--processes`` worker processes × ``--threads`` threads, closed loop: throughput and
  latency percentiles.
* ``pgbench_saturated``: pgbench with the same number of clients, a custom script: one
  transaction per request with one indexed read of the person row (the columns the
  product's reader selects) and one INSERT of a realistic access-log row (see
  ``PGBENCH_DOES``). ``ratio_ours_to_pgbench`` = our rate ÷ pgbench's.
* ``ours_half_load`` and ``pgbench_half_load``: the same, paced open-loop at half our
  saturated rate (Poisson arrivals; latency counted from the scheduled arrival, so a
  request that waits for a busy thread counts its wait).
* ``python_floor`` (no goal; what bounds the ratio): the SQL alone, issued from Python in
  the same processes × threads as ours, with our path's pattern and none of its work — per
  request one prepared read of the person's 35 columns by ident in autocommit, and one
  access-log row like pgbench's handed to a writer thread per process that inserts what is
  waiting in one transaction, the request waiting for that commit. No token, decision,
  relations, minimisation, hash chain or response. ``ratio_floor_to_pgbench`` is the most
  any Python implementation of this design could reach here.
* ``batch_1000``: ``release`` for 1 000 random people at once, ``--batch-runs`` times.
* ``http`` (no goal): the same lookup through real HTTP, uvicorn with two workers serving
  ``felles.app.create_app`` as ``felles serve`` makes it (GC tuned, no uvicorn access log),
  loaded by a small asyncio HTTP/1.1 client with keep-alive connections in this process.

CPU seconds per phase (sampled from /proc): the machine's, the benchmark's processes', and
PostgreSQL's, split by ``pg_stat_activity`` into the benchmark's backends (its connections
carry ``application_name`` felles_bench_sharing), background processes and other clients;
``everything_else`` is what other work on the box took meanwhile. Also the load average and
a Python reference workload (``python_reference_ms``): this VM's speed varies.

``--profile`` adds where a request's time goes, in this process, one request at a time: each
step of ``release`` timed (wall and CPU) by wrapping the functions it calls, the round trips,
the group writer's transaction timed on its own (batches of 1 and 16), a cProfile (CPU time)
of the request thread, and the same steps for batches of 1 000. Figures go to
``bench/results/sharing.json``; a quick check is ``--persons 5000 --seconds 3``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import io
import itertools
import json
import multiprocessing as mp
import os
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Final

from benchlib import (
    DEFAULT_URL,
    RESULTS,
    analyze_if_never_analyzed,
    machine,
    percentiles,
    population,
    python_reference_ms,
    schema_url,
    warm_os_cache,
)
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from felles.identity.tokens import token_principal
from felles.kernel.db import Database
from felles.kernel.web import Caller
from felles.sharing import release as release_module
from felles.sharing.api import ReleaseOut, _basis_out, refusal_problem
from felles.sharing.callers import SCOPE, principal_of
from felles.sharing.release import Refused, Released

NAV: Final = "889640782"
PRODUCT: Final = "folkeregister.person.basis"
PURPOSE: Final = "barnetrygd"
#: The fields of the product (all released to NAV for barnetrygd).
PRODUCT_FIELDS: Final = (
    "adressebeskyttelse",
    "bostedsadresse",
    "doedsfall",
    "foedselsdato",
    "identifikasjonsnummer",
    "kjoenn",
    "navn",
    "postadresse",
    "status",
    "statsborgerskap",
)
CLIENT_ID: Final = "nav-datafordeler-bench"
#: The benchmark's connections name themselves so their backends' CPU can be told apart.
APPLICATION_NAME: Final = "felles_bench_sharing"
#: libpq connection string of the server (set in ``main``), for the CPU sampler.
CONNINFO = ""
TABLES: Final = (
    "frg_person",
    "frg_tidligere_ident",
    "frg_familierelasjon",
    "frg_historikk",
    "acc_samtykke",
    "enh_enhet",
    "innsyn_logg",
    "innsyn_kjede",
    "identity_signing_key",
)
#: What a pgbench transaction does, and what our path does that it does not.
PGBENCH_DOES: Final = (
    "Per transaction (BEGIN … COMMIT, prepared statements): one read of the 35 columns the "
    "product's person reader selects from frg_person by primary key (a random id of the "
    "population: the same rows and a btree probe like ours by ident), and one INSERT of an "
    "access-log row shaped as ours (NAV, the person's ident, dataset, the ten field names as "
    "JSON, purpose, legal basis, a request id, a 64-hex hash) into innsyn_logg_pgbench, a "
    "copy of innsyn_logg with its keys and indexes (LIKE … INCLUDING ALL), numbered from a "
    "sequence. It does not: validate a token (our path reads the signing keys), decide "
    "(our path reads the person again, the consumer's status in Enhetsregisteret and its "
    "consents), read the relations or build the document, hash-chain the entry or lock the "
    "chain head (our log's appends are serial across processes), or serialise a response. "
    "It commits every transaction; our path commits log entries in groups (one transaction "
    "per batch the group writer takes)."
)


# ------------------------------------------------------------------------------------------
# The request our path serves (used in the worker processes, the batch and the profile)
# ------------------------------------------------------------------------------------------


class Lookup:
    """One process's handle on the path: the database, the product, the token."""

    def __init__(self, url: str, token: str) -> None:
        from felles.sharing.products import PRODUCTS

        self.database = Database(url)
        self.token = token
        self.product = PRODUCTS[PRODUCT]
        #: Transactions committed: in this path only the access log's group writer commits.
        self.commits = itertools.count()
        event.listen(self.database.engine, "commit", lambda *_: next(self.commits))

    def principal(self) -> Any:
        """The token checked and turned into the decision point's principal (as the API)."""
        token = token_principal(self.database, self.token)  # as identity's app_validator
        return principal_of(Caller(operator=False, scopes=token.scopes, principal=token))

    def one(self, ident: str) -> bool:
        """One GET /{produkt}/{subjekt} minus HTTP; True when released."""
        request_id = str(uuid.uuid4())
        [outcome] = release_module.release(
            self.database,
            principal=self.principal(),
            product=self.product,
            subjects=[ident],
            purpose=PURPOSE,
            request_id=request_id,
        )
        if isinstance(outcome, Refused):
            json.dumps(refusal_problem(self.product, outcome).to_dict())
            return False
        ReleaseOut(
            produkt=self.product.name,
            versjon=self.product.version,
            subjekt=outcome.subject,
            formaal=PURPOSE,
            data=dict(outcome.data),
            grunnlag=_basis_out(outcome),
            tilbakeholdt=dict(outcome.withheld),
            representasjon=outcome.representation,
            foresporselId=request_id,
        ).model_dump_json(by_alias=True, exclude_none=True)
        return True

    def batch(self, idents: list[str]) -> int:
        """``release`` for many subjects at once; the number released."""
        outcomes = release_module.release(
            self.database,
            principal=self.principal(),
            product=self.product,
            subjects=idents,
            purpose=PURPOSE,
            request_id=str(uuid.uuid4()),
        )
        return sum(isinstance(outcome, Released) for outcome in outcomes)


def _worker(config: dict[str, Any], ready: Any, go: Any, results: Any, finish: Any) -> None:
    """A worker process: warm up, wait for the start, run its threads, report."""
    from felles.kernel.runtime import tune_gc

    lookup = Lookup(config["url"], config["token"])
    idents: list[str] = config["idents"]
    threads: int = config["threads"]
    rate: float | None = config["rate_per_thread"]
    failures: list[str] = []

    def run(seconds: float, seed: int, out: list[tuple[float, float, bool]]) -> None:
        rng = random.Random(seed)
        started = time.perf_counter()
        deadline = started + seconds
        scheduled = started + (rng.expovariate(rate) if rate else 0.0)
        while True:
            if rate:
                if scheduled >= deadline:
                    return
                pause = scheduled - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            issued = time.perf_counter()
            if not rate and issued >= deadline:
                return
            try:
                released = lookup.one(rng.choice(idents))
            except Exception as error:  # reported, never hidden
                failures.append(f"{type(error).__name__}: {error}"[:300])
                released = False
            done = time.perf_counter()
            since = scheduled if rate else issued
            out.append(((done - since) * 1000, (done - issued) * 1000, released))
            if rate:
                scheduled += rng.expovariate(rate)

    def threaded(seconds: float, seed: int) -> list[list[tuple[float, float, bool]]]:
        outs: list[list[tuple[float, float, bool]]] = [[] for _ in range(threads)]
        workers = [
            threading.Thread(target=run, args=(seconds, seed * 1000 + n, outs[n]))
            for n in range(threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return outs

    if config.get("switch_interval"):
        sys.setswitchinterval(config["switch_interval"])
    threaded(config["warmup_seconds"], config["seed"] + 7)  # connections, caches
    tune_gc()
    failures.clear()
    ready.put(os.getpid())
    go.wait()
    cpu_before = time.process_time()
    commits_before = next(lookup.commits)
    started = time.perf_counter()
    outs = threaded(config["seconds"], config["seed"])
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    commits = next(lookup.commits) - commits_before - 1
    samples = [sample for out in outs for sample in out]
    results.put(
        {
            "pid": os.getpid(),
            "wall_seconds": wall,
            "cpu_seconds": cpu,
            "log_commits": commits,
            "latency_ms": [s[0] for s in samples],
            "service_ms": [s[1] for s in samples],
            "released": sum(1 for s in samples if s[2]),
            "failures": failures[:5],
            "failure_count": len(failures),
        }
    )
    finish.wait(timeout=600)  # connections stay open until the parent has counted CPU
    lookup.database.dispose()


def _spawn(
    target: Any, config: dict[str, Any], args: argparse.Namespace
) -> tuple[list[dict[str, Any]], dict[str, Any], float]:
    """``--processes`` worker processes of ``target`` (each with its own seed), started
    together once all are warm: their reports, the CPU used meanwhile, the load at the start."""
    context = mp.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    go, finish = context.Event(), context.Event()
    processes = [
        context.Process(
            target=target,
            args=(config | {"seed": args.seed * 100 + n}, ready, go, results, finish),
        )
        for n in range(args.processes)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=300)
    load = os.getloadavg()[0]
    with CpuSampler([p.pid for p in processes if p.pid is not None]) as cpu:
        go.set()
        reports = [results.get(timeout=args.seconds + 300) for _ in processes]
    finish.set()
    used = cpu.used()
    for process in processes:
        process.join(timeout=60)
    return reports, used, load


def _run_ours(
    args: argparse.Namespace, url: str, token: str, idents: list[str], rate: float | None
) -> dict[str, Any]:
    """Our path in ``--processes`` × ``--threads``: closed loop, or paced at ``rate``/s."""
    per_thread = rate / (args.processes * args.threads) if rate else None
    config = {
        "url": url,
        "token": token,
        "idents": idents,
        "threads": args.threads,
        "rate_per_thread": per_thread,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup_seconds,
        "switch_interval": args.switch_interval,
    }
    reports, used, load = _spawn(_worker, config, args)
    latencies = [ms for report in reports for ms in report["latency_ms"]]
    service = [ms for report in reports for ms in report["service_ms"]]
    wall = max(report["wall_seconds"] for report in reports)
    count = len(latencies)
    figures: dict[str, Any] = {
        "cpu_ms_per_request": _per_request(used, count),
        "processes": args.processes,
        "threads_per_process": args.threads,
        "switch_interval_s": args.switch_interval or sys.getswitchinterval(),
        "mode": "closed loop" if rate is None else f"paced open loop at {rate:.0f}/s (Poisson)",
        "seconds": round(wall, 2),
        "requests": count,
        "requests_per_second": round(count / wall, 1),
        "released": sum(report["released"] for report in reports),
        "access_log_commits": sum(report["log_commits"] for report in reports),
        "failures": sum(report["failure_count"] for report in reports),
        "failure_examples": [f for report in reports for f in report["failures"]][:5],
        "latency": percentiles(latencies) if latencies else None,
        "load_average_1min_at_start": round(load, 2),
        "cpu_seconds": used | {"workers": round(sum(r["cpu_seconds"] for r in reports), 2)},
    }
    if rate is not None:
        figures["target_per_second"] = round(rate, 1)
        figures["service_time"] = percentiles(service) if service else None
    return figures


# ------------------------------------------------------------------------------------------
# CPU accounting from /proc (Linux)
# ------------------------------------------------------------------------------------------

_TICK: Final = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _per_request(used: dict[str, Any], count: int) -> dict[str, float | None]:
    """CPU milliseconds per request: the benchmark's processes and their PostgreSQL backends."""
    return {
        name: round(used[name] / count * 1000, 3) if count else None
        for name in ("benchmark_processes", "postgresql_benchmark")
    }


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def _postgres_pids() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _machine_busy() -> float:
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, IndexError, ValueError):
        return 0.0
    return (sum(values) - values[3] - values[4]) / _TICK  # all but idle and iowait


class CpuSampler:
    """CPU seconds used during a phase, sampled every quarter second from /proc (so a
    backend that exits before the end still counts, up to its last sample): the machine's;
    PostgreSQL's, split by ``pg_stat_activity`` into the benchmark's backends (its
    ``application_name``), the server's background processes, and other clients (others'
    tests share this server); and the benchmark's own processes (``pids``)."""

    def __init__(self, pids: list[int], conninfo: str | None = None) -> None:
        self._pids = list(pids)
        self._conninfo = conninfo or CONNINFO
        self._first: dict[tuple[str, int], float] = {}
        self._last: dict[tuple[str, int], float] = {}
        self._kind: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._connection: Any = None

    def add(self, pid: int) -> None:
        self._pids.append(pid)

    def _kinds(self) -> None:
        if self._connection is None:
            return
        rows = self._connection.execute(
            "SELECT pid, backend_type, application_name FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid()"
        ).fetchall()
        for pid, backend_type, application in rows:
            if application == APPLICATION_NAME:
                self._kind[pid] = "postgresql_benchmark"
            elif backend_type == "client backend":
                self._kind[pid] = "postgresql_other_clients"
            else:
                self._kind[pid] = "postgresql_background"

    def _sample(self, first: bool) -> None:
        self._kinds()
        own = self._connection.info.backend_pid if self._connection is not None else None
        seen = [
            (self._kind.get(pid, "postgresql_background"), pid)
            for pid in _postgres_pids()
            if pid != own
        ]
        seen += [("benchmark_processes", pid) for pid in self._pids]
        for key in seen:
            cpu = _proc_cpu(key[1])
            if key not in self._first:
                # Present at the start: count from here; started later: all of it is ours.
                self._first[key] = cpu if first else 0.0
            self._last[key] = max(cpu, self._last.get(key, 0.0))

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._sample(False)

    def __enter__(self) -> CpuSampler:
        if self._conninfo:
            import psycopg

            self._connection = psycopg.connect(self._conninfo, autocommit=True)
        self._started = time.perf_counter()
        self._busy = _machine_busy()
        self._sample(True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._sample(False)
        self._stop.set()
        self._thread.join()
        self.wall = time.perf_counter() - self._started
        self.busy = _machine_busy() - self._busy
        if self._connection is not None:
            self._connection.close()

    def used(self) -> dict[str, Any]:
        totals: dict[str, float] = {
            "postgresql_benchmark": 0.0,
            "postgresql_background": 0.0,
            "postgresql_other_clients": 0.0,
            "benchmark_processes": 0.0,
        }
        for key, last in self._last.items():
            totals[key[0]] += last - self._first[key]
        accounted = sum(totals.values())
        return {
            "wall": round(self.wall, 2),
            "machine_busy": round(self.busy, 2),
            "cores_busy": round(self.busy / self.wall, 2) if self.wall else None,
            **{name: round(value, 2) for name, value in totals.items()},
            # Whatever else ran on the machine meanwhile (other people's work, the kernel).
            "everything_else": round(self.busy - accounted, 2),
        }


# ------------------------------------------------------------------------------------------
# The Python floor: the same SQL from Python threads, none of the work
# ------------------------------------------------------------------------------------------


def _floor_worker(config: dict[str, Any], ready: Any, go: Any, results: Any, finish: Any) -> None:
    """A process of the floor: ``threads`` readers in autocommit, one group-commit writer."""
    import queue

    import psycopg

    from felles.registries.folkeregister.document import PERSON_COLUMNS

    conninfo: str = config["conninfo"]
    idents: list[str] = config["idents"]
    read = f"SELECT {', '.join(PERSON_COLUMNS)} FROM frg_person WHERE ident = %s"
    insert = (
        "INSERT INTO innsyn_logg_pgbench (sekvensnummer, tidspunkt, konsument, aktoer, "
        "fullmakt_id, subjekt, datasett, felter, formaal, hjemmel, samtykke_id, "
        "foresporsel_id, hash) VALUES (nextval('innsyn_logg_pgbench_seq'), now(), %s, NULL, "
        "NULL, %s, %s, %s, %s, 'nav-barnetrygd-soeker', NULL, %s, %s)"
    )
    fields = json.dumps(sorted(PRODUCT_FIELDS))
    waiting: queue.SimpleQueue[tuple[tuple[str, ...], threading.Event]] = queue.SimpleQueue()
    stop = threading.Event()
    counting = threading.Event()
    commits = itertools.count()

    def writer() -> None:
        with psycopg.connect(conninfo, prepare_threshold=0) as connection:
            while not stop.is_set():
                try:
                    batch = [waiting.get(timeout=0.05)]
                except queue.Empty:
                    continue
                while not waiting.empty():
                    batch.append(waiting.get_nowait())
                with connection.transaction(), connection.cursor() as cursor:
                    cursor.executemany(insert, [row for row, _ in batch])
                if counting.is_set():
                    next(commits)
                for _, done in batch:
                    done.set()

    def run(seconds: float, seed: int, out: list[float]) -> None:
        rng = random.Random(seed)
        with psycopg.connect(conninfo, prepare_threshold=0, autocommit=True) as connection:
            deadline = time.perf_counter() + seconds
            while (issued := time.perf_counter()) < deadline:
                person = connection.execute(read, (rng.choice(idents),)).fetchone()
                assert person is not None
                done = threading.Event()
                request_id, digest = str(uuid.uuid4()), uuid.uuid4().hex * 2
                waiting.put(((NAV, person[1], PRODUCT, fields, PURPOSE, request_id, digest), done))
                done.wait()
                out.append((time.perf_counter() - issued) * 1000)

    def threaded(seconds: float, seed: int) -> list[float]:
        outs: list[list[float]] = [[] for _ in range(config["threads"])]
        threads = [
            threading.Thread(target=run, args=(seconds, seed * 1000 + n, outs[n]))
            for n in range(config["threads"])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [ms for out in outs for ms in out]

    writing = threading.Thread(target=writer, daemon=True)
    writing.start()
    threaded(config["warmup_seconds"], config["seed"] + 7)
    ready.put(os.getpid())
    go.wait()
    counting.set()
    cpu_before = time.process_time()
    started = time.perf_counter()
    latencies = threaded(config["seconds"], config["seed"])
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    counting.clear()
    results.put(
        {
            "wall_seconds": wall,
            "cpu_seconds": cpu,
            "log_commits": next(commits),
            "latency_ms": latencies,
        }
    )
    finish.wait(timeout=600)
    stop.set()
    writing.join(timeout=5)


def _run_floor(args: argparse.Namespace, conninfo: str, idents: list[str]) -> dict[str, Any]:
    """The floor in ``--processes`` × ``--threads``, closed loop (after ``_pgbench_setup``)."""
    config = {
        "conninfo": conninfo,
        "idents": idents,
        "threads": args.threads,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup_seconds,
    }
    reports, used, load = _spawn(_floor_worker, config, args)
    latencies = [ms for report in reports for ms in report["latency_ms"]]
    wall = max(report["wall_seconds"] for report in reports)
    return {
        "does": "per request: one prepared read of the person's 35 columns by ident "
        "(autocommit) and one access-log row, inserted by the process's writer thread with "
        "what else is waiting in one transaction; the request waits for that commit",
        "processes": args.processes,
        "threads_per_process": args.threads,
        "mode": "closed loop",
        "seconds": round(wall, 2),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / wall, 1),
        "access_log_commits": sum(report["log_commits"] for report in reports),
        "latency": percentiles(latencies) if latencies else None,
        "load_average_1min_at_start": round(load, 2),
        "cpu_seconds": used | {"workers": round(sum(r["cpu_seconds"] for r in reports), 2)},
        "cpu_ms_per_request": _per_request(used, len(latencies)),
    }


# ------------------------------------------------------------------------------------------
# pgbench
# ------------------------------------------------------------------------------------------


def _pgbench_setup(database: Database) -> dict[str, Any]:
    """The copy of the access-log table pgbench inserts into, its sequence, and the id range."""
    from felles.registries.folkeregister.model import Person

    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS innsyn_logg_pgbench"))
        connection.execute(text("DROP SEQUENCE IF EXISTS innsyn_logg_pgbench_seq"))
        connection.execute(
            text("CREATE TABLE innsyn_logg_pgbench (LIKE innsyn_logg INCLUDING ALL)")
        )
        connection.execute(text("CREATE SEQUENCE innsyn_logg_pgbench_seq"))
    with database.read_session() as session:
        low, high, count = session.execute(
            select(func.min(Person.id), func.max(Person.id), func.count())
        ).one()
    if high - low + 1 != count:
        raise RuntimeError("frg_person's ids are not contiguous; the pgbench script needs them")
    return {"min_id": int(low), "max_id": int(high)}


def _pgbench_script(path: Path, bounds: dict[str, Any]) -> str:
    from felles.registries.folkeregister.document import PERSON_COLUMNS

    fields = json.dumps(sorted(PRODUCT_FIELDS))
    columns = ", ".join(PERSON_COLUMNS)
    script = f"""\\set id random({bounds["min_id"]}, {bounds["max_id"]})
BEGIN;
SELECT {columns} FROM frg_person WHERE id = :id \\gset p_
INSERT INTO innsyn_logg_pgbench (sekvensnummer, tidspunkt, konsument, aktoer, fullmakt_id, \
subjekt, datasett, felter, formaal, hjemmel, samtykke_id, foresporsel_id, hash) VALUES \
(nextval('innsyn_logg_pgbench_seq'), now(), '{NAV}', NULL, NULL, :p_ident, '{PRODUCT}', \
'{fields}', '{PURPOSE}', 'nav-barnetrygd-soeker', NULL, gen_random_uuid()::text, \
md5(random()::text) || md5(random()::text));
COMMIT;
"""
    path.write_text(script)
    return script


_TPS: Final = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)", re.M)
_FAILED: Final = re.compile(r"^number of failed transactions: (\d+)", re.M)


def _run_pgbench(
    args: argparse.Namespace,
    script: Path,
    clients: int,
    seconds: float,
    rate: float | None,
    folder: Path,
) -> dict[str, Any]:
    parsed = make_url(args.database_url)
    prefix = folder / f"log-{'paced' if rate else 'max'}"
    command = [
        args.pgbench,
        "-n",
        "-M",
        "prepared",
        "-f",
        str(script),
        "-c",
        str(clients),
        "-j",
        "2",
        "-T",
        str(max(1, round(seconds))),
        "--log",
        f"--log-prefix={prefix}",
        "-h",
        parsed.host or "127.0.0.1",
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
    ]
    if rate:
        command += ["-R", str(round(rate))]
    command.append(parsed.database or "postgres")
    env = os.environ | {
        "PGOPTIONS": f"-csearch_path={args.schema}",
        "PGAPPNAME": APPLICATION_NAME,
    }
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    load = os.getloadavg()[0]
    with CpuSampler([]) as cpu:
        running = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        cpu.add(running.pid)
        stdout, stderr = running.communicate()
    used = cpu.used()
    done = subprocess.CompletedProcess(command, running.returncode, stdout, stderr)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}): {done.stderr[-2000:]}")
    latencies: list[float] = []
    for log in folder.glob(f"{prefix.name}.*"):
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 6 and parts[2].isdigit():
                # µs → ms; paced (-R), the 7th field is the lag behind the schedule: counted,
                # as our paced figures count from the scheduled arrival
                lag = int(parts[6]) if rate and len(parts) >= 7 else 0
                latencies.append((int(parts[2]) + lag) / 1000)
        log.unlink()
    tps = _TPS.search(done.stdout)
    failed = _FAILED.search(done.stdout)
    return {
        "command": " ".join(command),
        "clients": clients,
        "threads": 2,
        "seconds": seconds,
        "mode": "closed loop" if rate is None else f"paced at {rate:.0f}/s (-R)",
        "transactions_per_second": float(tps.group(1)) if tps else None,
        "failed_transactions": int(failed.group(1)) if failed else None,
        "latency": percentiles(latencies) if latencies else None,
        "load_average_1min_at_start": round(load, 2),
        "cpu_seconds": used,
        "cpu_ms_per_request": _per_request(used, len(latencies)),
        "output_tail": done.stdout.strip().splitlines()[-8:],
    }


# ------------------------------------------------------------------------------------------
# HTTP: uvicorn with two workers, a small asyncio client
# ------------------------------------------------------------------------------------------

HTTP_URL_ENV: Final = "FELLES_BENCH_SHARING_DATABASE_URL"


def http_app() -> Any:
    """The application as ``felles serve`` makes it (uvicorn ``--factory`` calls this in each
    worker): ``create_app`` on the benchmark's schema, then the GC tuning."""
    from felles.app import create_app
    from felles.kernel.runtime import tune_gc

    application = create_app(database=Database(os.environ[HTTP_URL_ENV]))
    tune_gc()
    return application


async def _http_client(
    port: int,
    token: str,
    idents: list[str],
    connections: int,
    seconds: float,
    seed: int,
) -> tuple[list[float], dict[int, int]]:
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def connection(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                path = f"/datafordeler/v1/{PRODUCT}/{rng.choice(idents)}?formaal={PURPOSE}"
                request = (
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
                ).encode()
                started = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(connection(n) for n in range(connections)))
    return latencies, statuses


def _run_http(args: argparse.Namespace, url: str, token: str, idents: list[str]) -> dict[str, Any]:
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {HTTP_URL_ENV: url}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "bench_sharing:http_app",
        "--app-dir",
        str(Path(__file__).parent),
        "--workers",
        "2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        started = time.perf_counter()
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError("uvicorn did not start") from None
                time.sleep(0.3)
        connections = args.processes * args.threads
        asyncio.run(_http_client(port, token, idents, connections, args.warmup_seconds, args.seed))
        workers = [int(p) for p in _children(server.pid)]
        load = os.getloadavg()[0]
        client_before = time.process_time()
        with CpuSampler(workers) as cpu:
            began = time.perf_counter()
            latencies, statuses = asyncio.run(
                _http_client(port, token, idents, connections, args.http_seconds, args.seed + 1)
            )
            wall = time.perf_counter() - began
        client_cpu = time.process_time() - client_before
        used = cpu.used()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
    return {
        "server": "uvicorn --factory bench_sharing:http_app --workers 2 (create_app, tune_gc)",
        "client": f"asyncio HTTP/1.1, {connections} keep-alive connections, in this process",
        "seconds": round(wall, 2),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / wall, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "latency": percentiles(latencies) if latencies else None,
        "load_average_1min_at_start": round(load, 2),
        "cpu_seconds": used | {"load_generator_in_this_process": round(client_cpu, 2)},
    }


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


# ------------------------------------------------------------------------------------------
# Set-up: population, NAV's client and its token
# ------------------------------------------------------------------------------------------


def _population(database: Database, args: argparse.Namespace) -> dict[str, Any]:
    generated, present, seconds = population(
        database,
        url=args.database_url,
        schema=args.schema,
        persons=args.persons,
        seed=args.seed,
        reuse=args.reuse,
    )
    figures: dict[str, Any] = {"generated": generated, "persons": present}
    if seconds is not None:
        figures["seconds"] = seconds
    return figures


def _nav_token(database: Database) -> str:
    """NAV's machine client (registered once) and a fresh token from Maskinporten's grant."""
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    from felles.identity import urls
    from felles.identity.model import MaskinportenClient
    from felles.identity.operations.clients import register_maskinporten_client
    from felles.identity.operations.maskinporten import issue_token

    key = RSAKey.generate_key(2048, parameters={"kid": f"bench-{uuid.uuid4().hex[:8]}"})
    with database.unit_of_work() as uow:
        existing = uow.session.get(MaskinportenClient, CLIENT_ID)
        if existing is not None:
            existing.jwks = {"keys": [key.as_dict(private=False) | {"alg": "RS256"}]}
        else:
            register_maskinporten_client(
                uow,
                client_id=CLIENT_ID,
                client_name="NAV fagsystem (benchmark)",
                orgnr=NAV,
                jwks={"keys": [key.as_dict(private=False) | {"alg": "RS256"}]},
                scopes=[SCOPE],
            )
        uow.commit()
    now = int(time.time())
    claims = {
        "aud": urls.maskinporten_issuer(),
        "iss": CLIENT_ID,
        "iat": now,
        "exp": now + 100,
        "jti": str(uuid.uuid4()),
        "scope": SCOPE,
    }
    assertion = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
    with database.unit_of_work() as uow:
        answer = issue_token(uow, assertion=assertion)
        uow.commit()
    token: str = answer["access_token"]
    return token


def _sample(database: Database, count: int, seed: int) -> list[str]:
    """``count`` random people (uniform probes), or everyone in a population not much larger."""
    from felles.registries.folkeregister import sampling
    from felles.registries.folkeregister.model import Person

    with database.read_session() as session:
        present = session.scalar(select(func.count()).select_from(Person)) or 0
        if count * 2 >= present:
            return list(session.scalars(select(Person.ident).order_by(Person.id).limit(count)))
        found = sampling.sample_persons(session, rng=random.Random(seed), count=count)
    return [candidate.ident for candidate in found]


# ------------------------------------------------------------------------------------------
# Batch and profile (in this process)
# ------------------------------------------------------------------------------------------


def _run_batch(lookup: Lookup, idents: list[str], runs: int, seed: int) -> dict[str, Any]:
    """``release`` for 1 000 random people, ``runs`` times (the token checked once per run,
    outside the timing, as the batch is one request)."""
    rng = random.Random(seed)
    lookup.batch(rng.sample(idents, 1000))  # warm-up
    durations, released = [], 0
    for _ in range(runs):
        chosen = rng.sample(idents, 1000)
        principal = lookup.principal()
        started = time.perf_counter()
        outcomes = release_module.release(
            lookup.database,
            principal=principal,
            product=lookup.product,
            subjects=chosen,
            purpose=PURPOSE,
            request_id=str(uuid.uuid4()),
        )
        durations.append((time.perf_counter() - started) * 1000)
        released += sum(isinstance(outcome, Released) for outcome in outcomes)
    return {
        "subjects": 1000,
        "runs": runs,
        "released_per_batch": round(released / runs, 1),
        "release_ms": percentiles(durations),
    }


def _sql_calls(stats: pstats.Stats) -> dict[str, int]:
    """Round trips the profiled thread made, from psycopg's functions in a profile."""
    counts = {"statements": 0, "transaction_commands": 0}
    for (filename, _line, name), values in stats.stats.items():  # type: ignore[attr-defined]
        calls = values[1]
        if filename.endswith("psycopg/cursor.py") and name == "execute":
            counts["statements"] += calls
        elif filename.endswith("psycopg/_connection_base.py") and name == "_exec_command":
            counts["transaction_commands"] += calls  # BEGIN, COMMIT, ROLLBACK
    return counts


def _profile_writer(database: Database, idents: list[str], transactions: int) -> dict[str, Any]:
    """What the group writer's thread does per transaction, done here in this thread: one
    ``append_rows`` of a batch of entries shaped as a release's on a held connection, and
    the commit."""
    from felles.access.log.operations import LogEntry, append_rows, prepare

    rng = random.Random(5)
    fields = sorted(PRODUCT_FIELDS)

    def batch(size: int) -> list[LogEntry]:
        return [
            LogEntry(
                konsument=NAV,
                subjekt=rng.choice(idents),
                datasett=PRODUCT,
                felter=fields,
                formaal=PURPOSE,
                foresporsel_id=str(uuid.uuid4()),
                hjemmel="nav-barnetrygd-soeker",
            )
            for _ in range(size)
        ]

    connection = database.engine.connect()  # as the writer's thread holds one

    def commit(entries: list[LogEntry]) -> None:
        rows = prepare(entries)  # in the request's thread in the real path
        with connection.begin():
            append_rows(connection, rows)

    figures: dict[str, Any] = {}
    for size in (1, 16):
        batches = [batch(size) for _ in range(transactions)]
        for entries in batches[:20]:
            commit(entries)
        wall, cpu = time.perf_counter(), time.thread_time()
        for entries in batches[20:]:
            commit(entries)
        count = len(batches) - 20
        figures[f"batch_of_{size}"] = {
            "transaction_wall_ms": round((time.perf_counter() - wall) / count * 1000, 3),
            "transaction_cpu_ms": round((time.thread_time() - cpu) / count * 1000, 3),
        }
    profiler = cProfile.Profile(time.thread_time)
    batches = [batch(1) for _ in range(transactions)]
    profiler.enable()
    for entries in batches:
        commit(entries)
    profiler.disable()
    figures["cprofile_batch_of_1_cpu"] = _top(profiler, "cumulative", 25)
    connection.close()
    return figures


def _top(profiler: cProfile.Profile, order: str, count: int) -> list[str]:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(count)
    return [line.rstrip() for line in out.getvalue().splitlines() if line.strip()]


def _profile(
    url: str, token: str, idents: list[str], requests: int, path: Path | None
) -> dict[str, Any]:
    """Where a request's time goes, one request at a time in this process: the steps of
    ``release`` timed (wall and the thread's CPU) by wrapping the functions it calls, the
    round trips, the group writer's share, and a cProfile of the request thread."""
    import dataclasses

    lookup = Lookup(url, token)
    names = ("token", "release", "decide_many", "load", "log_write_wait")
    steps: dict[str, list[float]] = {}
    checkouts: dict[str, int] = {}
    request_thread = threading.get_ident()

    def on_checkout(*_: Any) -> None:
        who = "request" if threading.get_ident() == request_thread else "writer"
        checkouts[who] = checkouts.get(who, 0) + 1

    event.listen(lookup.database.engine, "checkout", on_checkout)

    def timed(name: str, function: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent = steps.setdefault(name, [0.0, 0.0])
                spent[0] += time.perf_counter() - wall
                spent[1] += time.thread_time() - cpu

        return call

    originals = (release_module.release, release_module.decide_many, release_module.write_log)
    release_module.release = timed("release", originals[0])
    release_module.decide_many = timed("decide_many", originals[1])
    release_module.write_log = timed("log_write_wait", originals[2])
    lookup.product = dataclasses.replace(lookup.product, load=timed("load", lookup.product.load))
    lookup.principal = timed("token", lookup.principal)  # type: ignore[method-assign]
    rng = random.Random(3)
    try:
        for _ in range(200):
            lookup.one(rng.choice(idents))
        steps.clear()
        checkouts.clear()
        wall, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
        for _ in range(requests):
            lookup.one(rng.choice(idents))
        wall = time.perf_counter() - wall
        cpu = time.thread_time() - cpu
        process = time.process_time() - process
        timings = {name: list(steps.get(name, [0.0, 0.0])) for name in names}
        per_checkout = dict(checkouts)
        profiler = cProfile.Profile(time.thread_time)  # CPU of this thread, waits left out
        profiled = time.perf_counter()
        profiler.enable()
        for _ in range(requests):
            lookup.one(rng.choice(idents))
        profiler.disable()
        profiled = time.perf_counter() - profiled
        batches = 10
        steps.clear()
        for _ in range(batches):
            lookup.batch(rng.sample(idents, 1000))
        batch_timings = {name: list(steps.get(name, [0.0, 0.0])) for name in names}
        batch_profiler = cProfile.Profile(time.thread_time)
        batch_profiler.enable()
        for _ in range(3):
            lookup.batch(rng.sample(idents, 1000))
        batch_profiler.disable()
    finally:
        release_module.release, release_module.decide_many, release_module.write_log = originals
        lookup.database.dispose()
    if path is not None:
        profiler.dump_stats(str(path))
    writer_database = Database(url)
    try:
        writer = _profile_writer(writer_database, idents, max(100, requests // 4))
    finally:
        writer_database.dispose()

    def ms(seconds: float) -> float:
        return round(seconds / requests * 1000, 3)

    inside = sum(timings[name][0] for name in ("decide_many", "load", "log_write_wait"))
    inside_cpu = sum(timings[name][1] for name in ("decide_many", "load", "log_write_wait"))

    def pair(name: str) -> dict[str, float]:
        return {"wall": ms(timings[name][0]), "cpu": ms(timings[name][1])}

    step_ms = {
        "token_check": pair("token"),
        "decide_many": pair("decide_many"),
        "product_load": pair("load"),
        "access_log_write_wait": pair("log_write_wait"),
        "rest_of_release": {
            "wall": ms(timings["release"][0] - inside),
            "cpu": ms(timings["release"][1] - inside_cpu),
        },
        "response_and_rest": {
            "wall": ms(wall - timings["token"][0] - timings["release"][0]),
            "cpu": ms(cpu - timings["token"][1] - timings["release"][1]),
        },
    }
    calls = _sql_calls(pstats.Stats(profiler))

    def per_batch(name: str) -> dict[str, float]:
        wall_s, cpu_s = batch_timings[name]
        return {"wall": round(wall_s / batches * 1000, 1), "cpu": round(cpu_s / batches * 1000, 1)}

    batch_inside = [
        sum(batch_timings[name][n] for name in ("decide_many", "load", "log_write_wait"))
        for n in (0, 1)
    ]
    batch_steps = {
        "release": per_batch("release"),
        "decide_many": per_batch("decide_many"),
        "product_load": per_batch("load"),
        "access_log_write_wait": per_batch("log_write_wait"),
        "rest_of_release": {
            "wall": round((batch_timings["release"][0] - batch_inside[0]) / batches * 1000, 1),
            "cpu": round((batch_timings["release"][1] - batch_inside[1]) / batches * 1000, 1),
        },
    }
    lines = []
    for order in ("tottime", "cumulative"):
        lines.append(f"--- {requests} requests, {profiled:.2f} s profiled, CPU by {order} ---")
        lines += _top(profiler, order, 30)
    return {
        "how": (
            f"{requests} requests one after the other in one process (no contention): each "
            "step of release timed by wrapping the function release calls (wall, and CPU of "
            "the request thread); the group writer appends each request's entry in its own "
            "transaction here, its thread's CPU is the process's CPU minus the request "
            "thread's; then the same requests again under cProfile (the request thread's CPU "
            "time; cProfile's own cost inflates the Python-heavy functions)"
        ),
        "per_request_ms": {
            "wall": ms(wall),
            "request_thread_cpu": ms(cpu),
            "writer_thread_and_other_cpu": ms(process - cpu),
            "steps": step_ms,
        },
        "round_trips_per_request_thread": {
            name: round(count / requests, 2) for name, count in calls.items()
        }
        | {"pool_checkouts": round(per_checkout.get("request", 0) / requests, 2)},
        "writer_pool_checkouts_per_request": round(per_checkout.get("writer", 0) / requests, 2),
        "group_writer_transaction": writer,
        "batch_of_1000_ms": batch_steps,
        "batch_of_1000_cprofile_cpu": _top(batch_profiler, "cumulative", 30),
        "cprofile": lines,
    }


# ------------------------------------------------------------------------------------------


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="felles_bench_sharing")
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep the population if present")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=12, help="threads per process")
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=None,
        help="the workers' sys.setswitchinterval (default: Python's, 5 ms)",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="each timed phase")
    parser.add_argument("--warmup-seconds", type=float, default=None, help="default: ≤ 2 s")
    parser.add_argument("--subjects", type=int, default=20_000, help="random people to ask for")
    parser.add_argument("--batch-runs", type=int, default=30)
    parser.add_argument("--http-seconds", type=float, default=None, help="default: --seconds")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-pgbench", action="store_true")
    parser.add_argument("--pgbench", default=shutil.which("pgbench") or "pgbench")
    parser.add_argument("--profile", action="store_true", help="add a profile of one process")
    parser.add_argument("--profile-file", type=Path, default=None, help="its cProfile stats")
    parser.add_argument("--profile-requests", type=int, default=2000)
    parser.add_argument("--output", type=Path, default=RESULTS / "sharing.json")
    args = parser.parse_args(argv)
    if args.http_seconds is None:
        args.http_seconds = args.seconds
    if args.warmup_seconds is None:
        args.warmup_seconds = min(2.0, args.seconds / 3)
    return args


def _environment() -> Path:
    """Settings every process of the run shares: a token that outlives the run, the
    access-log checkpoint key in a folder of its own."""
    from felles.access.log import chain
    from felles.kernel.settings import get_settings

    folder = Path(tempfile.mkdtemp(prefix="felles-bench-sharing-"))
    os.environ["FELLES_IDENTITY_TOKEN_LIFETIME"] = "86400"
    os.environ["FELLES_ACCESS_LOG_KEY_FILE"] = str(folder / "access-log-key.pem")
    get_settings.cache_clear()
    chain.signing_key()  # made once here, so no two processes race to create it
    return folder


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    began = time.perf_counter()
    folder = _environment()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f} s] {message}", flush=True)

    global CONNINFO
    parsed = make_url(args.database_url)
    CONNINFO = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    url = schema_url(args.database_url, args.schema)
    named = make_url(url)
    url = named.set(
        query=dict(named.query) | {"application_name": APPLICATION_NAME}
    ).render_as_string(hide_password=False)
    database = Database(url)
    say(f"the population of {args.persons} in schema {args.schema} …")
    population = _population(database, args)
    analyze_if_never_analyzed(database, TABLES)
    warmed = warm_os_cache(database, TABLES)
    say("NAV's client and token, the subjects …")
    token = _nav_token(database)
    idents = _sample(database, args.subjects, args.seed)
    say(f"population {population}, {len(idents)} subjects to ask for")

    from felles.kernel.runtime import tune_gc

    tune_gc()
    load_at_start = round(os.getloadavg()[0], 2)
    reference_ms = python_reference_ms()
    clients = args.processes * args.threads
    result: dict[str, Any] = {
        "benchmark": "sharing",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_sharing.py " + " ".join(sys.argv[1:]),
        "schema": args.schema,
        "population": population,
        "os_cache": warmed,
        "product": PRODUCT,
        "purpose": PURPOSE,
        "consumer": NAV,
        "goals": {
            "lookups_per_second": 2000,
            "ratio_ours_to_pgbench": 0.5,
            "p99_ms_at_half_load": 25,
            "batch_1000_ms": 200,
        },
    }
    say(f"our path, {args.processes} × {args.threads}, closed loop …")
    saturated = _run_ours(args, url, token, idents, None)
    result["ours_saturated"] = saturated
    say(json.dumps(_brief(saturated)))
    script_path = folder / "lookup.sql"
    if not args.no_pgbench:
        bounds = _pgbench_setup(database)
        result["pgbench_script"] = _pgbench_script(script_path, bounds)
        result["pgbench_does"] = PGBENCH_DOES
        say(f"pgbench, {clients} clients …")
        result["pgbench_saturated"] = _run_pgbench(
            args, script_path, clients, args.seconds, None, folder
        )
        say(json.dumps(_brief(result["pgbench_saturated"])))
        say(f"the Python floor, {args.processes} × {args.threads} …")
        floor_conninfo = make_url(CONNINFO).render_as_string(hide_password=False)
        options = f"options=-csearch_path%3D{args.schema}&application_name={APPLICATION_NAME}"
        floor_conninfo += ("&" if "?" in floor_conninfo else "?") + options
        result["python_floor"] = _run_floor(args, floor_conninfo, idents)
        say(json.dumps(_brief(result["python_floor"])))
    half = saturated["requests_per_second"] / 2
    say(f"our path paced at {half:.0f}/s …")
    result["ours_half_load"] = _run_ours(args, url, token, idents, half)
    say(json.dumps(_brief(result["ours_half_load"])))
    if not args.no_pgbench:
        say(f"pgbench paced at {half:.0f}/s …")
        result["pgbench_half_load"] = _run_pgbench(
            args, script_path, clients, args.seconds, half, folder
        )
        say(json.dumps(_brief(result["pgbench_half_load"])))
    lookup = Lookup(url, token)
    say(f"batches of 1 000, {args.batch_runs} runs …")
    result["batch_1000"] = _run_batch(lookup, idents, args.batch_runs, args.seed)
    say(json.dumps(result["batch_1000"]["release_ms"]))
    if not args.no_http:
        say("HTTP through uvicorn with 2 workers …")
        result["http"] = _run_http(args, url, token, idents)
        say(json.dumps(_brief(result["http"])))
    if args.profile:
        say(f"profiling {args.profile_requests} requests one by one …")
        result["profile"] = _profile(url, token, idents, args.profile_requests, args.profile_file)
        say(json.dumps(result["profile"]["per_request_ms"], indent=1))
    lookup.database.dispose()
    result["summary"] = _summary(result)
    result["machine"] = machine(database) | {
        "load_average_1min_at_start": load_at_start,
        "python_reference_ms_at_start": reference_ms,
    }
    result["python_reference_ms"] = reference_ms
    result["total_seconds"] = round(time.perf_counter() - began, 1)
    database.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result["summary"], indent=2, ensure_ascii=False))
    return result


def _brief(figures: dict[str, Any]) -> dict[str, Any]:
    latency = figures.get("latency") or {}
    rate = figures.get("requests_per_second", figures.get("transactions_per_second"))
    return {
        "per_second": rate,
        "p50_ms": latency.get("p50_ms"),
        "p99_ms": latency.get("p99_ms"),
        "cpu": figures.get("cpu_seconds"),
    }


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    ours = result["ours_saturated"]["requests_per_second"]
    pgbench = (result.get("pgbench_saturated") or {}).get("transactions_per_second")
    half = result["ours_half_load"]
    floor = (result.get("python_floor") or {}).get("requests_per_second")
    return {
        "ours_per_second": ours,
        "pgbench_per_second": pgbench,
        "ratio_ours_to_pgbench": round(ours / pgbench, 3) if pgbench else None,
        "python_floor_per_second": floor,
        "ratio_floor_to_pgbench": round(floor / pgbench, 3) if pgbench and floor else None,
        "ours_p99_ms_at_half_load": (half.get("latency") or {}).get("p99_ms"),
        "ours_achieved_at_half_load": half["requests_per_second"],
        "pgbench_p99_ms_at_half_load": (
            ((result.get("pgbench_half_load") or {}).get("latency") or {}).get("p99_ms")
        ),
        "batch_1000_release_p50_ms": result["batch_1000"]["release_ms"]["p50_ms"],
        "batch_1000_release_p99_ms": result["batch_1000"]["release_ms"]["p99_ms"],
        "http_per_second": (result.get("http") or {}).get("requests_per_second"),
        "http_p99_ms": ((result.get("http") or {}).get("latency") or {}).get("p99_ms"),
        "goals_met": {
            "lookups_per_second": ours >= 2000,
            "ratio_ours_to_pgbench": bool(pgbench) and ours / pgbench >= 0.5,
            "p99_ms_at_half_load": ((half.get("latency") or {}).get("p99_ms") or 1e9) <= 25,
            "batch_1000_ms": result["batch_1000"]["release_ms"]["p99_ms"] <= 200,
        },
    }


if __name__ == "__main__":
    main()
