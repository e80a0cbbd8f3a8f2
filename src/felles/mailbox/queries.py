"""Reading the mailbox: a recipient's inbox, a letter's content in a language, its details
(status history, attachments), the print queue. Nothing here writes.

Who may see what is the caller's business: the API checks the token (``access``), the portal
its login; each function here takes the party whose mailbox it reads (``recipient``) or the
sender, and a letter outside it is simply not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from felles.kernel.clock import aware
from felles.kernel.errors import NotFound
from felles.mailbox import events as ev
from felles.mailbox.content import Content
from felles.mailbox.model import Forsendelse, Innhold, StatusHendelse, Utskrift, Vedlegg
from felles.mailbox.rendering import Envelope, Sheet
from felles.mailbox.texts import status_text
from felles.registries.enhetsregisteret.queries import units_status

#: Statuses of letters that are in the recipient's digital mailbox.
IN_MAILBOX: Final = (ev.PUBLISHED, ev.READ, ev.CONFIRMED)
MAX_PAGE: Final = 100


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One letter in a list: what an inbox shows, in the language asked for when it has it."""

    id: str
    sender_orgnr: str
    sender_name: str
    kind: str
    language: str
    title: str
    summary: str | None
    status: str
    status_text: str
    channel: str | None
    created: datetime
    due: datetime | None
    is_confirmation_needed: bool
    unread: bool


@dataclass(frozen=True, slots=True)
class InboxPage:
    items: list[InboxItem]
    total: int


@dataclass(frozen=True, slots=True)
class StatusEntry:
    status: str
    at: datetime
    actor: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    id: str
    file_name: str
    display_name: str | None
    media_type: str
    size: int
    checksum: str


@dataclass(frozen=True, slots=True)
class LetterDetails:
    """A letter with everything but its attachments' bytes."""

    row: Forsendelse
    sender_name: str
    contents: dict[str, Content]
    history: list[StatusEntry]
    attachments: list[AttachmentInfo]

    def content(self, language: str | None = None) -> Content:
        """The content in ``language`` when the letter has it, else in its default language."""
        if language is not None and language in self.contents:
            return self.contents[language]
        return self.contents.get(self.row.default_language) or next(iter(self.contents.values()))


def sender_names(session: Session, rows: Sequence[Forsendelse]) -> dict[str, str]:
    """Each letter's sender as shown: its messageSender, else the name in Enhetsregisteret."""
    units = units_status(session, orgnrs={row.sender_orgnr for row in rows})
    names: dict[str, str] = {}
    for row in rows:
        unit = units.get(row.sender_orgnr)
        names[row.id] = row.message_sender or (unit.navn if unit else row.sender_orgnr)
    return names


def _contents(session: Session, ids: Sequence[str]) -> dict[str, dict[str, Content]]:
    found: dict[str, dict[str, Content]] = {letter_id: {} for letter_id in ids}
    if not ids:
        return found
    for row in session.scalars(select(Innhold).where(Innhold.forsendelse_id.in_(ids))):
        found[row.forsendelse_id][row.language] = Content(
            row.language, row.title, row.body, row.summary
        )
    return found


