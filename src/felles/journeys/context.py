"""What a step's resolver may look at: the journey, who reads it, the day, and the facts.

Facts are read once per journey and shared by its steps: the anchor's Folkeregisteret entry
and the services' cases about the anchor. The reader is the person following the journey
(their own family's data), so nothing here is a release to a third party.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.journeys.model import Reise
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.queries import get_person
from felles.services.model import Sak


@dataclass
class JourneyContext:
    session: Session
    journey: Reise
    viewer: str
    today: date
    _anchor: Person | None = None
    _cases: dict[str, Sak] | None = field(default=None)

    @property
    def anchor(self) -> Person | None:
        """The anchor's Folkeregisteret entry (None if it is no longer there)."""
        if self._anchor is None:
            self._anchor = get_person(self.session, ident=self.journey.anchor)
        return self._anchor

    def case(self, service_id: str) -> Sak | None:
        """The service's case about the anchor, if it has one."""
        if self._cases is None:
            rows = self.session.scalars(select(Sak).where(Sak.subject == self.journey.anchor))
            self._cases = {sak.service_id: sak for sak in rows}
        return self._cases.get(service_id)
