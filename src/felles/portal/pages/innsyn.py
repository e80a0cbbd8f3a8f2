"""Innsyn: who used the party's data, when, why and under which law — the access log
(``felles.access.log``), newest first. Reading someone else's log is decided by the
decision point, as ``/innsynslogg/api/v1/personer/{ident}/innsyn`` decides it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from felles.access.decide import decide
from felles.access.legal_bases import by_id, get_hjemler
from felles.access.log.api import LOG_FIELD
from felles.access.log.queries import entries_about
from felles.kernel.clock import get_clock
from felles.portal import fields, labels
from felles.portal.i18n import gettext
from felles.portal.parties import name_of
from felles.portal.web import Viewer, database_of, load, page
from felles.registries.enhetsregisteret.queries import units_status
from felles.registries.folkeregister.queries import get_person

router = APIRouter(include_in_schema=False)
PAGE_SIZE: Final = 25
#: The access log names the representation (not a law) when someone acted for the person.
REPRESENTATION: Final = frozenset(labels.REPRESENTATION)


@dataclass(frozen=True, slots=True)
class Use:
    when: datetime
    consumer: str
    actor: str | None
    data: list[str]
    purpose: str
    law: str | None
    law_href: str | None
    consent_id: str | None
    representation: str | None


def may_read_log(db: Session, viewer: Viewer) -> bool:
    assert viewer.party is not None
    if not viewer.party.is_person:
        return False
    decision = decide(
        db,
        viewer.principal,
        None if viewer.acting_for_self else viewer.party.ident,
        "read",
        viewer.party.ident,
        [LOG_FIELD],
        "innsyn",
        at=get_clock().now(),
    )
    return decision.permit


def uses(db: Session, subject: str, lang: str, *, page_no: int, size: int) -> tuple[list[Use], int]:
    found = entries_about(db, subjekt=subject, page=page_no, size=size, newest_first=True)
    names = units_status(db, orgnrs=[e.konsument for e in found.entries])
    laws = by_id(get_hjemler())
    result: list[Use] = []
    for entry in found.entries:
        actor = None
        if entry.aktoer:
            person = get_person(db, ident=entry.aktoer) if len(entry.aktoer) == 11 else None
            actor = name_of(person) if person is not None else None
        law = laws.get(entry.hjemmel or "")
        unit = names.get(entry.konsument)
        result.append(
            Use(
                when=entry.tidspunkt,
                consumer=unit.navn if unit is not None else entry.konsument,
                actor=actor,
                data=[fields.label(f"{entry.datasett}.{name}", lang) for name in entry.felter],
                purpose=entry.formaal,
                law=(law.lovnavn or law.lov) if law is not None else None,
                law_href=law.lov if law is not None else None,
                consent_id=entry.samtykke_id,
                representation=entry.hjemmel if entry.hjemmel in REPRESENTATION else None,
            )
        )
    return result, found.total


@router.get("/minside/innsyn")
def innsyn(request: Request, side: int = Query(default=0, ge=0, le=10_000)) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    assert viewer.party is not None
    with database_of(request).read_session() as db:
        allowed = may_read_log(db, viewer)
        found, total = (
            uses(db, viewer.party.ident, viewer.lang, page_no=side, size=PAGE_SIZE)
            if allowed
            else ([], 0)
        )
    return page(
        request,
        viewer,
        "innsyn.html",
        title=gettext(viewer.lang, "Use of my data"),
        active="innsyn",
        allowed=allowed,
        uses=found,
        total=total,
        side=side,
        more=(side + 1) * PAGE_SIZE < total,
    )
