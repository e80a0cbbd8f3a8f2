"""HTTP API of the journeys: a person's life events and where each step stands.

``GET /livshendelser/api/v1/personer/{personidentifikator}/reiser?spraak=nb`` answers the
journeys the person follows, newest first, each step with its agency, status, a sentence
saying why or what to do, deadline and law. Read as the access log is
(``felles.access.own_data``): the person's own, or those of someone they act for.

No Norwegian component offers this yet; the names follow the portal's words (livshendelse,
steg, frist) and the rest of felles' person APIs.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from felles.access.own_data import readable_subject
from felles.journeys.progress import JourneyView, StepView
from felles.journeys.queries import journeys_for
from felles.journeys.status import LABELS
from felles.kernel.clock import get_clock
from felles.kernel.ids import PersonIdStr
from felles.kernel.web import Caller, DatabaseDep, problem_doc, require_access

PREFIX: Final = "/livshendelser/api/v1"
FIELD: Final = "livshendelser.reise.reiser"

Language = Literal["nb", "nn", "en"]

router = APIRouter(prefix=PREFIX, tags=["livshendelser"])

RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    401: problem_doc("No or invalid bearer token"),
    403: problem_doc("A person sees their own journeys, or those of someone they act for"),
    422: problem_doc("Invalid identity number or language; nothing was read"),
}


class _Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Etat(_Schema):
    organisasjonsnummer: str | None = Field(
        description="None for a municipality's step when the journey names no one municipality "
        "(a protected address, or before the move is known)"
    )
    navn: str


class Lov(_Schema):
    url: str
    navn: str


class Steg(_Schema):
    id: str
    tittel: str
    etat: Etat
    type: str = Field(description="tjeneste, oppgave, tilbud or melding")
    status: str = Field(
        description="utfoert-automatisk, utfoert, venter-paa-etat, din-oppgave, kommer "
        "or ikke-relevant"
    )
    statustekst: str
    forklaring: str = Field(description="What happened, why, or what to do")
    frist: date | None = None
    fra_dato: date | None = None
    lov: Lov | None = None
    referanse: str | None = Field(default=None, description="What it rests on, e.g. sak:42")
    avhenger_av: list[str] = Field(
        default_factory=list, description="The ids of the steps this one builds on"
    )
    venter_paa: list[str] = Field(
        default_factory=list,
        description="Those of them still open today (waiting, your task or coming later)",
    )


class Livshendelse(_Schema):
    id: str
    tittel: str
    beskrivelse: str


class Reise(_Schema):
    id: int
    livshendelse: Livshendelse
    gjelder: str = Field(description="Whose life event: the child born, the person who moved …")
    gjelder_fornavn: str | None
    dato: date
    fullfoert: bool
    steg: list[Steg]


class Reiser(_Schema):
    personidentifikator: str
    reiser: list[Reise]


def _step(shown: StepView, language: Language) -> Steg:
    step, state = shown.step, shown.state
    return Steg(
        id=step.id,
        tittel=step.title[language],
        etat=Etat(organisasjonsnummer=shown.agency.orgnr, navn=shown.agency.name),
        type=step.kind,
        status=state.status.value,
        statustekst=LABELS[state.status][language],
        forklaring=state.detail[language],
        frist=state.deadline,
        fra_dato=state.from_day,
        lov=Lov(url=step.law.url, navn=step.law.name) if step.law else None,
        referanse=state.reference,
        avhenger_av=list(step.after),
        venter_paa=[before.id for before in shown.waits_for],
    )


def journey_out(journey: JourneyView, language: Language) -> Reise:
    life_event = journey.life_event
    return Reise(
        id=journey.id,
        livshendelse=Livshendelse(
            id=life_event.id,
            tittel=life_event.title[language],
            beskrivelse=life_event.description[language],
        ),
        gjelder=journey.anchor,
        gjelder_fornavn=journey.anchor_first_name,
        dato=journey.event_date,
        fullfoert=journey.finished,
        steg=[_step(step, language) for step in journey.steps],
    )


@router.get(
    "/personer/{personidentifikator}/reiser",
    summary="The person's life events and where each step stands",
    response_model=Reiser,
    response_model_by_alias=True,
    responses=RESPONSES,
)
def person_journeys(
    database: DatabaseDep,
    caller: Annotated[Caller, Depends(require_access())],
    personidentifikator: Annotated[
        PersonIdStr, Path(description="The person's fødselsnummer or D-nummer")
    ],
    spraak: Annotated[Language, Query(description="nb, nn or en")] = "nb",
) -> Reiser:
    subject = readable_subject(
        database, personidentifikator, caller, field=FIELD, purpose="livshendelser"
    )
    with database.read_session() as session:
        journeys = journeys_for(session, subject, today=get_clock().today())
        return Reiser(
            personidentifikator=subject,
            reiser=[journey_out(journey, spraak) for journey in journeys],
        )
