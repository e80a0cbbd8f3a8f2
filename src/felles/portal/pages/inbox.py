"""Innboks: the letters in the chosen party's mailbox (``felles.mailbox``), newest first; a
letter shown in the page's language when it has it, marked read when opened (as the
mailbox's API does on the recipient's first look), as PDF, and a task confirmed done.

Every read and change goes through the mailbox's own queries and operations with the party's
mailbox as ``recipient``, so a letter in anyone else's mailbox is not found and nothing
changes (the same 404 whether the id exists or not, so ids cannot be probed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Final

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from felles.kernel.db import Database
from felles.kernel.errors import Conflict, NotFound
from felles.mailbox import events as ev
from felles.mailbox import operations, queries
from felles.mailbox.queries import LetterDetails
from felles.mailbox.rendering import Sheet, render_article, render_pdf
from felles.portal import session
from felles.portal.i18n import gettext
from felles.portal.post import Mailbox
from felles.portal.web import (
    HEADERS,
    Viewer,
    csrf_refused,
    database_of,
    first,
    load,
    page,
    read_form,
    see_other,
)

router = APIRouter(include_in_schema=False)
PAGE_SIZE: Final = 25
#: The mailbox's letter ids are UUIDs (``felles.mailbox.api.LetterId``).
LetterId = Annotated[
    str, Path(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
]


def _not_found(request: Request, viewer: Viewer) -> Response:
    return page(
        request,
        viewer,
        "error.html",
        title=gettext(viewer.lang, "Not found"),
        message=gettext(viewer.lang, "There is no such letter in this inbox."),
        active="innboks",
        status=404,
    )


@dataclass(frozen=True, slots=True)
class Opened:
    """A letter as read at one look: what rendering needs, its status, and whether this
    look marked it read."""

    sheet: Sheet
    status: str
    confirmation_needed: bool
    marked: bool


def _opened(found: LetterDetails, lang: str, marked: bool) -> Opened:
    row = found.row
    return Opened(queries.sheet(found, lang), row.status, row.is_confirmation_needed, marked)


def _open(database: Database, mailbox: Mailbox, letter_id: str, lang: str) -> Opened:
    """The letter in ``mailbox`` in ``lang`` when it has it (NotFound otherwise, before
    anything is written), marked read if it was unread."""
    with database.unit_of_work() as uow:
        found = queries.in_mailbox(uow.session, letter_id, mailbox.recipient)
        if found.row.status != ev.PUBLISHED:
            return _opened(found, lang, False)
        marked = operations.mark_read(
            uow, letter_id, recipient=mailbox.recipient, actor=mailbox.actor
        )
        uow.commit()
    with database.read_session() as session:
        return _opened(queries.in_mailbox(session, letter_id, mailbox.recipient), lang, marked)


@router.get("/minside/innboks")
def inbox(request: Request, side: int = Query(default=0, ge=0, le=10_000)) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    mailbox = viewer.mailbox
    items: list[queries.InboxItem] = []
    total = 0
    if mailbox is not None:
        with database_of(request).read_session() as db:
            found = queries.inbox(
                db,
                mailbox.recipient,
                language=viewer.lang,
                limit=PAGE_SIZE,
                offset=side * PAGE_SIZE,
            )
        items, total = found.items, found.total
    return page(
        request,
        viewer,
        "inbox.html",
        title=gettext(viewer.lang, "Inbox"),
        active="innboks",
        offered=mailbox is not None,
        items=items,
        side=side,
        more=(side + 1) * PAGE_SIZE < total,
    )


@router.get("/minside/innboks/{letter_id}")
def letter(request: Request, letter_id: LetterId, utfoert: bool = False) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    mailbox = viewer.mailbox
    if mailbox is None:
        return _not_found(request, viewer)
    try:
        opened = _open(database_of(request), mailbox, letter_id, viewer.lang)
    except NotFound:
        return _not_found(request, viewer)
    if opened.marked and viewer.unread:
        # The menu's count was read before this look marked the letter.
        viewer = replace(viewer, unread=viewer.unread - 1)
    done = opened.status == ev.CONFIRMED
    return page(
        request,
        viewer,
        "inbox_letter.html",
        title=opened.sheet.content.title,
        active="innboks",
        letter_id=letter_id,
        # The mailbox renders the letter with every value escaped (rendering.render_article).
        article=Markup(render_article(opened.sheet)),
        letter_status=opened.status,
        can_confirm=opened.confirmation_needed and not done,
        just_confirmed=utfoert and done,
    )


@router.get("/minside/innboks/{letter_id}/pdf")
def letter_pdf(request: Request, letter_id: LetterId) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    mailbox = viewer.mailbox
    if mailbox is None:
        return _not_found(request, viewer)
    try:
        # As the mailbox's API: the PDF is a look at the letter too.
        opened = _open(database_of(request), mailbox, letter_id, viewer.lang)
    except NotFound:
        return _not_found(request, viewer)
    pdf = render_pdf(opened.sheet)
    headers = HEADERS | {"Content-Disposition": f'inline; filename="brev-{letter_id[:8]}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post("/minside/innboks/{letter_id}/utfoert")
async def confirm(request: Request, letter_id: LetterId) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    form = await read_form(request)
    if not session.csrf_matches(viewer.session, first(form, "csrf")):
        return csrf_refused(request, viewer)
    mailbox = viewer.mailbox
    if mailbox is None:
        return _not_found(request, viewer)
    try:
        with database_of(request).unit_of_work() as uow:
            operations.confirm(uow, letter_id, recipient=mailbox.recipient, actor=mailbox.actor)
            uow.commit()
    except NotFound:
        return _not_found(request, viewer)
    except Conflict:
        return page(
            request,
            viewer,
            "error.html",
            title=gettext(viewer.lang, "Nothing to mark as done"),
            message=gettext(viewer.lang, "This letter is not a task to mark as done."),
            active="innboks",
            status=409,
        )
    return see_other(f"/minside/innboks/{letter_id}?utfoert=1")
