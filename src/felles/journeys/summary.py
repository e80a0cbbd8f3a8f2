"""Journeys opened per life event (counts only), for ``felles simulate``'s closing report."""

from __future__ import annotations

from rich.table import Table
from sqlalchemy import func, select

from felles.journeys.declaration import declared
from felles.journeys.model import Reise
from felles.kernel.db import Database


def journeys_summary(database: Database) -> Table:
    table = Table(title="Life events: journeys opened")
    table.add_column("Life event")
    table.add_column("Journeys", justify="right")
    with database.read_session() as session:
        counts = dict(
            session.execute(select(Reise.life_event, func.count()).group_by(Reise.life_event)).all()
        )
    for life_event in declared():
        table.add_row(life_event.title["en"], str(counts.get(life_event.id, 0)))
    return table
