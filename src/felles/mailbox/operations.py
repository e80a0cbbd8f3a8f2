"""The mailbox's commands, each in the caller's unit of work (decision 0003): send a letter,
mark it read, confirm it (a task done).

``send_letter`` validates everything first (a refused letter writes nothing and reads
nothing), returns the existing letter's id for a sender's repeated idempotency key, routes
the letter (``routing``: KRR, and Folkeregisteret for paper), stores it with its content and
attachments, hands it to its channel (print queue, provider, or the inbox), records each
status with its event, and appends the routing reads to the access log last.
``send_letters`` does the same for many letters with one read of KRR for all recipients.

Statuses only move forward: Initialized → Published | Reserved | Failed, Published → Read →
Confirmed. Marking read again, or confirming again, changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from felles.kernel.clock import aware, get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.ids import orgnr_input
from felles.mailbox import events as ev
from felles.mailbox import notify, routing
from felles.mailbox.content import KINDS, Content, validated
from felles.mailbox.model import Forsendelse, Innhold, Leveranse, StatusHendelse, Utskrift, Vedlegg
from felles.mailbox.providers import provider_adapter
from felles.mailbox.recipients import Recipient, parse_recipient
from felles.sharing.reader import InternalReader

MAX_ATTACHMENTS: Final = 20
MAX_ATTACHMENT_BYTES: Final = 10 * 1024 * 1024
MAX_KEY: Final = 100
MAX_REFERENCE: Final = 100
MAX_SENDER_NAME: Final = 200
MEDIA_TYPES: Final = frozenset(
    {
        "application/pdf",
        "text/plain",
        "text/html",
        "text/csv",
        "application/json",
        "application/xml",
        "image/png",
        "image/jpeg",
    }
)
_FILE_NAME: Final = re.compile(r"^[^/\\]{1,255}$")
#: How far a status is along the flow: a letter never moves to a lower rank.
RANK: Final = {
    ev.INITIALIZED: 0,
    ev.PUBLISHED: 1,
    ev.RESERVED: 1,
    ev.FAILED: 1,
    ev.READ: 2,
    ev.CONFIRMED: 3,
}
SYSTEM: Final = "system"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a letter."""

    file_name: str
    data: bytes
    media_type: str = "application/pdf"
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class Letter:
    """A letter to send: who from, to whom, what kind, its content in one or more languages.

    ``recipient`` is a fødselsnummer, D-nummer or organisasjonsnummer, bare or as Altinn's
    URN. ``kind`` is vedtak, informasjon or oppgave; a task (oppgave) needs ``due`` and is
    confirmed when done (``confirmation_needed`` defaults to True for tasks only).
    """

    sender_orgnr: str
    recipient: str
    contents: Sequence[Content]
    kind: str = "informasjon"
    idempotent_key: str | None = None
    senders_reference: str | None = None
    message_sender: str | None = None
    due: datetime | None = None
    confirmation_needed: bool | None = None
    attachments: Sequence[Attachment] = field(default_factory=tuple)
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class _Valid:
    letter: Letter
    sender: str
    recipient: Recipient
    contents: tuple[Content, ...]
    confirmation_needed: bool
    due: datetime | None


def _text(value: str | None, what: str, limit: int) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise InvalidInput(f"{what} must not contain control characters")
    return text or None


def _attachments(attachments: Sequence[Attachment]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise InvalidInput(f"At most {MAX_ATTACHMENTS} attachments")
    for attachment in attachments:
        name = attachment.file_name
        if not _FILE_NAME.match(name) or any(unicodedata.category(c) == "Cc" for c in name):
            raise InvalidInput("An attachment's fileName must be 1-255 characters without / or \\")
        if attachment.media_type not in MEDIA_TYPES:
            raise InvalidInput(
                f"An attachment's type must be one of {', '.join(sorted(MEDIA_TYPES))}"
            )
        if not attachment.data:
            raise InvalidInput("An attachment must not be empty")
        if len(attachment.data) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(f"An attachment is larger than {MAX_ATTACHMENT_BYTES} bytes")
        _text(attachment.display_name, "An attachment's displayName", 255)


def validate(letter: Letter) -> _Valid:
    """Every check that needs no database: InvalidInput (422) naming what is wrong."""
    sender = orgnr_input(letter.sender_orgnr, role="sender")
    recipient = parse_recipient(letter.recipient)
    if letter.kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}")
    if not letter.contents:
        raise InvalidInput("Give the content in at least one language")
    contents = tuple(validated(content) for content in letter.contents)
    languages = [content.language for content in contents]
    if len(set(languages)) != len(languages):
        raise InvalidInput("Give each language's content once")
    key = _text(letter.idempotent_key, "idempotentKey", MAX_KEY)
    if letter.idempotent_key is not None and key is None:
        raise InvalidInput("idempotentKey must not be empty")
    _text(letter.senders_reference, "sendersReference", MAX_REFERENCE)
    _text(letter.message_sender, "messageSender", MAX_SENDER_NAME)
    due = aware(letter.due) if letter.due is not None else None
    if letter.kind == "oppgave" and due is None:
        raise InvalidInput("A task (oppgave) needs a due date (dueDateTime)")
    if due is not None and due <= get_clock().now():
        raise InvalidInput("dueDateTime must be in the future")
    needed = (
        letter.kind == "oppgave"
        if letter.confirmation_needed is None
        else bool(letter.confirmation_needed)
    )
    if needed and due is None:
        raise InvalidInput("A letter that must be confirmed needs a due date (dueDateTime)")
    _attachments(letter.attachments)
    return _Valid(letter, sender, recipient, contents, needed, due)


