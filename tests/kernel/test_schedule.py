"""Daily jobs: each job runs once for every day up to today, in one transaction with the day
recorded — missed days caught up, a failed day rolled back and redone, never run twice, even
by two runners at once."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from felles.kernel import schedule
from felles.kernel.bus import DatabaseTransport, Worker
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database, UnitOfWork
from felles.kernel.events import Event, OutboxRow
from felles.kernel.schedule import DailyJobRow, DailyJobs, register_daily, run_due

DAY = date(2025, 6, 1)
DONE_TYPE = "no.felles.test.dag"


def record(uow: UnitOfWork, day: date) -> None:
    """A job whose effect is one outbox event per day, committed with the day."""
    uow.emit(Event(type=DONE_TYPE, source="test", data={"dag": day.isoformat()}))


def days_done(database: Database) -> list[str]:
    """The days the job's effect was committed for, in order (duplicates kept)."""
    with database.read_session() as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.type == DONE_TYPE).order_by(OutboxRow.seq)
        )
        return [row.data["dag"] for row in rows]


def row(database: Database, name: str) -> DailyJobRow | None:
    with database.read_session() as session:
        return session.get(DailyJobRow, name)


def test_the_first_run_does_just_today(database: Database) -> None:
    result = run_due(database, DAY, jobs={"jobb": record})
    assert (result.done, result.failed, result.all_done) == (1, 0, True)
    assert days_done(database) == ["2025-06-01"]
    found = row(database, "jobb")
    assert found is not None and (found.first_day, found.last_done) == (DAY, DAY)


def test_a_day_is_done_once(database: Database) -> None:
    for _ in range(3):
        run_due(database, DAY, jobs={"jobb": record})
    assert days_done(database) == ["2025-06-01"]
    assert run_due(database, DAY, jobs={"jobb": record}).done == 0


def test_missed_days_are_caught_up_oldest_first(database: Database) -> None:
    run_due(database, DAY, jobs={"jobb": record})
    result = run_due(database, DAY + timedelta(days=4), jobs={"jobb": record})
    assert result.done == 4
    assert days_done(database) == [(DAY + timedelta(days=n)).isoformat() for n in range(5)]


def test_jobs_keep_their_own_days(database: Database) -> None:
    run_due(database, DAY, jobs={"a": record})
    run_due(database, DAY + timedelta(days=2), jobs={"a": record, "b": record})
    a, b = row(database, "a"), row(database, "b")
    assert a is not None and b is not None
    assert (a.first_day, a.last_done) == (DAY, DAY + timedelta(days=2))
    assert (b.first_day, b.last_done) == (DAY + timedelta(days=2), DAY + timedelta(days=2))


def test_a_crash_mid_job_rolls_the_day_back_and_it_is_redone(database: Database) -> None:
    attempts: Counter[date] = Counter()

    def flaky(uow: UnitOfWork, day: date) -> None:
        record(uow, day)  # written, then lost with the crash
        attempts[day] += 1
        if day == DAY + timedelta(days=1) and attempts[day] == 1:
            raise RuntimeError("crash")

    run_due(database, DAY, jobs={"jobb": flaky})
    failed = run_due(database, DAY + timedelta(days=3), jobs={"jobb": flaky})
    assert (failed.done, failed.failed, failed.all_done) == (0, 1, False)
    found = row(database, "jobb")
    assert found is not None and found.last_done == DAY  # the failed day was not recorded
    assert days_done(database) == ["2025-06-01"]  # nor its writes kept

    again = run_due(database, DAY + timedelta(days=3), jobs={"jobb": flaky})
    assert again.done == 3
    assert days_done(database) == [(DAY + timedelta(days=n)).isoformat() for n in range(4)]
    assert attempts[DAY + timedelta(days=1)] == 2


def test_a_failing_first_day_is_retried_not_skipped(database: Database) -> None:
    calls: list[date] = []

    def fails_once(uow: UnitOfWork, day: date) -> None:
        calls.append(day)
        if len(calls) == 1:
            raise RuntimeError("crash")
        record(uow, day)

    run_due(database, DAY, jobs={"jobb": fails_once})
    run_due(database, DAY + timedelta(days=1), jobs={"jobb": fails_once})
    assert days_done(database) == ["2025-06-01", "2025-06-02"]


