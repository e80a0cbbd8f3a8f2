"""``felles worker``: run the registered event consumers on the configured transport."""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from felles.kernel import migrate
from felles.kernel.bus import EVENTS_URL_ENV, Worker, make_transport, registered_consumers
from felles.kernel.db import Database, get_database
from felles.kernel.schedule import DailyJobs, registered_jobs

log = logging.getLogger(__name__)


def worker(
    consumers_from: Annotated[
        list[str] | None,
        typer.Option(
            "--consumers",
            envvar="FELLES_WORKER_CONSUMERS",
            help="A module that registers consumers when imported (repeatable)",
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Run only the consumer with this name (repeatable)"),
    ] = None,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Stop once nothing is pending (tests, demos)")
    ] = False,
    once: Annotated[bool, typer.Option("--once", help="One pass over every consumer")] = False,
    events_url: Annotated[
        str | None,
        typer.Option(
            "--events-url", envvar=EVENTS_URL_ENV, help="nats://host:port; unset: in-database"
        ),
    ] = None,
    interval: Annotated[float, typer.Option(help="Seconds between polls when idle")] = 0.5,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Events per transaction (in-database) or per fetch (NATS)")
    ] = 200,
    ack_wait: Annotated[
        float,
        typer.Option(
            envvar="FELLES_EVENTS_ACK_WAIT",
            help="NATS: seconds before an unacked event (a dead worker's) is redelivered",
        ),
    ] = 30.0,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", envvar="FELLES_DATABASE_URL", help="SQLAlchemy URL"),
    ] = None,
) -> None:
    """Run the event consumers until stopped (SIGTERM/SIGINT finish the current event), and
    the daily jobs the same modules register, for each day that has come (``--only`` picks
    jobs by name too).

    Several workers may run at once, on one machine or many: no event is handled twice, and
    no daily job runs twice for a day.
    """
    for module in consumers_from or []:
        importlib.import_module(module)
    consumers = [c for c in registered_consumers() if not only or c.name in only]
    jobs = {name: fn for name, fn in registered_jobs().items() if not only or name in only}
    if not consumers and not jobs:
        typer.echo("No consumers registered (see --consumers).", err=True)
        raise typer.Exit(code=2)
    database: Database = Database(database_url) if database_url else get_database()
    migrate.upgrade(database)
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        # Only a flag: the event in hand is finished and committed, then the loop ends.
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    options: dict[str, float] = {"batch_size": batch_size}
    if events_url:
        options["ack_wait"] = ack_wait
    transport = make_transport(database, events_url or "", **options)
    daily = DailyJobs(database, jobs) if jobs else None
    runner = Worker(transport, consumers, interval=interval, each_pass=daily)
    try:
        totals = runner.run(stop, until_idle=until_idle, max_rounds=1 if once else None)
    finally:
        transport.close()
    # Counts only; event contents may carry personal data.
    typer.echo(
        f"handled {totals.handled}, duplicates skipped {totals.duplicates}, "
        f"failed {totals.failed}, relayed {totals.published}, "
        f"daily job-days done {daily.total if daily is not None else 0}"
    )
    if runner.stuck:
        typer.echo("Stopped with events that fail (see the log); they stay unprocessed.", err=True)
        raise typer.Exit(code=1)
