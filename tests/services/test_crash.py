"""Crash test: a worker killed (SIGKILL) at random points while it runs barnetrygd over a
stream of births, restarted each time; afterwards exactly one case and one decision per
birth — none lost, none doubled — on the in-database transport and on NATS JetStream."""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from felles.access.log.model import LogEntryRow
from felles.kernel.bus import NatsTransport
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.folkeregister.operations import Birth, register_births
from felles.services.barnetrygd import NAV_ORGNR
from felles.services.model import Oppgave, Sak, SakHendelse, Vedtak
from tests.kernel.test_bus import NATS_URL, _nats_or_skip
from tests.registries.folkeregister.conftest import Register, seed_addresses

BIRTHS = 300
KILLS = 5


def _births(database: Database, clock: SimulatedClock) -> list[str]:
    """BIRTHS children, one per mother (a few mothers under 18: their cases go to manual)."""
    register = Register(database, clock)
    mothers = [
        register.person(foedselsdato=date(2009 if n % 10 == 0 else 1991, 1 + n % 12, 1 + n % 28))
        for n in range(BIRTHS)
    ]
    births = [
        Birth(
            mor=mor,
            foedselsdato=date(2025, 5, 1) + timedelta(days=n % 30),
            kjoenn="mann",
            fornavn="Ola",
        )
        for n, mor in enumerate(mothers)
    ]
    children: list[str] = []
    for first in range(0, BIRTHS, 40):
        with database.unit_of_work() as uow:
            results = register_births(uow, births=births[first : first + 40])
            uow.commit()
        children.extend(result.ident for result in results)  # type: ignore[union-attr]
    return children


def _counts(database: Database) -> dict[str, Any]:
    with database.read_session() as session:
        cases = Counter(session.scalars(select(Sak.subject)))
        vedtak = Counter(session.scalars(select(Vedtak.sak_id)))
        opened = Counter(
            session.scalars(select(SakHendelse.sak_id).where(SakHendelse.to_status == "opprettet"))
        )
        tasks = Counter(session.scalars(select(Oppgave.sak_id)))
        # Per person and service (consumer and purpose): every service that runs on a birth
        # reads the child in its own request.
        requests = session.execute(
            select(
                LogEntryRow.subjekt,
                LogEntryRow.konsument,
                LogEntryRow.formaal,
                func.count(func.distinct(LogEntryRow.foresporsel_id)),
            ).group_by(LogEntryRow.subjekt, LogEntryRow.konsument, LogEntryRow.formaal)
        ).all()
        statuses = Counter(session.scalars(select(Sak.status)))
    return {
        "cases": cases,
        "vedtak": vedtak,
        "opened": opened,
        "tasks": tasks,
        "requests": {
            (subjekt, konsument, formaal): n for subjekt, konsument, formaal, n in requests
        },
        "statuses": statuses,
    }


@pytest.mark.slow
@pytest.mark.parametrize("transport_kind", ["indb", "nats"])
def test_killed_workers_leave_one_case_and_one_decision_per_birth(
    transport_kind: str, database: Database, clock: SimulatedClock, tmp_path: Path
) -> None:
    if transport_kind == "nats":
        if not database.is_postgresql:
            pytest.skip("NATS workers run beside a server database; PostgreSQL covers it")
        _nats_or_skip()
    seed_addresses(database)
    children = _births(database, clock)
    tag = uuid.uuid4().hex[:12]
    env = {
        **os.environ,
        "FELLES_DATABASE_URL": database.url,
        "FELLES_EVENTS_URL": NATS_URL if transport_kind == "nats" else "",
        "FELLES_EVENTS_STREAM": f"FELLES_TEST_{tag}",
        "FELLES_EVENTS_SUBJECT_PREFIX": f"felles.test.{tag}",
        "FELLES_EVENTS_ACK_WAIT": "2",
    }
    command = [
        sys.executable,
        "-m",
        "felles.cli",
        "worker",
        "--consumers",
        "felles.services.consumers",
        "--interval",
        "0.05",
        "--batch-size",
        "8",
    ]
    rng = random.Random(7)
    killed_mid_stream = 0
    try:
        for _ in range(KILLS):
            before = sum(_counts(database)["cases"].values())
            if before == BIRTHS:
                break
            # A file, not a pipe: a pipe nobody reads can fill and stop the worker.
            errors = tmp_path / "worker.err"
            with errors.open("wb") as sink:
                process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
            try:
                # Wait until it is working, then kill it at a random moment.
                deadline = time.monotonic() + 60
                while sum(_counts(database)["cases"].values()) == before:
                    assert process.poll() is None, errors.read_text()
                    assert time.monotonic() < deadline, errors.read_text()
                    time.sleep(0.02)
                time.sleep(rng.uniform(0.0, 0.3))
                process.kill()
                process.wait(10)
                killed_mid_stream += sum(_counts(database)["cases"].values()) < BIRTHS
            finally:
                if process.poll() is None:
                    process.kill()
        assert killed_mid_stream >= 2, "the worker must be killed mid-stream"
        finished = subprocess.run(
            [*command, "--until-idle"], env=env, capture_output=True, timeout=300, check=False
        )
        assert finished.returncode == 0, finished.stderr.decode()
    finally:
        if transport_kind == "nats":
            transport = NatsTransport(
                database,
                NATS_URL,
                stream=f"FELLES_TEST_{tag}",
                subject_prefix=f"felles.test.{tag}",
            )
            with contextlib.suppress(Exception):
                transport.delete_stream()
            transport.close()

    counts = _counts(database)
    assert counts["cases"] == Counter(children), "one case per birth"
    assert set(counts["opened"].values()) == {1}
    decided = counts["statuses"]["vedtatt"]
    manual = counts["statuses"]["til_manuell_behandling"]
    assert decided + manual == BIRTHS and manual == BIRTHS // 10
    assert len(counts["vedtak"]) == decided and set(counts["vedtak"].values()) == {1}
    assert len(counts["tasks"]) == manual and set(counts["tasks"].values()) <= {1}
    # Each service's reads of each child were logged once: in the transaction that did its work.
    child_reads = {key: n for key, n in counts["requests"].items() if key[0] in set(children)}
    assert {(child, NAV_ORGNR, "barnetrygd") for child in children} <= set(child_reads)
    assert set(child_reads.values()) == {1}, {k[1:]: n for k, n in child_reads.items() if n > 1}
