"""The ``felles`` command: set up the database, generate a synthetic Norway, simulate, serve."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer
from rich.console import Console

from felles.kernel import migrate
from felles.kernel.db import Database, get_database
from felles.kernel.logging import configure_logging
from felles.kernel.progress import make_progress
from felles.kernel.settings import get_settings
from felles.kernel.worker_cli import worker
from felles.rules.cli import rules_app

if TYPE_CHECKING:
    from felles.demo_mail import MailCatcher
    from felles.mailbox.notifications.simulation import NotificationsStep

app = typer.Typer(help="felles — Norway's common public-sector ecosystem on a synthetic Norway.")
db_app = typer.Typer(help="Database schema.")
app.add_typer(db_app, name="db")
app.add_typer(rules_app, name="rules")
app.command("worker")(worker)
console = Console()

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="FELLES_DATABASE_URL", help="SQLAlchemy database URL"),
]


@app.callback()
def _setup() -> None:
    """Configure logging (with personal identifiers masked) before any command runs."""
    configure_logging(get_settings().log_level)


def _database(url: str | None) -> Database:
    return Database(url) if url else get_database()


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Create or migrate every table to the newest schema."""
    database = _database(database_url)
    migrate.upgrade(database)
    console.print(f"[green]Schema is up to date[/] ({database.dialect})")


NoEconomy = Annotated[
    bool,
    typer.Option(
        "--no-economy",
        help="People only: no organisations, jobs, pay, property or tax",
    ),
]


def _generate_economy(database: Database, seed: int) -> None:
    """The economy of the population in ``database`` (once; a second run says so)."""
    from felles.synth.economy import EconomyExists, generate_economy

    try:
        with make_progress() as progress:
            report = generate_economy(database, seed=seed, progress=progress)
    except EconomyExists:
        console.print("[dim]Using the economy already in the database.[/]")
        return
    console.print(report.summary())


@app.command()
def generate(
    persons: Annotated[int, typer.Option(min=1, help="How many people")] = 50_000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same Norway")] = 1,
    no_economy: NoEconomy = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Generate a synthetic Norway: people, families, addresses, KRR, then the economy
    (organisations and roles, jobs and pay reports, property, tax assessments)."""
    from felles.synth.population import generate_population

    database = _database(database_url)
    migrate.upgrade(database)
    with make_progress() as progress:
        report = generate_population(database, persons=persons, seed=seed, progress=progress)
    console.print(report.summary())
    if not no_economy:
        _generate_economy(database, seed)


@app.command()
def simulate(
    days: Annotated[int, typer.Option(min=1, help="How many days to simulate")] = 30,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First day (YYYY-MM-DD); default: the day after the last"),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed")] = 1,
    working_life: Annotated[
        bool,
        typer.Option(
            help="Also businesses founded and closed, jobs started and ended, monthly pay"
        ),
    ] = True,
    services: Annotated[
        bool,
        typer.Option(
            help="Run the public services after each day (e.g. barnetrygd for each birth), send "
            "their decision letters and open the life events' journeys, on the transport "
            "FELLES_EVENTS_URL names"
        ),
    ] = True,
    pace: Annotated[
        float,
        typer.Option(
            min=0, help="Wall-clock seconds per simulated day (0: as fast as it goes; the demo)"
        ),
    ] = 0.0,
    notifications: Annotated[
        bool,
        typer.Option(
            help="After each day, send the due e-mail and SMS notifications of the letters "
            "(and their reminders) on that day's clock: e-mail to FELLES_SMTP_HOST:PORT, SMS "
            "to the database gateway (the demo's mail catcher)"
        ),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Move the clock forward: births, deaths, moves, marriages, migration, working life —
    and the public services' cases and decisions that follow."""
    from felles.journeys.opening import CONSUMER_NAME as JOURNEYS
    from felles.journeys.opening import register_journeys
    from felles.mailbox.consumers import NAME as DECISION_LETTERS
    from felles.services.simulation import ServicesStep, case_summary
    from felles.synth.simulator import simulate as run_simulation

    database = _database(database_url)
    migrate.upgrade(database)
    first_day = date.fromisoformat(start) if start else None
    if services:
        register_journeys()
    # After the services: the decisions' letters to the mailbox, and the life events' journeys.
    step = ServicesStep(database, also=(JOURNEYS, DECISION_LETTERS)) if services else None
    # Then the notices of that day's letters, on the simulated clock (NotificationsStep).
    notifier = _notifications_step(database) if notifications else None
    began = time.monotonic()
    ticks = 0

    def after_day(day: date) -> None:
        nonlocal ticks
        if step is not None:
            step(day)
        if notifier is not None:
            notifier(day)
        ticks += 1
        if pace:
            time.sleep(max(0.0, began + ticks * pace - time.monotonic()))

    try:
        with make_progress() as progress:
            report = run_simulation(
                database,
                start=first_day,
                days=days,
                seed=seed,
                progress=progress,
                with_working_life=working_life,
                after_day=after_day if step or notifier or pace else None,
            )
    finally:
        if step is not None:
            step.close()
        if notifier is not None:
            notifier.close()
    console.print(report.summary())
    if notifier is not None:
        console.print(notifier.summary())
    if step is not None:
        from felles.journeys.summary import journeys_summary

        console.print(case_summary(database))
        console.print(journeys_summary(database))


def _notifications_step(database: Database) -> NotificationsStep:
    from felles.mailbox.notifications.settings import notification_settings, smtp_settings
    from felles.mailbox.notifications.simulation import NotificationsStep

    # The settings as the environment has them now (the demo sets them before calling).
    smtp_settings.cache_clear()
    notification_settings.cache_clear()
    return NotificationsStep(database)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (one per core serves the most)")
    ] = 1,
    database_url: DatabaseUrl = None,
) -> None:
    """Start the API (OpenAPI at /docs)."""
    import uvicorn

    from felles.app import create_app
    from felles.kernel.runtime import tune_gc

    database = _database(database_url)
    migrate.upgrade(database)
    settings = get_settings()
    if "identity_base_url" not in settings.model_fields_set:
        # The issuers (ID-porten, Maskinporten) are where this server answers, unless the
        # environment names a public URL (FELLES_IDENTITY_BASE_URL).
        public = f"http://{'localhost' if host in {'127.0.0.1', '0.0.0.0'} else host}:{port}"
        discovery = "/idporten/.well-known/openid-configuration"
        if settings.oidc_discovery_url == settings.identity_base_url.rstrip("/") + discovery:
            settings.oidc_discovery_url = public + discovery  # felles' own provider, moved
        settings.identity_base_url = public
    tune_gc()
    # access_log=False: uvicorn would log concrete paths, and paths carry identity numbers.
    if workers == 1:
        application = create_app(database=database)
        uvicorn.run(application, host=host, port=port, access_log=False)
        return
    # Each worker process builds its own application from the environment: pass on what this
    # command worked out (the database, the public address).
    os.environ["FELLES_DATABASE_URL"] = database.url
    os.environ["FELLES_IDENTITY_BASE_URL"] = settings.identity_base_url
    os.environ["FELLES_OIDC_DISCOVERY_URL"] = settings.oidc_discovery_url
    uvicorn.run(
        "felles.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
    )


