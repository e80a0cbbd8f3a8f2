"""Oversikt: what needs the person's attention and what happened lately — open cases and
the latest decisions, consent requests waiting, the latest uses of the party's data — and
the places where letters (Innboks) and life-event journeys will come."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from felles.access.queries import utc
from felles.kernel.clock import get_clock
from felles.portal import queries
from felles.portal.i18n import gettext
from felles.portal.labels import OPEN_CASES
from felles.portal.pages.cases import service_title, visible
from felles.portal.pages.innsyn import may_read_log, uses
from felles.portal.web import Viewer, database_of, load, page

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
        cases = [s for s in queries.cases_for(db, part=party.ident) if visible(party, s)]
        open_cases = [
            {"sak": s, "title": service_title(s.service_id, lang)}
            for s in cases
            if s.status in OPEN_CASES
        ]
        decisions = queries.current_decisions(db, sak_ids=[s.id for s in cases])
        decided = [
            {"sak": s, "title": service_title(s.service_id, lang), "vedtak": decisions[s.id]}
            for s in cases
            if s.id in decisions
        ][:5]
        waiting = 0
        if viewer.acting_for_self:
            waiting = sum(
                1
                for c in queries.consents_from(db, subject=party.ident)
                if c.status == "created" and utc(c.gyldig_til) > now
            )
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
    )
