"""Daily jobs: work that is due because a day has come, not because an event happened.

A block registers a job when it is imported (``register_daily(name, fn)``); ``fn(uow, day)``
does one day's work in the unit of work it is given and must be idempotent (a day may be
offered again after a failure). ``run_due(database, today)`` runs each job once for every
day not done yet, up to ``today``, oldest first:

* one transaction per job and day, which also records the day as done
  (``kernel_daily_job.last_done``): a crash rolls both back and the day is redone, never lost
  and never doubled;
* the first run ever of a job does just ``today`` (``first_day``): a new installation does not
  replay history;
* a job's row is locked for its day — ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a second
  worker moves on instead of waiting; on SQLite the first write takes the one write lock — so
  two workers never run the same job and day.

``felles worker`` runs the due jobs on each pass (``DailyJobs``: no query at all once every
job is done through today), and ``felles simulate`` after each simulated day. The day comes
from the one clock (``felles.kernel.clock``). Decision record: docs/decisions/0038.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy import Date, DateTime, String, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.clock import get_clock
from felles.kernel.db import Base, Database, UnitOfWork

log = logging.getLogger(__name__)

DailyJob = Callable[[UnitOfWork, date], None]
#: After a job-day fails, ``DailyJobs`` waits this long before offering it again.
RETRY_SECONDS: Final = 60.0


class DailyJobRow(Base):
    """How far one daily job has got: the last day done, in the same transaction as its work."""

    __tablename__ = "kernel_daily_job"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: The first day the job was due (its first run): no day before it is ever run.
    first_day: Mapped[date] = mapped_column(Date)
    last_done: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    def next_day(self) -> date:
        return self.last_done + timedelta(days=1) if self.last_done else self.first_day


_jobs: dict[str, DailyJob] = {}


def register_daily(name: str, fn: DailyJob) -> None:
    """Register a daily job (a block does this when imported); the same name twice with
    another function is refused."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", name):
        raise ValueError(f"daily job name {name!r}: use letters, digits, _ and -")
    existing = _jobs.get(name)
    if existing is not None and existing is not fn:
        raise ValueError(f"daily job {name!r} is already registered")
    _jobs[name] = fn


def registered_jobs() -> dict[str, DailyJob]:
    return dict(_jobs)


@dataclass
class JobsRun:
    """What one ``run_due`` did (counts only)."""

    done: int = 0  # job-days run and committed
    failed: int = 0  # job-days that raised: rolled back, offered again on a later run
    busy: int = 0  # jobs another worker held
    #: True when every job was done through ``today`` at the end (nothing left to retry).
    all_done: bool = True


def _ensure_rows(database: Database, names: Iterable[str], today: date) -> None:
    """Create the missing rows (first run: the job starts today), so runners only ever lock
    existing rows."""
    for name in names:
        with database.unit_of_work() as uow:
            if uow.session.get(DailyJobRow, name) is not None:
                continue
            uow.session.add(
                DailyJobRow(name=name, first_day=today, last_done=None, updated_at=_now())
            )
            with contextlib.suppress(IntegrityError):  # another worker created it first
                uow.commit()


def _now() -> datetime:
    return get_clock().now()


def _lock(uow: UnitOfWork, name: str) -> DailyJobRow | None:
    """The job's row, locked until the unit of work ends; None when another worker has it."""
    session = uow.session
    if uow.database.is_postgresql:
        query = (
            select(DailyJobRow).where(DailyJobRow.name == name).with_for_update(skip_locked=True)
        )
        return session.scalar(query)
    # SQLite: write first, so the lock is taken now and a second runner waits for this one
    # to commit, then reads the day it recorded (decision 0030's cursor does the same).
    session.execute(update(DailyJobRow).where(DailyJobRow.name == name).values(updated_at=_now()))
    return session.get(DailyJobRow, name)


def due_jobs(database: Database, names: Iterable[str], today: date) -> list[str]:
    """The jobs among ``names`` with a day up to ``today`` not done: one read, no lock."""
    wanted = sorted(set(names))
    if not wanted:
        return []
    with database.read_session() as session:
        rows = {
            row.name: row
            for row in session.scalars(select(DailyJobRow).where(DailyJobRow.name.in_(wanted)))
        }
    return [name for name in wanted if name not in rows or rows[name].next_day() <= today]


def _run_job(database: Database, name: str, fn: DailyJob, today: date, result: JobsRun) -> None:
    """Every day of one job not done up to ``today``, one transaction each."""
    while True:
        with database.unit_of_work() as uow:
            try:
                row = _lock(uow, name)
            except OperationalError:  # SQLite: another runner held the lock past busy_timeout
                row = None
            if row is None:
                result.busy += 1
                result.all_done = False
                return
            day = row.next_day()
            if day > today:
                return
            try:
                fn(uow, day)
                row.last_done = day
                row.updated_at = _now()
                uow.commit()
            except Exception as error:
                # The type only: a job's message could carry personal data. The unit of work
                # rolls back the job's writes and the day together; the day comes again.
                log.warning("daily job failed", extra={"job": name, "error": type(error).__name__})
                result.failed += 1
                result.all_done = False
                return
        result.done += 1


def run_due(
    database: Database, today: date | None = None, *, jobs: Mapping[str, DailyJob] | None = None
) -> JobsRun:
    """Run every job (``jobs``, default the registered ones) for each day not done up to
    ``today`` (default: the clock's today)."""
    today = today if today is not None else get_clock().today()
    chosen = registered_jobs() if jobs is None else dict(jobs)
    result = JobsRun()
    due = due_jobs(database, chosen, today)
    if not due:
        return result
    _ensure_rows(database, due, today)
    for name in due:
        _run_job(database, name, chosen[name], today, result)
    if result.done or result.failed:
        log.info(
            "daily jobs",
            extra={"done": result.done, "failed": result.failed, "busy": result.busy},
        )
    return result


class DailyJobs:
    """``run_due`` for a loop that calls it often (``felles worker``): once every job is done
    through today it reads nothing until the day changes, and after a failure or a job held
    by another worker it waits ``retry_seconds`` before trying again."""

    def __init__(
        self,
        database: Database,
        jobs: Mapping[str, DailyJob] | None = None,
        *,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.database = database
        self.jobs = registered_jobs() if jobs is None else dict(jobs)
        self.retry_seconds = retry_seconds
        self._done_through: date | None = None
        self._retry_at = 0.0
        #: Job-days done by this runner so far.
        self.total = 0

    def __call__(self) -> int:
        """Run what is due now; the number of job-days done."""
        if not self.jobs:
            return 0
        today = get_clock().today()
        if self._done_through is not None and self._done_through >= today:
            return 0  # the cheap check: nothing can be due before the day changes
        if time.monotonic() < self._retry_at:
            return 0
        result = run_due(self.database, today, jobs=self.jobs)
        self.total += result.done
        if result.all_done:
            self._done_through = today
        else:
            self._retry_at = time.monotonic() + self.retry_seconds
        return result.done