#: Where the demo's mail catcher keeps the e-mail it is given (one .eml file per message).
DEMO_MAIL: Final = Path("var/demo-mail")


@app.command()
def demo(
    persons: Annotated[int, typer.Option(min=100, help="Size of the demo population")] = 50_000,
    seed: Annotated[int, typer.Option(help="Random seed")] = 1,
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    no_economy: NoEconomy = False,
    live: Annotated[
        bool,
        typer.Option(
            help="While serving, move the simulator forward (one day every --pace seconds) "
            "and run the public services, so births become barnetrygd cases"
        ),
    ] = True,
    pace: Annotated[float, typer.Option(min=1, help="Seconds per simulated day")] = 15.0,
    smtp_port: Annotated[
        int,
        typer.Option(
            min=1,
            max=65535,
            help=f"Port of the demo's mail catcher on 127.0.0.1 (a free one if taken); the "
            f"e-mail notifications land as .eml files in {DEMO_MAIL}/",
        ),
    ] = 8025,
    database_url: DatabaseUrl = None,
) -> None:
    """Generate a small Norway (once), simulate its first days, print people to log in as at
    Min side with what each will see, and serve the API and the portal — with a mail catcher
    that keeps the e-mail notifications of the letters sent."""
    from felles.demo_mail import MailCatcher
    from felles.demo_people import demo_people_table
    from felles.synth.population import generate_population
    from felles.synth.showcase import has_population

    database = _database(database_url)
    migrate.upgrade(database)
    if has_population(database):
        console.print("[dim]Using the population already in the database.[/]")
    else:
        with make_progress() as progress:
            report = generate_population(database, persons=persons, seed=seed, progress=progress)
        console.print(report.summary())
    if not no_economy:
        _generate_economy(database, seed)
    catcher = MailCatcher(DEMO_MAIL, smtp_port).start()
    simulator: subprocess.Popen[bytes] | None = None
    try:
        # This process (the first days, the API's links) and the live simulator send there.
        os.environ.update(_demo_mail_environment(catcher, port))
        if not _has_journeys(database):
            # A fortnight first, so there are births with decisions, letters and journeys.
            console.print(f"Simulating the first {FIRST_DAYS} days, with the public services …")
            simulate(days=FIRST_DAYS, seed=seed + 1, notifications=True, database_url=database.url)
        console.print(demo_people_table(database))
        console.print(
            f"\n[bold]Min side:[/] http://127.0.0.1:{port}/minside   "
            f"[bold]API:[/] http://127.0.0.1:{port}   "
            f"[bold]OpenAPI:[/] http://127.0.0.1:{port}/docs"
        )
        console.print(
            f"[bold]E-post:[/] {_shown(catcher.directory)}/ ({catcher.count():,} so far; "
            f"SMTP 127.0.0.1:{catcher.port}); SMS in the table ntf_sent_sms"
        )
        console.print(
            "Person data through the API needs the operator token: "
            "[cyan]-H 'Authorization: Bearer felles-admin-dev-token'[/] (FELLES_ADMIN_TOKEN)\n"
        )
        if live:
            simulator = _start_live_simulation(database, seed=seed, pace=pace)
        serve(host="127.0.0.1", port=port, database_url=database.url)
    finally:
        if simulator is not None:
            _stop(simulator)
        catcher.stop()
        console.print(f"E-post: {catcher.count():,} messages in {_shown(catcher.directory)}/")