def find_by_key(uow: UnitOfWork, sender_orgnr: str, key: str) -> str | None:
    """The id of the sender's letter with this idempotency key, if there is one."""
    query = select(Forsendelse.id).where(
        Forsendelse.sender_orgnr == sender_orgnr, Forsendelse.idempotent_key == key
    )
    return uow.session.scalar(query)


def _set_status(
    uow: UnitOfWork, row: Forsendelse, status: str, *, actor: str, reason: str | None = None
) -> None:
    """Move ``row`` to ``status`` (never back), with its history row and event."""
    if RANK[status] < RANK[row.status]:
        raise Conflict(f"A letter in status {row.status} cannot become {status}")
    now = get_clock().now()
    row.status, row.status_changed = status, now
    uow.session.add(
        StatusHendelse(forsendelse_id=row.id, status=status, at=now, actor=actor, reason=reason)
    )
    uow.emit(
        ev.status_event(
            letter_id=row.id,
            status=status,
            recipient=row.recipient,
            sender_orgnr=row.sender_orgnr,
            kind=row.kind,
            channel=row.channel,
            reason=reason,
        )
    )


def _notify(uow: UnitOfWork, row: Forsendelse) -> None:
    """The hook to the notifications part, called when a letter is published digitally:
    orders the e-mail/SMS notice and a task's reminder (``notify.notify_published``), or
    does nothing when the notifications part is not there."""
    notify.notify_published(uow, row)


def _deliver(uow: UnitOfWork, row: Forsendelse, route: routing.Route) -> None:
    now = get_clock().now()
    if route.provider is not None:
        provider_orgnr, address = route.provider
        receipt = provider_adapter().deliver(
            letter_id=row.id, provider_orgnr=provider_orgnr, mailbox_address=address
        )
        uow.session.add(
            Leveranse(
                forsendelse_id=row.id,
                provider_orgnr=provider_orgnr,
                mailbox_address=address,
                receipt=receipt,
                delivered=now,
            )
        )
    order = route.print_order
    if order is not None:
        uow.session.add(
            Utskrift(
                forsendelse_id=row.id,
                handling=order.handling,
                name=order.name,
                address_lines=list(order.lines) if order.lines is not None else None,
                status="venter",
                created=now,
            )
        )


def _routes(
    uow: UnitOfWork, reader: InternalReader, recipients: Sequence[Recipient]
) -> dict[str, routing.Route]:
    """Each recipient's route: people's in one KRR read (and one Folkeregisteret read for
    paper), organisations' from Enhetsregisteret."""
    people = [r.ident for r in recipients if r.kind == "person"]
    routes = routing.route_people(reader, people)
    for recipient in recipients:
        if recipient.kind == "organisation" and recipient.ident not in routes:
            routes[recipient.ident] = routing.route_organisation(uow.session, recipient.ident)
    return routes


def send_letter(uow: UnitOfWork, letter: Letter, *, reader: InternalReader | None = None) -> str:
    """Send ``letter``; its correspondence id. The same sender and idempotency key again
    give the first letter's id and change nothing.

    ``reader`` lets a caller share one reader over several sends (and ``flush`` it last
    itself); without one, the routing reads are appended to the access log here, last.
    """
    return send_letters(uow, [letter], reader=reader)[0]


def send_letters(
    uow: UnitOfWork, letters: Sequence[Letter], *, reader: InternalReader | None = None
) -> list[str]:
    """Send several letters at once (``send_letter`` for each, in order), routed with one
    read of KRR for all their recipients. Every letter is checked before anything is read;
    one refused letter refuses them all."""
    valid = [validate(letter) for letter in letters]
    ids: list[str | None] = []
    for checked in valid:
        key = _text(checked.letter.idempotent_key, "idempotentKey", MAX_KEY)
        ids.append(find_by_key(uow, checked.sender, key) if key is not None else None)
    todo = [checked for checked, found in zip(valid, ids, strict=True) if found is None]
    used = reader if reader is not None else routing.mailbox_reader(uow.database)
    routes = _routes(uow, used, [checked.recipient for checked in todo]) if todo else {}
    sent = iter([_store(uow, checked, routes[checked.recipient.ident]) for checked in todo])
    result = [found if found is not None else next(sent) for found in ids]
    if reader is None:
        used.flush(uow)
    return result


