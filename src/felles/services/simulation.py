"""The public services inside ``felles simulate``: after each simulated day, the services'
consumers handle that day's events (on the configured transport), with the clock on that
day, so a birth is decided the day it is registered and its klage deadline counts from then.
Then the daily jobs run for that day (``kernel.schedule``; NAV's kontantstøtte offers).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from rich.table import Table
from sqlalchemy import func, select

from felles.kernel.bus import Round, Transport, Worker, make_transport, registered_consumers
from felles.kernel.db import Database
from felles.kernel.events import last_seq
from felles.kernel.schedule import JobsRun, run_due
from felles.services.declaration import declared
from felles.services.model import Sak
from felles.services.states import LABELS, SakStatus


@dataclass
class ServicesStep:
    """Runs every declared service's consumer until idle; call once per simulated day."""

    database: Database
    #: Other registered consumers to run with the services' (the journeys', for one).
    also: tuple[str, ...] = ()
    transport: Transport = field(init=False)
    totals: Round = field(default_factory=Round)
    jobs: JobsRun = field(default_factory=JobsRun)

    def __post_init__(self) -> None:
        from felles.services import consumers  # noqa: F401 - registers the services

        self.transport = make_transport(self.database)
        names = {service.consumer_name for service in declared()} | set(self.also)
        self._consumers = [c for c in registered_consumers() if c.name in names]

    def __call__(self, day: date) -> None:
        self._consume()
        # The daily jobs after the consumers: they see the day as its events left it (a
        # child's death has closed its barnetrygd case before NAV looks for whom to offer
        # kontantstøtte). What they emit (their letters' events) is consumed the same day.
        written = self._last_event()
        ran = run_due(self.database, day)
        self.jobs.done += ran.done
        self.jobs.failed += ran.failed
        if self._last_event() != written:  # most days the jobs write nothing
            self._consume()

    def _last_event(self) -> int:
        with self.database.read_session() as session:
            return last_seq(session)

    def _consume(self) -> None:
        worker = Worker(self.transport, self._consumers, interval=0.05)
        self.totals.add(worker.run(threading.Event(), until_idle=True))

    def close(self) -> None:
        self.transport.close()


def case_summary(database: Database) -> Table:
    """Cases per service and status (counts only)."""
    table = Table(title="Public services: cases")
    table.add_column("Service")
    statuses = list(SakStatus)
    for status in statuses:
        table.add_column(LABELS[status]["en"], justify="right")
    with database.read_session() as session:
        counts = session.execute(
            select(Sak.service_id, Sak.status, func.count()).group_by(Sak.service_id, Sak.status)
        ).all()
    by_service: dict[str, dict[str, int]] = {}
    for service_id, status_code, count in counts:
        by_service.setdefault(service_id, {})[status_code] = count
    for service in declared():
        row = by_service.get(service.id, {})
        table.add_row(service.title["en"], *(f"{row.get(s.value, 0):,}" for s in statuses))
    return table