def _demo_mail_environment(catcher: MailCatcher, port: int) -> dict[str, str]:
    """What sends the demo's e-mail notifications to ``catcher``, with links to Min side."""
    return catcher.environment() | {
        "FELLES_NOTIFICATIONS_PORTAL_URL": f"http://localhost:{port}/minside",
    }


def _shown(path: Path) -> str:
    """``path`` relative to the working directory where it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


FIRST_DAYS: Final = 14
#: How far the live simulator goes (ten years: as long as anyone watches).
LIVE_DAYS: Final = 3650


def _has_journeys(database: Database) -> bool:
    from sqlalchemy import select

    from felles.journeys.model import Reise

    with database.read_session() as session:
        return session.scalar(select(Reise.id).limit(1)) is not None


def _start_live_simulation(
    database: Database, *, seed: int, pace: float, days: int = LIVE_DAYS
) -> subprocess.Popen[bytes]:
    """``felles simulate`` in its own process (the simulated clock is per process), one day
    every ``pace`` seconds, with the public services and then the notifications after each
    day (to the SMTP server in this process's environment); its output to a file."""
    log_path = Path("felles-demo-simulation.log").resolve()
    command = _live_simulation_command(database, seed=seed, pace=pace, days=days)
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            command, stdout=log_file, stderr=subprocess.STDOUT, env=_child_environment()
        )
    console.print(
        f"[bold]Live:[/] one simulated day every {pace:g} s; births become barnetrygd cases "
        f"(NAV's queue: GET /saksbehandling/api/v1/oppgaver), their letters' e-mail notices "
        f"go to the mail catcher. Simulator log: {log_path}\n"
    )
    return process


def _child_environment() -> dict[str, str]:
    """The environment of the demo's live simulator: this process's, which names the mail
    catcher (``FELLES_SMTP_*``) and Min side's address (``FELLES_NOTIFICATIONS_PORTAL_URL``)."""
    return dict(os.environ)


def _live_simulation_command(
    database: Database, *, seed: int, pace: float, days: int = LIVE_DAYS
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "felles.cli",
        "simulate",
        "--days",
        str(days),
        "--pace",
        str(pace),
        "--seed",
        str(seed + 1),
        "--notifications",
        "--database-url",
        database.url,
    ]


audit_app = typer.Typer(help="The access log (innsynslogg): verify the chain, sign checkpoints.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(database_url: DatabaseUrl = None) -> None:
    """Recompute the access log's hash chain and check its signed checkpoints.

    Prints OK, or the first broken entry or checkpoint (exit status 1).
    """
    from felles.access.log.verify import count_entries, verify

    database = _database(database_url)
    total = count_entries(database)
    with make_progress() as progress:
        task = progress.add_task("Verifying the access log", total=total)
        result = verify(database, on_progress=lambda n: progress.advance(task, n))
    if result.ok:
        console.print(f"[green]{result.summary()}[/]")
        return
    console.print(f"[bold red]{result.summary()}[/]")
    raise typer.Exit(code=1)


@audit_app.command("checkpoint")
def audit_checkpoint(database_url: DatabaseUrl = None) -> None:
    """Sign a checkpoint of the access log's last entry now (keep its output elsewhere too)."""
    from felles.access.log.operations import make_checkpoint

    database = _database(database_url)
    with database.unit_of_work() as uow:
        checkpoint = make_checkpoint(uow)
        uow.commit()
    if checkpoint is None:
        console.print("The access log is empty: nothing to sign.")
        return
    console.print(
        f"Checkpoint: entry {checkpoint.sekvensnummer} hash {checkpoint.hash} "
        f"key {checkpoint.noekkel_id} signature {checkpoint.signatur}"
    )


if __name__ == "__main__":
    app()