def test_two_runners_at_once_never_run_a_day_twice(database: Database) -> None:
    """Both runners catch up the same ten days together; each day's effect is committed
    once (PostgreSQL: the second skips the locked row; SQLite: it waits for the lock)."""
    run_due(database, DAY, jobs={"jobb": record})
    calls: Counter[date] = Counter()
    lock = threading.Lock()

    def slow(uow: UnitOfWork, day: date) -> None:
        with lock:
            calls[day] += 1
        time.sleep(0.02)
        record(uow, day)

    today = DAY + timedelta(days=10)
    start = threading.Barrier(2)
    results: list[schedule.JobsRun] = []

    def runner() -> None:
        start.wait()
        results.append(run_due(database, today, jobs={"jobb": slow}))

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    run_due(database, today, jobs={"jobb": slow})  # whatever a skipped runner left

    done = days_done(database)
    assert done == [(DAY + timedelta(days=n)).isoformat() for n in range(11)]
    assert sum(r.done for r in results) == 10
    assert max(calls.values()) == 1  # no day's work even started twice


def test_daily_jobs_reads_nothing_until_the_day_changes(
    database: Database, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = DailyJobs(database, {"jobb": record})
    assert runner() == 1
    checks: list[date] = []
    real = schedule.due_jobs

    def counted(db: Database, names: object, today: date) -> list[str]:
        checks.append(today)
        return real(db, names, today)  # type: ignore[arg-type]

    monkeypatch.setattr(schedule, "due_jobs", counted)
    assert runner() == 0 and runner() == 0
    assert checks == []  # the cheap check: done through today, no query
    clock.advance(timedelta(days=1))
    assert runner() == 1
    assert checks == [clock.today()]
    assert runner.total == 2


def test_the_worker_runs_due_jobs_on_each_pass(database: Database, clock: SimulatedClock) -> None:
    first = clock.today()
    runner = DailyJobs(database, {"jobb": record})
    worker = Worker(DatabaseTransport(database), [], interval=0.01, each_pass=runner)
    worker.run(threading.Event(), until_idle=True)
    clock.advance(timedelta(days=2))
    worker.run(threading.Event(), until_idle=True)
    assert days_done(database) == [(first + timedelta(days=n)).isoformat() for n in range(3)]


def test_register_daily_refuses_a_second_function_under_one_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(schedule, "_jobs", {})
    register_daily("jobb", record)
    register_daily("jobb", record)  # the same again: a module imported twice
    with pytest.raises(ValueError, match="already registered"):
        register_daily("jobb", lambda uow, day: None)
    with pytest.raises(ValueError, match="daily job name"):
        register_daily("ikke gyldig", record)
    assert schedule.registered_jobs() == {"jobb": record}


_CRASHING_RUNNER = """
import sys, time
from datetime import date
from felles.kernel.db import Database
from felles.kernel.schedule import run_due
from tests.kernel.test_schedule import record

stuck = date.fromisoformat(sys.argv[2])

def job(uow, day):
    record(uow, day)
    if day == stuck:
        uow.session.flush()
        print("started", flush=True)
        time.sleep(120)  # killed here, mid-transaction

run_due(Database(sys.argv[1]), date.fromisoformat(sys.argv[3]), jobs={"jobb": job})
"""


def test_a_worker_killed_mid_day_loses_and_doubles_nothing(database: Database) -> None:
    """SIGKILL in the middle of a job-day: the days before it stay done, the day itself is
    neither recorded nor half-written, and the next run does it once."""
    run_due(database, DAY, jobs={"jobb": record})
    stuck, today = DAY + timedelta(days=3), DAY + timedelta(days=5)
    process = subprocess.Popen(
        [sys.executable, "-c", _CRASHING_RUNNER, database.url, str(stuck), str(today)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == b"started"
    finally:
        process.kill()
        process.wait(timeout=30)
    found = row(database, "jobb")
    assert found is not None and found.last_done == stuck - timedelta(days=1)
    assert days_done(database) == [(DAY + timedelta(days=n)).isoformat() for n in range(3)]

    assert run_due(database, today, jobs={"jobb": record}).done == 3
    assert days_done(database) == [(DAY + timedelta(days=n)).isoformat() for n in range(6)]
