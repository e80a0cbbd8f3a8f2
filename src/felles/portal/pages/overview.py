"""Oversikt: what needs the person's attention and what happened lately — life-event
journeys in progress, new letters (Innboks), open cases and the latest decisions, consent
requests waiting, the latest uses of the party's data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from felles.access.queries import consents_from, utc
from felles.kernel.clock import get_clock
from felles.mailbox import queries as mailbox_queries
from felles.mailbox.events import PUBLISHED
from felles.portal.i18n import gettext
from felles.portal.labels import OPEN_CASES
from felles.portal.pages.cases import service_title, visible
from felles.portal.pages.innsyn import may_read_log, uses
from felles.portal.pages.journeys import journeys_of
from felles.portal.web import Viewer, database_of, load, page
from felles.services import queries as service_queries

router = APIRouter(include_in_schema=False)


@router.get("/minside/oversikt")
def overview(request: Request) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    assert viewer.party is not None
    party, lang = viewer.party, viewer.lang
    now = get_clock().now()
    with database_of(request).read_session() as db:
        cases = [s for s in service_queries.cases_for_party(db, party.ident) if visible(party, s)]
        open_cases = [
            {"sak": s, "title": service_title(s.service_id, lang)}
            for s in cases
            if s.status in OPEN_CASES
        ]
        decisions = service_queries.current_decisions(db, [s.id for s in cases])
        decided = [
            {"sak": s, "title": service_title(s.service_id, lang), "vedtak": decisions[s.id]}
            for s in cases
            if s.id in decisions
        ][:5]
        waiting = 0
        if viewer.acting_for_self:
            waiting = sum(
                1
                for c in consents_from(db, subject=party.ident)
                if c.status == "created" and utc(c.gyldig_til) > now
            )
        journeys = journeys_of(db, viewer, {s.id for s in cases})
        new_letters: list[mailbox_queries.InboxItem] = []
        mailbox = viewer.mailbox
        if mailbox is not None and viewer.unread:
            new_letters = mailbox_queries.inbox(
                db, mailbox.recipient, language=lang, status=PUBLISHED, limit=3
            ).items
        log_allowed = may_read_log(db, viewer)
        latest = uses(db, party.ident, lang, page_no=0, size=5)[0] if log_allowed else []
    return page(
        request,
        viewer,
        "overview.html",
        title=gettext(lang, "Overview"),
        active="oversikt",
        open_cases=open_cases,
        decided=decided,
        waiting=waiting,
        log_allowed=log_allowed,
        latest=latest,
        journeys=journeys,
        new_letters=new_letters,
    )