def _store(uow: UnitOfWork, valid: _Valid, route: routing.Route) -> str:
    """Write one routed letter, hand it to its channel and record its statuses."""
    letter = valid.letter
    key = _text(letter.idempotent_key, "idempotentKey", MAX_KEY)
    now = get_clock().now()
    row = Forsendelse(
        id=str(uuid.uuid4()),
        sender_orgnr=valid.sender,
        message_sender=_text(letter.message_sender, "messageSender", MAX_SENDER_NAME),
        senders_reference=_text(letter.senders_reference, "sendersReference", MAX_REFERENCE),
        idempotent_key=key,
        recipient=valid.recipient.ident,
        recipient_kind=valid.recipient.kind,
        kind=letter.kind,
        default_language=_default_language(valid.contents, route.language),
        status=ev.INITIALIZED,
        status_changed=now,
        channel=route.channel,
        channel_reason=route.reason,
        is_confirmation_needed=valid.confirmation_needed,
        due=valid.due,
        origin=letter.origin,
        created=now,
    )
    if key is not None:
        # Two sends with one key at once: the unique index lets one win, and the other
        # answers with the winner's id, as a later repeat would.
        try:
            with uow.savepoint():
                uow.session.add(row)
                uow.session.flush()
        except IntegrityError:
            winner = find_by_key(uow, valid.sender, key)
            if winner is None:
                raise
            return winner
    else:
        uow.session.add(row)
        uow.session.flush()
    for content in valid.contents:
        uow.session.add(
            Innhold(
                forsendelse_id=row.id,
                language=content.language,
                title=content.title,
                summary=content.summary,
                body=content.body,
            )
        )
    for attachment in letter.attachments:
        uow.session.add(
            Vedlegg(
                id=str(uuid.uuid4()),
                forsendelse_id=row.id,
                file_name=attachment.file_name,
                display_name=attachment.display_name,
                media_type=attachment.media_type,
                size=len(attachment.data),
                checksum=hashlib.sha256(attachment.data).hexdigest(),
                data=attachment.data,
            )
        )
    _set_status(uow, row, ev.INITIALIZED, actor=f"avsender:{valid.sender}")
    if route.status != ev.FAILED:
        _deliver(uow, row, route)
    _set_status(uow, row, route.status, actor=SYSTEM, reason=route.reason)
    if route.status == ev.PUBLISHED and route.channel != routing.PAPER:
        _notify(uow, row)
    uow.session.flush()
    return row.id


def _default_language(contents: Sequence[Content], preferred: str | None) -> str:
    """The person's language from KRR when the letter has it, else the first given."""
    languages = [content.language for content in contents]
    return preferred if preferred in languages else languages[0]


def _letter_of(uow: UnitOfWork, letter_id: str, recipient: str) -> Forsendelse:
    """The letter in ``recipient``'s mailbox, locked for the change (404 otherwise)."""
    query = (
        select(Forsendelse)
        .where(Forsendelse.id == letter_id, Forsendelse.recipient == recipient)
        .with_for_update()
    )
    row = uow.session.scalar(query)
    if row is None or row.status in (ev.INITIALIZED, ev.FAILED, ev.RESERVED):
        # A letter that went on paper, or never went, is not in the digital mailbox.
        raise NotFound("No such letter in this mailbox")
    return row


def mark_read(uow: UnitOfWork, letter_id: str, *, recipient: str, actor: str) -> bool:
    """Mark a letter in ``recipient``'s mailbox read; False when it was read already."""
    row = _letter_of(uow, letter_id, recipient)
    if row.status != ev.PUBLISHED:
        return False
    _set_status(uow, row, ev.READ, actor=actor)
    return True


def confirm(uow: UnitOfWork, letter_id: str, *, recipient: str, actor: str) -> bool:
    """Confirm a letter (a task done); False when it was confirmed already. A letter that
    needs no confirmation is a Conflict. An unread letter is read first (both recorded)."""
    row = _letter_of(uow, letter_id, recipient)
    if not row.is_confirmation_needed:
        raise Conflict("This letter needs no confirmation")
    if row.status == ev.CONFIRMED:
        return False
    if row.status == ev.PUBLISHED:
        _set_status(uow, row, ev.READ, actor=actor)
    _set_status(uow, row, ev.CONFIRMED, actor=actor)
    return True


def mark_printed(uow: UnitOfWork, letter_id: str) -> None:
    """The print service has printed the letter (the queue row leaves the queue)."""
    row = uow.session.scalar(select(Utskrift).where(Utskrift.forsendelse_id == letter_id))
    if row is None:
        raise NotFound("No such letter in the print queue")
    row.status = "skrevet-ut"
