"""Flytte — moving: who learns of a move registered in Folkeregisteret (see decision 0037).

The journey is anchored on the person who moved and followed by them; there is one per
moving day (a person moves more than once). Its steps: the move registered, Posten and NAV
told, the new municipality (a letter about kindergarten and school for a family with
children of those ages) and the old one told. An agency was told when the person's access
log holds its read of the move (``felles.services.flytting``); the municipalities come from
the move's event, which names none for a protected address — and then none is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Final

from felles.access.decision import PROTECTED
from felles.journeys.context import JourneyContext
from felles.journeys.declaration import Agency, LifeEvent, Step, StepState, declare
from felles.journeys.status import StepStatus
from felles.journeys.texts import with_days
from felles.kernel.clock import aware
from felles.registries.folkeregister.events import ENDRING_I_BOSTEDSADRESSE, event_type
from felles.services.declaration import LegalReference, PublicService
from felles.services.flytting import (
    BASIS,
    FAMILIE,
    FOLKEREGISTERLOVEN,
    NAV,
    NY_KOMMUNE,
    POSTEN,
    TIDLIGERE_KOMMUNE,
)
from felles.services.flytting.letter import idempotent_key
from felles.services.flytting.moves import Municipality, municipalities

SKATTEETATEN: Final = Agency("974761076", "Skatteetaten")
#: Every municipality's steps: each journey's state names the municipality (``_agency``).
NEW_MUNICIPALITY: Final = Agency(None, "Kommunen du flyttet til")
OLD_MUNICIPALITY: Final = Agency(None, "Kommunen du flyttet fra")

PROTECTED_TEXT: Final = {
    "nb": "Adressen din er beskyttet, og den deles ikke automatisk.",
    "nn": "Adressa di er verna, og ho blir ikkje delt automatisk.",
    "en": "Your address is protected and is not shared automatically.",
}
SAME_MUNICIPALITY_TEXT: Final = {
    "nb": "Du flyttet innenfor samme kommune.",
    "nn": "Du flytta innanfor same kommune.",
    "en": "You moved within the same municipality.",
}


@dataclass(frozen=True, slots=True)
class MoveFacts:
    """What the journey knows of the move from its event."""

    registered: datetime  # when Folkeregisteret registered it
    protected: bool
    til_kommune: str | None
    fra_kommune: str | None


def _facts(context: JourneyContext) -> MoveFacts:
    row = context.trigger()
    if row is None:
        # The event is gone: the day of the move, and the register's grading today.
        anchor = context.anchor
        grading = anchor.adressebeskyttelse if anchor is not None else None
        return MoveFacts(
            registered=datetime.combine(context.journey.event_date, time(), tzinfo=UTC),
            protected=grading in PROTECTED,
            til_kommune=None,
            fra_kommune=None,
        )
    data = row.data or {}
    til, fra = data.get("kommunenummer"), data.get("fraKommunenummer")
    return MoveFacts(
        registered=aware(row.time),
        # Folkeregisteret leaves the municipality out of the event for a protected address.
        protected=not isinstance(til, str),
        til_kommune=til if isinstance(til, str) else None,
        fra_kommune=fra if isinstance(fra, str) else None,
    )


def _municipality(context: JourneyContext, kommunenummer: str | None) -> Municipality | None:
    """The municipality of a kommunenummer, from Enhetsregisteret (None when it has none)."""
    if kommunenummer is None:
        return None
    return municipalities(context.session, [kommunenummer]).get(kommunenummer)


def _agency(found: Municipality | None) -> Agency | None:
    return Agency(found.orgnr, found.navn) if found is not None else None


def registered(context: JourneyContext) -> StepState:
    return StepState(
        StepStatus.DONE,
        with_days(
            {
                "nb": "Flyttingen er registrert i Folkeregisteret fra {dato}.",
                "nn": "Flyttinga er registrert i Folkeregisteret frå {dato}.",
                "en": "The move is registered in the National Population Register from {dato}.",
            },
            dato=context.journey.event_date,
        ),
    )


def _address_told(context: JourneyContext, service: PublicService, name: str) -> StepState:
    facts = _facts(context)
    entry = context.released_since(
        konsument=service.orgnr,
        formaal=service.purpose,
        datasett=BASIS,
        felt="bostedsadresse",
        since=facts.registered,
    )
    if entry is not None:
        return StepState(
            StepStatus.DONE_AUTOMATICALLY,
            {
                "nb": f"{name} har fått den nye adressen din fra Folkeregisteret. Du trenger "
                "ikke melde den selv.",
                "nn": f"{name} har fått den nye adressa di frå Folkeregisteret. Du treng ikkje "
                "melde ho sjølv.",
                "en": f"{name} has your new address from the National Population Register. "
                "You need not report it.",
            },
            reference=f"innsyn:{entry.sekvensnummer}",
        )
    if facts.protected:
        return StepState(StepStatus.NOT_RELEVANT, PROTECTED_TEXT)
    return StepState(
        StepStatus.WAITING_FOR_AGENCY,
        {
            "nb": f"{name} får den nye adressen din fra Folkeregisteret.",
            "nn": f"{name} får den nye adressa di frå Folkeregisteret.",
            "en": f"{name} gets your new address from the National Population Register.",
        },
    )


def posten(context: JourneyContext) -> StepState:
    return _address_told(context, POSTEN, "Posten")


def nav(context: JourneyContext) -> StepState:
    return _address_told(context, NAV, "NAV")


def new_municipality(context: JourneyContext) -> StepState:
    facts = _facts(context)
    if facts.protected:
        return StepState(StepStatus.NOT_RELEVANT, PROTECTED_TEXT)
    if facts.til_kommune is None or facts.til_kommune == facts.fra_kommune:
        return StepState(StepStatus.NOT_RELEVANT, SAME_MUNICIPALITY_TEXT)
    found = _municipality(context, facts.til_kommune)
    name, agency = (found.navn if found else "Kommunen"), _agency(found)
    letter = context.letter(idempotent_key(context.journey.anchor, context.journey.event_date))
    if letter is not None:
        return StepState(
            StepStatus.DONE_AUTOMATICALLY,
            {
                "nb": f"{name} har sendt deg informasjon om barnehage og skole.",
                "nn": f"{name} har sendt deg informasjon om barnehage og skule.",
                "en": f"{name} has sent you information about kindergarten and school.",
            },
            reference=f"brev:{letter.id}",
            agency=agency,
        )
    read = context.released_since(
        formaal=NY_KOMMUNE.purpose, datasett=FAMILIE, since=facts.registered
    )
    if read is not None:
        return StepState(
            StepStatus.NOT_RELEVANT,
            {
                "nb": f"{name} vet at du har flyttet dit. Informasjon om barnehage og skole "
                "sendes til familier med barn mellom 1 og 15 år som bor sammen med dem.",
                "nn": f"{name} veit at du har flytta dit. Informasjon om barnehage og skule "
                "blir send til familiar med born mellom 1 og 15 år som bur saman med dei.",
                "en": f"{name} knows you have moved there. Information about kindergarten "
                "and school goes to families with children aged 1 to 15 living with them.",
            },
            reference=f"innsyn:{read.sekvensnummer}",
            agency=agency,
        )
    return _waiting(name, agency)


def _waiting(name: str, agency: Agency | None) -> StepState:
    return StepState(
        StepStatus.WAITING_FOR_AGENCY,
        {
            "nb": f"{name} får vite om flyttingen fra Folkeregisteret.",
            "nn": f"{name} får vite om flyttinga frå Folkeregisteret.",
            "en": f"{name} learns of the move from the National Population Register.",
        },
        agency=agency,
    )


def old_municipality(context: JourneyContext) -> StepState:
    facts = _facts(context)
    if facts.protected:
        return StepState(StepStatus.NOT_RELEVANT, PROTECTED_TEXT)
    if facts.fra_kommune is None:
        return StepState(
            StepStatus.NOT_RELEVANT,
            {
                "nb": "Du hadde ingen registrert bostedsadresse i en kommune før flyttingen.",
                "nn": "Du hadde inga registrert bustadadresse i ein kommune før flyttinga.",
                "en": "You had no registered address in a municipality before the move.",
            },
        )
    if facts.fra_kommune == facts.til_kommune:
        return StepState(StepStatus.NOT_RELEVANT, SAME_MUNICIPALITY_TEXT)
    found = _municipality(context, facts.fra_kommune)
    name, agency = (found.navn if found else "Kommunen"), _agency(found)
    read = context.released_since(
        formaal=TIDLIGERE_KOMMUNE.purpose, datasett=BASIS, since=facts.registered
    )
    if read is not None:
        return StepState(
            StepStatus.DONE_AUTOMATICALLY,
            {
                "nb": f"{name} har fått vite at du har flyttet. Du trenger ikke melde fra.",
                "nn": f"{name} har fått vite at du har flytta. Du treng ikkje melde frå.",
                "en": f"{name} has been told that you have moved. You need not tell it.",
            },
            reference=f"innsyn:{read.sekvensnummer}",
            agency=agency,
        )
    return _waiting(name, agency)


FLYTTE: Final = declare(
    LifeEvent(
        id="flytte",
        title={"nb": "Flytte", "nn": "Flytte", "en": "Moving"},
        description={
            "nb": "Hvem som får vite om flyttingen din, uten at du må si fra flere ganger.",
            "nn": "Kven som får vite om flyttinga di, utan at du må seie frå fleire gonger.",
            "en": "Who learns of your move, without you telling anyone twice.",
        },
        trigger_types=(event_type(ENDRING_I_BOSTEDSADRESSE),),
        date_field="flyttedato",
        followers=frozenset({"selv"}),
        repeatable=True,
        steps=(
            Step(
                id="folkeregisteret",
                title={
                    "nb": "Flyttingen registrert",
                    "nn": "Flyttinga registrert",
                    "en": "The move registered",
                },
                agency=SKATTEETATEN,
                kind="tjeneste",
                resolve=registered,
                law=LegalReference(f"{FOLKEREGISTERLOVEN}/KAPITTEL_6", "folkeregisterloven kap. 6"),
            ),
            Step(
                id="posten",
                title={
                    "nb": "Posten får ny adresse",
                    "nn": "Posten får ny adresse",
                    "en": "Posten gets the new address",
                },
                agency=Agency(POSTEN.orgnr, POSTEN.owner_name),
                kind="melding",
                resolve=posten,
                law=LegalReference(f"{FOLKEREGISTERLOVEN}/§10-1", "folkeregisterloven § 10-1"),
                after=("folkeregisteret",),
            ),
            Step(
                id="nav",
                title={
                    "nb": "NAV får ny adresse",
                    "nn": "NAV får ny adresse",
                    "en": "NAV gets the new address",
                },
                agency=Agency(NAV.orgnr, NAV.owner_name),
                kind="melding",
                resolve=nav,
                law=LegalReference(f"{FOLKEREGISTERLOVEN}/§10-1", "folkeregisterloven § 10-1"),
                after=("folkeregisteret",),
            ),
            Step(
                id="ny-kommune",
                title={
                    "nb": "Barnehage og skole i den nye kommunen",
                    "nn": "Barnehage og skule i den nye kommunen",
                    "en": "Kindergarten and school in the new municipality",
                },
                agency=NEW_MUNICIPALITY,
                kind="melding",
                resolve=new_municipality,
                law=LegalReference(f"{FOLKEREGISTERLOVEN}/§10-2", "folkeregisterloven § 10-2"),
                after=("folkeregisteret",),
            ),
            Step(
                id="tidligere-kommune",
                title={
                    "nb": "Kommunen du flyttet fra",
                    "nn": "Kommunen du flytta frå",
                    "en": "The municipality you moved from",
                },
                agency=OLD_MUNICIPALITY,
                kind="melding",
                resolve=old_municipality,
                law=LegalReference(f"{FOLKEREGISTERLOVEN}/§10-1", "folkeregisterloven § 10-1"),
                after=("folkeregisteret",),
            ),
        ),
    )
)
