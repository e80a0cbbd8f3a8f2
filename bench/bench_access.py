"""Benchmark: decisions per second at the access decision point, and decisions logged.

    python bench/bench_access.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Three figures (issue 4: "decisions per second and log appends per second on PostgreSQL"):

* the pure core, ``felles.access.decision.evaluate``, on prepared facts: a mix of NAV reading
  for barnetrygd under its legal basis, a bank reading with and without consent, a person
  reading their own data and a parent acting for a child — the rules alone, no database;
* the whole decision point, ``felles.access.decide.decide``, on PostgreSQL: the facts loaded
  from Folkeregisteret, Enhetsregisteret and the consent tables for random people of a
  generated population (schema ``felles_bench_access``, ``--persons`` people), one read
  session per decision, as an API request has;
* decisions and their access-log entries together: ``decide`` for a batch of random people
  and one ``felles.access.log.append`` of the releases in the same unit of work, as the data
  distributor will do (``--batch`` people per unit of work).

The access log's append and verify rates alone are ``bench_access_log.py``'s. Figures go to
``bench/results/access.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from benchlib import (
    DEFAULT_URL,
    RESULTS,
    fresh_schema,
    machine,
    percentiles,
    python_reference_ms,
    schema_url,
    timed,
)

from felles.access.decide import decide
from felles.access.decision import (
    ConsentFact,
    Facts,
    MachinePrincipal,
    PersonPrincipal,
    Request,
    evaluate,
)
from felles.access.legal_bases import get_hjemler
from felles.access.log.operations import LogEntry, append
from felles.kernel import migrate
from felles.kernel.db import Database
from felles.kernel.progress import make_progress
from felles.kernel.runtime import tune_gc
from felles.registries.folkeregister import sampling
from felles.synth.population import generate_population

NAV = "889640782"
BANK = "310000025"  # any organisation without a legal basis
AT = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
BASIS = frozenset(
    {
        "folkeregister.person.basis.navn",
        "folkeregister.person.basis.foedselsdato",
        "folkeregister.person.basis.bostedsadresse",
    }
)
FAMILY = frozenset({"folkeregister.familie.familierelasjon"})


def _core_cases(count: int, rng: random.Random) -> list[tuple[Request, Facts]]:
    """A mix of requests with the facts the shell would load for them."""
    consent = ConsentFact(
        id="c1",
        subject="x",
        consumer=BANK,
        rights=(("laanesoeknad", BASIS),),
        valid_to=AT + dt.timedelta(days=30),
        accepted_at=AT - dt.timedelta(days=1),
    )
    kinds = [
        (MachinePrincipal(NAV), None, "barnetrygd", BASIS | FAMILY, Facts()),
        (MachinePrincipal(NAV), None, "barnetrygd", BASIS, Facts(adressebeskyttelse="fortrolig")),
        (MachinePrincipal(BANK), None, "laanesoeknad", BASIS, Facts(consents=(consent,))),
        (MachinePrincipal(BANK), None, "laanesoeknad", BASIS, Facts()),
        (PersonPrincipal("subject", "idporten-loa-substantial"), None, "innsyn", BASIS, Facts()),
        (
            PersonPrincipal("parent", "idporten-loa-high"),
            "subject",
            "innsyn",
            BASIS | FAMILY,
            Facts(parental_responsibility=True),
        ),
    ]
    cases = []
    for _ in range(count):
        principal, behalf, purpose, data, facts = rng.choice(kinds)
        request = Request(
            principal=principal,
            on_behalf_of=behalf,
            action="read",
            subject="subject",
            data=data,
            purpose=purpose,
            at=AT,
        )
        cases.append((request, facts))
    return cases


def _measure_core(count: int) -> dict[str, Any]:
    hjemler = get_hjemler()
    cases = _core_cases(count, random.Random(1))
    started = time.perf_counter()
    permits = sum(1 for request, facts in cases if evaluate(request, facts, hjemler).permit)
    seconds = time.perf_counter() - started
    return {
        "decisions": count,
        "permits": permits,
        "seconds": round(seconds, 3),
        "decisions_per_second": round(count / seconds),
    }


def _people(database: Database, count: int, seed: int) -> list[str]:
    with database.read_session() as session:
        found = sampling.sample_persons(session, rng=random.Random(seed), count=count)
    return [candidate.ident for candidate in found]


def _measure_decide(database: Database, idents: list[str]) -> dict[str, Any]:
    hjemler = get_hjemler()
    principal = MachinePrincipal(NAV)
    data = sorted(BASIS | FAMILY)

    def one(ident: str) -> Any:
        def call() -> Any:
            with database.read_session() as session:
                return decide(
                    session, principal, None, "read", ident, data, "barnetrygd", hjemler=hjemler
                )

        return call

    timed([one(i) for i in idents[:200]])  # warm-up
    started = time.perf_counter()
    durations = timed([one(i) for i in idents])
    seconds = time.perf_counter() - started
    return {
        "decisions": len(idents),
        "decisions_per_second": round(len(idents) / seconds),
        "latency": percentiles(durations),
    }


def _measure_decide_and_log(database: Database, idents: list[str], batch: int) -> dict[str, Any]:
    hjemler = get_hjemler()
    principal = MachinePrincipal(NAV)
    data = sorted(BASIS | FAMILY)
    logged = 0
    started = time.perf_counter()
    for first in range(0, len(idents), batch):
        with database.unit_of_work() as uow:
            entries = []
            for ident in idents[first : first + batch]:
                decision = decide(
                    uow.session, principal, None, "read", ident, data, "barnetrygd", hjemler=hjemler
                )
                if not decision.permit:
                    continue
                entries.append(
                    LogEntry(
                        konsument=NAV,
                        subjekt=ident,
                        datasett="folkeregister.person",
                        felter=sorted(decision.fields),
                        formaal="barnetrygd",
                        foresporsel_id=str(uuid.uuid4()),
                        hjemmel=decision.hjemler[0] if decision.hjemler else None,
                    )
                )
            if entries:
                append(uow, entries)
                logged += len(entries)
            uow.commit()
    seconds = time.perf_counter() - started
    return {
        "decisions": len(idents),
        "logged": logged,
        "batch": batch,
        "seconds": round(seconds, 2),
        "decisions_per_second": round(len(idents) / seconds),
    }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="felles_bench_access")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--core-decisions", type=int, default=200_000)
    parser.add_argument("--decisions", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--output", type=Path, default=RESULTS / "access.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _parse(argv)
    fresh_schema(args.database_url, args.schema)
    database = Database(schema_url(args.database_url, args.schema))
    migrate.upgrade(database)
    with make_progress() as progress:
        generate_population(database, persons=args.persons, seed=args.seed, progress=progress)
    idents = _people(database, args.decisions, args.seed)
    tune_gc()
    load_at_start = round(os.getloadavg()[0], 2)
    reference_ms = python_reference_ms()
    result: dict[str, Any] = {
        "benchmark": "access",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_access.py " + " ".join(sys.argv[1:]),
        "schema": args.schema,
        "persons": args.persons,
        "core": _measure_core(args.core_decisions),
        "decide_on_postgresql": _measure_decide(database, idents),
        "decide_and_log_on_postgresql": _measure_decide_and_log(database, idents, args.batch),
    }
    result["machine"] = machine(database) | {
        "load_average_1min_at_start": load_at_start,
        "python_reference_ms_at_start": reference_ms,
    }
    database.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: result[k] for k in ("core", "decide_on_postgresql")}, indent=2))
    print(json.dumps(result["decide_and_log_on_postgresql"], indent=2))
    return result


if __name__ == "__main__":
    main()
