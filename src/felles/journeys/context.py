"""What a step's resolver may look at: the journey, who reads it, the day, and the facts.

Facts are read once per journey and shared by its steps: the anchor's Folkeregisteret entry
and the services' cases about the anchor. Each block's facts come from that block's own
queries (services, mailbox, access log), never its tables. The reader is the person
following the journey (their own family's data), so nothing here is a release to a third
party.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.access.log import queries as log_queries
from felles.access.log.model import LogEntryRow
from felles.journeys.model import Reise
from felles.kernel.events import OutboxRow
from felles.mailbox import queries as mailbox_queries
from felles.mailbox.model import Forsendelse
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.queries import get_person
from felles.services import queries as services_queries
from felles.services.model import Sak


@dataclass
class JourneyContext:
    session: Session
    journey: Reise
    viewer: str
    today: date
    _anchor: Person | None = None
    _cases: dict[str, Sak] | None = field(default=None)
    # moving: the event that opened the journey, read once (False: looked for, not there)
    _trigger: OutboxRow | bool | None = field(default=None)

    @property
    def anchor(self) -> Person | None:
        """The anchor's Folkeregisteret entry (None if it is no longer there)."""
        if self._anchor is None:
            self._anchor = get_person(self.session, ident=self.journey.anchor)
        return self._anchor

    def case(self, service_id: str) -> Sak | None:
        """The service's case about the anchor, if it has one."""
        if self._cases is None:
            self._cases = services_queries.cases_about(self.session, self.journey.anchor)
        return self._cases.get(service_id)

    # death and inheritance

    def viewer_letter(self, sender_orgnr: str, key: str) -> Forsendelse | None:
        """The sender's letter with idempotency key ``key``, if it went to the viewer (a
        task's status says whether the viewer has marked it done)."""
        found = mailbox_queries.letter_by_key(self.session, key, sender_orgnr=sender_orgnr)
        return found if found is not None and found.recipient == self.viewer else None

    def letters_sent(self, sender_orgnr: str, key_prefix: str) -> int:
        """How many of the sender's letters have keys starting with ``key_prefix`` (to anyone:
        a count only, so the viewer learns that others were written to, not who)."""
        return mailbox_queries.count_by_key_prefix(self.session, sender_orgnr, key_prefix)

    # moving
    def trigger(self) -> OutboxRow | None:
        """The event that opened the journey, from the outbox (None if no longer there)."""
        if self._trigger is None:
            row = self.session.scalar(
                select(OutboxRow).where(OutboxRow.event_id == self.journey.trigger_event_id)
            )
            self._trigger = row if row is not None else False
        return self._trigger if isinstance(self._trigger, OutboxRow) else None

    def released_since(
        self,
        *,
        formaal: str,
        datasett: str,
        since: datetime,
        felt: str | None = None,
        konsument: str | None = None,
    ) -> LogEntryRow | None:
        """The first access-log entry since ``since`` releasing ``datasett`` (its field
        ``felt``, when given) about the anchor for ``formaal`` (to ``konsument``, when given):
        the proof an agency was told. The log is the anchor's own (their innsyn)."""
        return log_queries.first_release_since(
            self.session,
            subjekt=self.journey.anchor,
            formaal=formaal,
            datasett=datasett,
            since=since,
            felt=felt,
            konsument=konsument,
        )

    def letter(self, idempotent_key: str) -> Forsendelse | None:
        """The letter to the anchor sent with ``idempotent_key`` (by any sender), if any."""
        return mailbox_queries.letter_by_key(
            self.session, idempotent_key, recipient=self.journey.anchor
        )

    # having a child

    def sent_letter(self, origin: str, key: str) -> Forsendelse | None:
        """The letter the service ``origin`` sent with idempotency key ``key``, to whomever
        (the fødselsmelding goes to the municipality's own inbox): a step uses that it
        exists and who sent it, never its content."""
        return mailbox_queries.letter_by_key(self.session, key, origin=origin)
