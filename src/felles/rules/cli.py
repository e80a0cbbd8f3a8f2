"""``felles rules``: the rules on the whole population from the command line.

``felles rules screen --benefit barnetrygd --period 2025-06 --output liste.csv`` lists the
familier eligible for the benefit in the month that have no case (``felles.rules.screening``).
The counts go to the terminal; identity numbers only to the file asked for.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from felles.rules.screening import ScreeningResult

# OpenFisca, numpy and the rules are imported when a command runs, not when ``felles`` starts.
rules_app = typer.Typer(help="Rules as code: benefits for the whole population.")
console = Console()


class BenefitName(enum.StrEnum):
    """The benefits the screening knows (``screening.BENEFITS``)."""

    barnetrygd = "barnetrygd"
    kontantstoette = "kontantstoette"


_PHASE_LABELS = {
    "load": "Reading Folkeregisteret",
    "build": "Building familier and the simulation",
    "compute": "Computing (OpenFisca)",
    "report": "Finding recipients and cases",
}


@rules_app.command("screen")
def screen(
    benefit: Annotated[
        list[BenefitName],
        typer.Option("--benefit", help="Benefit to screen for (repeat for several)"),
    ],
    period: Annotated[str, typer.Option("--period", help="The month, YYYY-MM")],
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", envvar="FELLES_DATABASE_URL", help="SQLAlchemy database URL"
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="Write the list here: .csv or .jsonl (identity numbers included)"),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Write at most this many familier to the list")
    ] = None,
) -> None:
    """List the familier eligible for a benefit in a month that have no case yet.

    Counts go to the terminal; --output writes the list (parent paid, children, amount).
    """
    from felles.kernel.db import Database, get_database
    from felles.kernel.progress import make_progress
    from felles.rules import screening
    from felles.rules.population import Month
    from felles.rules.system import tax_benefit_system

    try:
        month = Month.parse(period)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--period") from error
    benefits = screening.parse_benefits([name.value for name in benefit])
    if output is not None and output.suffix.lower() not in screening.OUTPUT_SUFFIXES:
        raise typer.BadParameter(
            f"must end in {' or '.join(screening.OUTPUT_SUFFIXES)}", param_hint="--output"
        )
    system = tax_benefit_system()
    try:
        screening.check_period(system, benefits, month)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--period") from error

    database = Database(database_url) if database_url else get_database()
    steps = len(screening.PHASES) + (1 if output is not None else 0)
    with make_progress() as progress:
        task = progress.add_task(f"Screening {month.key}", total=steps)
        begun: list[str] = []

        def on_phase(name: str) -> None:
            if begun:
                progress.advance(task)
            begun.append(name)
            progress.update(task, description=_PHASE_LABELS[name])

        result = screening.screen(
            database, benefits=benefits, month=month, system=system, on_phase=on_phase
        )
        progress.advance(task)
        written = None
        if output is not None:
            progress.update(task, description=f"Writing {output.name}")
            written = screening.write_list(result, output, limit=limit)
            progress.advance(task)
    console.print(_summary(result, written, output))


def _summary(result: ScreeningResult, written: int | None, output: Path | None) -> Table:
    table = Table(
        title=f"Screening {result.period}: {result.persons:,} people, {result.families:,} familier"
    )
    table.add_column("benefit")
    for column in ("eligible familier", "children", "NOK a month", "with case", "listed"):
        table.add_column(column, justify="right")
    for summary in result.benefits:
        table.add_row(
            summary.benefit.label,
            f"{summary.eligible_families:,}",
            f"{summary.eligible_children:,}",
            f"{summary.monthly_total:,}",
            f"{summary.families_with_case:,}",
            f"{len(summary.without_case):,}",
        )
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.seconds.items())
    where = f"; {written:,} rows written to {output}" if output is not None else ""
    # "with a case": familier screening.existing_cases covers (none before the case register).
    table.caption = f"{phases}{where}"
    return table
