"""Benchmark: Min side's Oversikt under 50 concurrent users, on PostgreSQL.

    python bench/bench_portal.py --persons 100000 --days 30 --users 50 --seconds 30

Set-up (untimed, with progress; kept with ``--reuse``) in schema ``felles_bench_portal``: a
population the size of a large municipality (``--persons``; Kristiansand has about 117 000
people), then ``felles simulate --days`` with the public services, so there are births with
barnetrygd decisions, decision letters in the mailbox and få barn journeys. ``felles serve
--workers 2`` runs as its own processes (one per core; ``--workers 1`` is how ``make demo``
serves).

The users: every mother with a journey (up to ``--users``), the rest random residents aged
18–80. Each logs in through the real flow (``/minside/logg-inn`` → the TestID page → the
callback → acting for themselves) with its own cookie jar. Then, from one asyncio process:

* **users**: each user asks for Oversikt (``GET /minside/oversikt``, the whole page: session,
  party check, cases, consents, letters, journeys, access log), waits a think time drawn
  uniformly from 0.5–1.5 s and asks again, for ``--seconds`` after a warm-up: about 50 pages
  a second offered; p50/p95/p99 of the response time. Goal: p95 ≤ 150 ms.
* **saturation**: the same users with no think time (50 requests always in flight): the
  pages per second the server delivers, and its latency then (queueing included).

Figures go to ``bench/results/portal.json`` with the machine and the server's CPU seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from typing import Any, Final

import httpx
from benchlib import (
    DEFAULT_URL,
    RESULTS,
    machine,
    percentiles,
    population,
    python_reference_ms,
    schema_url,
)
from sqlalchemy import func, select

from felles.kernel.db import Database

GOAL_P95_MS: Final = 150.0
OVERSIKT: Final = "/minside/oversikt"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def simulate(url: str, days: int, seed: int) -> float:
    """``felles simulate`` with the services, decision letters and journeys; seconds taken."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "felles.cli", "simulate", "--days", str(days)]
    command += ["--seed", str(seed), "--no-working-life", "--database-url", url]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - started, 1)


def pick_users(database: Database, count: int, seed: int) -> dict[str, list[str]]:
    """Mothers with a journey first, then random residents aged 18-80."""
    from felles.journeys.model import Reise
    from felles.registries.folkeregister.model import Person
    from felles.services.model import Sak

    rng = random.Random(seed)
    with database.read_session() as session:
        mothers = list(
            session.scalars(
                select(Sak.part)
                .join(Reise, Reise.anchor == Sak.subject)
                .where(Sak.part.is_not(None))
                .distinct()
                .limit(count)
            )
        )
        today = dt.date.today()
        adults = list(
            session.scalars(
                select(Person.ident)
                .where(
                    Person.status == "bosatt",
                    Person.identifikatortype == "foedselsnummer",
                    Person.foedselsdato <= today.replace(year=today.year - 18),
                    Person.foedselsdato >= today.replace(year=today.year - 80),
                    Person.adressebeskyttelse == "ugradert",
                )
                .order_by(func.random())
                .limit(count * 2)
            )
        )
    others = [ident for ident in adults if ident not in set(mothers)]
    rng.shuffle(others)
    return {"with_journey": [m for m in mothers if m], "others": others[: count - len(mothers)]}


