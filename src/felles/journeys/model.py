"""The journeys block's one table: a journey (reise) opened by a life event.

Only what the event said is kept — which life event, whose (the anchor: the child born, the
person who moved, the deceased), the day and the event. Every step's status is worked out
when the journey is read (``progress``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK


class Reise(Base):
    __tablename__ = "jrn_reise"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    life_event: Mapped[str] = mapped_column(String(40))
    anchor: Mapped[str] = mapped_column(String(11))
    #: "" for a life event that happens once to a person, else the day (``LifeEvent.occurrence``).
    occurrence: Mapped[str] = mapped_column(String(10))
    event_date: Mapped[date] = mapped_column(Date)
    trigger_event_id: Mapped[str] = mapped_column(String(36))
    opened: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("uq_jrn_reise_event_anchor", "life_event", "anchor", "occurrence", unique=True),
        Index("ix_jrn_reise_anchor", "anchor"),
    )