def inbox(
    session: Session,
    recipient: str,
    *,
    language: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> InboxPage:
    """The letters in ``recipient``'s mailbox (a person's or an organisation's), newest
    first; ``status`` narrows to one of Published (unread), Read or Confirmed."""
    wanted = IN_MAILBOX if status is None else (status,)
    where = (Forsendelse.recipient == recipient, Forsendelse.status.in_(wanted))
    total = session.scalar(select(func.count()).select_from(Forsendelse).where(*where)) or 0
    rows = list(
        session.scalars(
            select(Forsendelse)
            .where(*where)
            .order_by(Forsendelse.created.desc(), Forsendelse.id)
            .limit(min(max(limit, 1), MAX_PAGE))
            .offset(max(offset, 0))
        )
    )
    contents = _contents(session, [row.id for row in rows])
    names = sender_names(session, rows)
    items = []
    for row in rows:
        shown = _pick(contents[row.id], language, row.default_language)
        items.append(
            InboxItem(
                id=row.id,
                sender_orgnr=row.sender_orgnr,
                sender_name=names[row.id],
                kind=row.kind,
                language=shown.language,
                title=shown.title,
                summary=shown.summary,
                status=row.status,
                status_text=status_text(row.status, language or shown.language),
                channel=row.channel,
                created=aware(row.created),
                due=aware(row.due) if row.due is not None else None,
                is_confirmation_needed=row.is_confirmation_needed,
                unread=row.status == ev.PUBLISHED,
            )
        )
    return InboxPage(items=items, total=total)


def unread_count(session: Session, recipient: str) -> int:
    """How many letters in ``recipient``'s mailbox are unread (for a badge)."""
    query = select(func.count()).where(
        Forsendelse.recipient == recipient, Forsendelse.status == ev.PUBLISHED
    )
    return session.scalar(query) or 0


def _pick(contents: dict[str, Content], language: str | None, default: str) -> Content:
    if language is not None and language in contents:
        return contents[language]
    return contents.get(default) or next(iter(contents.values()))


def details(session: Session, letter_id: str) -> LetterDetails | None:
    """A letter with its content, history and attachments (no access check: the caller's)."""
    row = session.get(Forsendelse, letter_id)
    if row is None:
        return None
    history = [
        StatusEntry(h.status, aware(h.at), h.actor, h.reason)
        for h in session.scalars(
            select(StatusHendelse)
            .where(StatusHendelse.forsendelse_id == letter_id)
            .order_by(StatusHendelse.id)
        )
    ]
    attachments = [
        AttachmentInfo(*values)
        for values in session.execute(
            select(
                Vedlegg.id,
                Vedlegg.file_name,
                Vedlegg.display_name,
                Vedlegg.media_type,
                Vedlegg.size,
                Vedlegg.checksum,
            )
            .where(Vedlegg.forsendelse_id == letter_id)
            .order_by(Vedlegg.file_name, Vedlegg.id)
        )
    ]
    return LetterDetails(
        row=row,
        sender_name=sender_names(session, [row])[row.id],
        contents=_contents(session, [letter_id])[letter_id],
        history=history,
        attachments=attachments,
    )


def in_mailbox(session: Session, letter_id: str, recipient: str) -> LetterDetails:
    """A letter in ``recipient``'s digital mailbox (404 otherwise, also for paper letters)."""
    found = details(session, letter_id)
    if found is None or found.row.recipient != recipient or found.row.status not in IN_MAILBOX:
        raise NotFound("No such letter in this mailbox")
    return found


def content(session: Session, letter_id: str, *, recipient: str, language: str | None) -> Content:
    """A letter's content in ``language`` (else its default), for ``recipient``."""
    return in_mailbox(session, letter_id, recipient).content(language)


def sheet(found: LetterDetails, language: str | None = None) -> Sheet:
    """What rendering needs for a letter in a language."""
    row = found.row
    return Sheet(
        id=row.id,
        sender_name=found.sender_name,
        kind=row.kind,
        created=aware(row.created),
        content=found.content(language),
        due=aware(row.due) if row.due is not None else None,
        senders_reference=row.senders_reference,
        confirmation_needed=row.is_confirmation_needed,
        attachments=tuple(a.display_name or a.file_name for a in found.attachments),
    )


def attachment_data(session: Session, letter_id: str, attachment_id: str) -> Vedlegg:
    row = session.get(Vedlegg, attachment_id)
    if row is None or row.forsendelse_id != letter_id:
        raise NotFound("No such attachment on this letter")
    return row


def status_of(session: Session, letter_id: str) -> str | None:
    """A letter's status (Published, Read, Confirmed, Reserved, Failed …); None if unknown.
    The notifications part asks this before a reminder: a Confirmed task needs none."""
    return session.scalar(select(Forsendelse.status).where(Forsendelse.id == letter_id))


def is_confirmed(session: Session, letter_id: str) -> bool:
    return status_of(session, letter_id) == ev.CONFIRMED


def print_order(session: Session, letter_id: str) -> Utskrift | None:
    return session.scalar(select(Utskrift).where(Utskrift.forsendelse_id == letter_id))


def envelope_of(order: Utskrift | None) -> Envelope | None:
    """The envelope window for an ordinary print order; None for a protected address."""
    if order is None or order.handling != "ordinaer" or order.address_lines is None:
        return None
    return Envelope(name=order.name or "", lines=tuple(order.address_lines))


def print_queue(session: Session, *, limit: int = 100) -> list[Utskrift]:
    """Letters waiting to be printed, oldest first."""
    return list(
        session.scalars(
            select(Utskrift)
            .where(Utskrift.status == "venter")
            .order_by(Utskrift.id)
            .limit(min(max(limit, 1), 1000))
        )
    )


def sent_by(
    session: Session,
    sender_orgnr: str,
    *,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[str]:
    """Ids of the letters a sender sent, newest first."""
    query = select(Forsendelse.id).where(Forsendelse.sender_orgnr == sender_orgnr)
    if status is not None:
        query = query.where(Forsendelse.status == status)
    query = query.order_by(Forsendelse.created.desc(), Forsendelse.id)
    query = query.limit(min(max(limit, 1), MAX_PAGE)).offset(max(offset, 0))
    return list(session.scalars(query))


def letter_by_key(
    session: Session,
    idempotent_key: str,
    *,
    sender_orgnr: str | None = None,
    recipient: str | None = None,
    origin: str | None = None,
) -> Forsendelse | None:
    """The letter sent with ``idempotent_key`` (by that sender, to that recipient, from that
    origin, where given), if any: other blocks ask whether their letter went."""
    query = select(Forsendelse).where(Forsendelse.idempotent_key == idempotent_key)
    if sender_orgnr is not None:
        query = query.where(Forsendelse.sender_orgnr == sender_orgnr)
    if recipient is not None:
        query = query.where(Forsendelse.recipient == recipient)
    if origin is not None:
        query = query.where(Forsendelse.origin == origin)
    return session.scalar(query)


def count_by_key_prefix(session: Session, sender_orgnr: str, key_prefix: str) -> int:
    """How many of the sender's letters have idempotency keys starting with ``key_prefix``."""
    query = select(func.count()).where(
        Forsendelse.sender_orgnr == sender_orgnr,
        Forsendelse.idempotent_key.startswith(key_prefix, autoescape=True),
    )
    return int(session.scalar(query) or 0)