def start_server(url: str, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = dict(os.environ, FELLES_LOG_LEVEL="WARNING")
    command = [sys.executable, "-m", "felles.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    server = subprocess.Popen([*command, "--database-url", url], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://localhost:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    raise RuntimeError("felles serve did not answer within 60 s")


def log_in(base: str, pid: str) -> httpx.Cookies:
    """The real login: portal → ID-porten's TestID page → callback → acting for oneself."""
    with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as client:
        page = client.get("/minside/logg-inn")
        found = re.search(r'name="request" value="([^"]+)"', page.text)
        if page.status_code != 200 or found is None:
            raise RuntimeError(f"no TestID page ({page.status_code})")
        landed = client.post(
            "/idporten/authorize/testid",
            data={"request": unescape(found.group(1)), "pid": pid, "acr": "idporten-loa-high"},
        )
        csrf = re.search(r'name="csrf" value="([^"]+)"', landed.text)
        if "/minside/velg" not in str(landed.url) or csrf is None:
            raise RuntimeError(f"login did not reach the choice ({landed.status_code})")
        chosen = client.post(
            "/minside/velg",
            data={"csrf": unescape(csrf.group(1)), "part": pid, "neste": OVERSIKT},
        )
        if chosen.status_code != 200 or OVERSIKT not in str(chosen.url):
            raise RuntimeError(f"acting for oneself failed ({chosen.status_code})")
        return client.cookies


async def _user(
    base: str,
    cookies: httpx.Cookies,
    *,
    think: tuple[float, float] | None,
    warm_until: float,
    stop_at: float,
    samples: list[float],
    errors: list[int],
    rng: random.Random,
) -> None:
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30) as client:
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                return
            response = await client.get(OVERSIKT)
            took = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                errors.append(response.status_code)
            elif started >= warm_until:
                samples.append(took)
            if think is not None:
                await asyncio.sleep(rng.uniform(*think))


async def _load(
    base: str,
    jars: list[httpx.Cookies],
    *,
    think: tuple[float, float] | None,
    warmup: float,
    seconds: float,
    seed: int,
) -> tuple[list[float], list[int], float]:
    samples: list[float] = []
    errors: list[int] = []
    began = time.perf_counter()
    warm_until, stop_at = began + warmup, began + warmup + seconds
    rng = random.Random(seed)
    await asyncio.gather(
        *(
            _user(
                base,
                jar,
                think=think,
                warm_until=warm_until,
                stop_at=stop_at,
                samples=samples,
                errors=errors,
                rng=random.Random(rng.random()),
            )
            for jar in jars
        )
    )
    return samples, errors, seconds


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_seconds(pid: int) -> float:
    """CPU seconds of the server and its worker processes (``--workers``)."""
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    ticks = 0
    for each in pids:
        try:
            fields = _stat(each)
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_phase(
    base: str,
    server: subprocess.Popen[bytes],
    jars: list[httpx.Cookies],
    *,
    think: tuple[float, float] | None,
    warmup: float,
    seconds: float,
    seed: int,
) -> dict[str, Any]:
    cpu = _cpu_seconds(server.pid)
    samples, errors, measured = asyncio.run(
        _load(base, jars, think=think, warmup=warmup, seconds=seconds, seed=seed)
    )
    used = _cpu_seconds(server.pid) - cpu
    return {
        "users": len(jars),
        "think_seconds": list(think) if think else None,
        "pages_per_second": round(len(samples) / measured, 1),
        "errors": len(errors),
        "latency": percentiles(samples) if samples else None,
        "server_cpu_seconds_incl_warmup": round(used, 2),
    }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="felles_bench_portal")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30, help="simulated with the services")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep population and simulation")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="felles serve --workers")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--output", type=Path, default=RESULTS / "portal.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    url = schema_url(args.database_url, args.schema)
    database = Database(url)
    say(f"population of {args.persons} in schema {args.schema} …")
    generated, people, generation_seconds = population(
        database,
        url=url,
        schema=args.schema,
        persons=args.persons,
        seed=args.seed,
        reuse=args.reuse,
    )
    simulated = None
    if generated or not args.reuse:
        say(f"simulating {args.days} days with the services …")
        simulated = simulate(url, args.days, args.seed + 1)
    users = pick_users(database, args.users, args.seed)
    idents = users["with_journey"] + users["others"]
    say(f"{len(users['with_journey'])} users with a journey, {len(users['others'])} others")
    port = _free_port()
    base = f"http://localhost:{port}"
    server = start_server(url, port, args.workers)
    try:
        say("logging the users in through TestID …")
        started = time.perf_counter()
        jars = [log_in(base, ident) for ident in idents]
        login_seconds = round(time.perf_counter() - started, 1)
        say(f"users: {len(jars)} with a think time of 0.5-1.5 s, {args.seconds:g} s …")
        users_phase = run_phase(
            base, server, jars, think=(0.5, 1.5), warmup=args.warmup, seconds=args.seconds,
            seed=args.seed,
        )  # fmt: skip
        say(json.dumps(users_phase))
        say("saturation: no think time …")
        saturation = run_phase(
            base, server, jars, think=None, warmup=args.warmup, seconds=args.seconds / 2,
            seed=args.seed,
        )  # fmt: skip
        say(json.dumps(saturation))
    finally:
        server.terminate()
        server.wait(timeout=30)
    p95 = (users_phase.get("latency") or {}).get("p95_ms")
    result = {
        "benchmark": "portal",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_portal.py " + " ".join(sys.argv[1:]),
        "setup": {
            "schema": args.schema,
            "persons": people,
            "population_generated": generated,
            "generation_seconds": generation_seconds,
            "simulated_days": args.days if simulated is not None else "reused",
            "simulation_seconds": simulated,
            "users_with_journey": len(users["with_journey"]),
            "users_other": len(users["others"]),
            "login_seconds_all_users": login_seconds,
            "server_workers": args.workers,
        },
        "users": users_phase,
        "saturation": saturation,
        "goal": {"oversikt_p95_ms": GOAL_P95_MS, "met": p95 is not None and p95 <= GOAL_P95_MS},
        "machine": machine(database) | {"python_reference_ms": python_reference_ms()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    say(f"p95 {p95} ms (goal ≤ {GOAL_P95_MS:g}); written to {args.output}")
    return result


if __name__ == "__main__":
    main()
