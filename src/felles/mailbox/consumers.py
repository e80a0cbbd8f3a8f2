"""The mailbox's bus consumers, for ``felles worker --consumers felles.mailbox.consumers``.

``mailbox-vedtaksbrev``: when a case gets a decision (``no.felles.vedtak.fattet``, or
``omgjort`` for an override), the decision letter stored on the case (``svc_dokument``, HTML in
nb, nn and en) is sent to the party the decision is addressed to — the case's ``part`` (for
barnetrygd at birth, the mother), else its subject — from the case's owner, as a letter of kind
vedtak. It runs as its own consumer, after the service's transaction has committed, so the
service's path is not slowed by routing or rendering.

Effects happen once: the bus's processed-events record is written with the letters (decision
0030), and each letter's idempotency key is the decision's id, so a decision's letter is sent
once even if its event were seen twice. A batch of events shares one reader, whose access-log
entries are appended last. A decision whose letter cannot be sent (no documents, a recipient
no longer in Folkeregisteret) is logged by ids only and skipped, so it cannot stop the stream.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

from sqlalchemy import select

from felles.kernel.bus import Consumer, register
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import InvalidInput
from felles.kernel.events import Event
from felles.mailbox import routing
from felles.mailbox.content import LANGUAGES, Content
from felles.mailbox.html_text import html_to_text
from felles.mailbox.operations import Letter, send_letter, send_letters
from felles.services.events import VEDTAK_FATTET, VEDTAK_OMGJORT
from felles.services.model import Dokument, Sak
from felles.sharing.reader import InternalReader

log = logging.getLogger(__name__)

NAME: Final = "mailbox-vedtaksbrev"
TYPES: Final = (VEDTAK_FATTET, VEDTAK_OMGJORT)


def _contents(documents: Sequence[Dokument]) -> list[Content]:
    contents = []
    for document in documents:
        if document.language not in LANGUAGES or document.media_type != "text/html":
            continue
        title, body = html_to_text(document.content)
        contents.append(Content(document.language, title or document.title, body))
    return contents


def letter_for(uow: UnitOfWork, event: Event) -> Letter | None:
    """The letter a decision event calls for; None when the decision has no letter."""
    vedtak_id, sak_id = event.data.get("vedtakId"), event.data.get("sakId")
    if not isinstance(vedtak_id, int) or not isinstance(sak_id, int):
        return None
    sak = uow.session.get(Sak, sak_id)
    if sak is None:
        return None
    documents = uow.session.scalars(
        select(Dokument)
        .where(Dokument.sak_id == sak_id, Dokument.vedtak_id == vedtak_id)
        .order_by(Dokument.id)
    ).all()
    contents = _contents(documents)
    if not contents:
        return None
    return Letter(
        sender_orgnr=sak.owner_orgnr,
        recipient=sak.part or sak.subject,
        contents=contents,
        kind="vedtak",
        idempotent_key=f"vedtak-{vedtak_id}",
        senders_reference=f"sak-{sak_id}",
        origin=f"vedtak:{vedtak_id}",
    )


def _send_one(uow: UnitOfWork, event: Event, letter: Letter, reader: InternalReader) -> None:
    try:
        with uow.savepoint():
            send_letter(uow, letter, reader=reader)
    except InvalidInput as refused:
        # The detail names what is wrong, never a number; the event's id finds the case.
        log.warning("decision letter not sent (event %s): %s", event.id, refused.detail)


def send_decision_letters(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """The batch handler: the batch's letters routed with one KRR read and sent, the reads
    logged once at the end. If one letter is refused, each is sent on its own, so the
    refused one is skipped and the rest still go."""
    reader = routing.mailbox_reader(uow.database)
    wanted: list[tuple[Event, Letter]] = []
    for event in events:
        letter = letter_for(uow, event) if event.type in TYPES else None
        if letter is None:
            if event.type in TYPES:
                log.warning("decision without a letter to send (event %s)", event.id)
            continue
        wanted.append((event, letter))
    if not wanted:
        return
    try:
        with uow.savepoint():
            send_letters(uow, [letter for _, letter in wanted], reader=reader)
    except InvalidInput:
        reader = routing.mailbox_reader(uow.database)  # what the failed batch read is dropped
        for event, letter in wanted:
            _send_one(uow, event, letter, reader)
    reader.flush(uow)


def _one(uow: UnitOfWork, event: Event) -> None:
    send_decision_letters(uow, [event])


CONSUMER: Final = register(
    Consumer(name=NAME, handler=_one, types=TYPES, batch=send_decision_letters)
)
