"""Dødsfall og arv — death and inheritance: what follows a death in Folkeregisteret.

The journey is anchored on the deceased and followed by the surviving spouse and the
children (the deceased is the viewer's spouse or parent). Its steps: the heirs told by the
court, the deceased's benefits stopped by NAV, gravferdsstønad (NAV asks the spouse, or the
adult children, to apply when the rules say it may apply), the estate overview (in the
court's letter) and the choice of probate (the heir's task within 60 days, until they mark
the court's letter done in the mailbox; uskifte is offered to the spouse only). Every status
comes from the court's case, NAV's cases, the mailbox's letters and the registry when read.
"""

from __future__ import annotations

from typing import Final

from felles.journeys.context import JourneyContext
from felles.journeys.declaration import Agency, LifeEvent, Step, StepState, declare
from felles.journeys.status import StepStatus
from felles.journeys.texts import with_days
from felles.mailbox import events as post
from felles.registries.folkeregister.events import PERSON_ER_DOED, event_type
from felles.registries.folkeregister.model import Person
from felles.services.declaration import LegalReference
from felles.services.doedsfall import (
    ARVELOVEN,
    FOLKETRYGDLOVEN,
    GRAVFERD,
    SKIFTE,
    STANS,
    USKIFTE_LAW,
)
from felles.services.doedsfall.common import gravferd_key, skifte_deadline, skifte_key
from felles.services.doedsfall.gravferd import DEADLINE_PASSED, NOT_A_MEMBER, screen
from felles.services.doedsfall.ytelser import benefit_cases
from felles.services.states import SakStatus

TINGRETTEN: Final = Agency(SKIFTE.orgnr, SKIFTE.owner_name)
NAV: Final = Agency(STANS.orgnr, STANS.owner_name)


def _court_letter_state(context: JourneyContext) -> tuple[bool, str | None, bool]:
    """(the court has a case, the viewer's letter id, whether the viewer confirmed it)."""
    case = context.case(SKIFTE.id)
    letter = context.viewer_letter(SKIFTE.orgnr, skifte_key(context.journey.anchor, context.viewer))
    if letter is None:
        return case is not None, None, False
    return case is not None, letter.id, letter.status == post.CONFIRMED


def heirs_told(context: JourneyContext) -> StepState:
    case = context.case(SKIFTE.id)
    if case is None:
        return StepState(
            StepStatus.WAITING_FOR_AGENCY,
            {
                "nb": "Tingretten skriver til arvingene når dødsfallet er registrert.",
                "nn": "Tingretten skriv til arvingane når dødsfallet er registrert.",
                "en": "The court writes to the heirs once the death is registered.",
            },
        )
    return StepState(
        StepStatus.DONE_AUTOMATICALLY,
        {
            "nb": "Tingretten har skrevet til arvingene som er over 18 år.",
            "nn": "Tingretten har skrive til arvingane som er over 18 år.",
            "en": "The court has written to the heirs aged 18 or over.",
        },
        reference=f"sak:{case.id}",
    )


def benefits_stopped(context: JourneyContext) -> StepState:
    cases = benefit_cases(context.session, [context.journey.anchor])
    if not cases:
        return StepState(
            StepStatus.NOT_RELEVANT,
            {
                "nb": "Den avdøde hadde ingen ytelser fra NAV som måtte stanses.",
                "nn": "Den avdøde hadde ingen ytingar frå NAV som måtte stansast.",
                "en": "The deceased had no NAV benefits to stop.",
            },
        )
    if any(sak.status != SakStatus.AVSLUTTET.value for sak in cases):
        return StepState(
            StepStatus.WAITING_FOR_AGENCY,
            {
                "nb": "NAV stanser ytelsene til den avdøde. Du trenger ikke gjøre noe.",
                "nn": "NAV stansar ytingane til den avdøde. Du treng ikkje gjere noko.",
                "en": "NAV is stopping the benefits of the deceased. You need not do anything.",
            },
        )
    return StepState(
        StepStatus.DONE_AUTOMATICALLY,
        {
            "nb": "NAV har stanset ytelsene til den avdøde. Du trenger ikke melde fra.",
            "nn": "NAV har stansa ytingane til den avdøde. Du treng ikkje melde frå.",
            "en": "NAV has stopped the benefits of the deceased. You need not tell NAV.",
        },
    )


def gravferdsstoenad(context: JourneyContext) -> StepState:
    anchor = context.journey.anchor
    letter = context.viewer_letter(GRAVFERD.orgnr, gravferd_key(anchor, context.viewer))
    if letter is not None:
        if letter.status == post.CONFIRMED:
            return StepState(
                StepStatus.DONE,
                {
                    "nb": "Du har meldt at du har søkt om gravferdsstønad.",
                    "nn": "Du har meldt at du har søkt om gravferdsstønad.",
                    "en": "You have marked the funeral grant as applied for.",
                },
                reference=f"brev:{letter.id}",
            )
        deadline = letter.due.date() if letter.due is not None else None
        return StepState(
            StepStatus.YOUR_TASK,
            {
                "nb": "NAV har skrevet til deg: gravferdsstønad kan være aktuelt. Søk innen "
                "fristen i brevet.",
                "nn": "NAV har skrive til deg: gravferdsstønad kan vere aktuelt. Søk innan "
                "fristen i brevet.",
                "en": "NAV has written to you: a funeral grant may apply. Apply by the "
                "deadline in the letter.",
            },
            deadline=deadline,
            reference=f"brev:{letter.id}",
        )
    if context.letters_sent(GRAVFERD.orgnr, f"doedsfall-{anchor}-gravferdsstoenad-"):
        return StepState(
            StepStatus.NOT_RELEVANT,
            {
                "nb": "NAV har skrevet til ektefellen eller barna over 18 år om gravferdsstønad.",
                "nn": "NAV har skrive til ektefellen eller barna over 18 år om gravferdsstønad.",
                "en": "NAV has written to the spouse or the children aged 18 or over about the "
                "funeral grant.",
            },
        )
    person = context.anchor
    screening = screen(
        foedselsdato=person.foedselsdato if person else None,
        doedsdato=context.journey.event_date,
        resident=person is not None and person.kommunenummer is not None,
        today=context.today,
    )
    if screening.may_apply:
        return StepState(
            StepStatus.WAITING_FOR_AGENCY,
            {
                "nb": "NAV ser etter om gravferdsstønad kan være aktuelt.",
                "nn": "NAV ser etter om gravferdsstønad kan vere aktuelt.",
                "en": "NAV is checking whether a funeral grant may apply.",
            },
        )
    if screening.reason == NOT_A_MEMBER:
        why = {
            "nb": "Ikke aktuelt: den avdøde var ikke medlem av folketrygden (ikke bosatt i Norge).",
            "nn": "Ikkje aktuelt: den avdøde var ikkje medlem av folketrygda (ikkje busett i "
            "Noreg).",
            "en": "Not relevant: the deceased was not a member of the national insurance "
            "scheme (not resident in Norway).",
        }
    elif screening.reason == DEADLINE_PASSED and screening.deadline is not None:
        why = with_days(
            {
                "nb": "Ikke aktuelt lenger: fristen for å søke gikk ut {frist}.",
                "nn": "Ikkje aktuelt lenger: fristen for å søkje gjekk ut {frist}.",
                "en": "No longer relevant: the deadline to apply passed on {frist}.",
            },
            frist=screening.deadline,
        )
    else:
        why = {
            "nb": "Ikke aktuelt: NAV mangler opplysninger om dødsfallet.",
            "nn": "Ikkje aktuelt: NAV manglar opplysningar om dødsfallet.",
            "en": "Not relevant: NAV lacks information about the death.",
        }
    return StepState(StepStatus.NOT_RELEVANT, why)


def estate_overview(context: JourneyContext) -> StepState:
    has_case, letter_id, _ = _court_letter_state(context)
    if letter_id is not None:
        return StepState(
            StepStatus.DONE_AUTOMATICALLY,
            {
                "nb": "Oversikten over boet (eiendom, inntekt og formue) står i brevet fra "
                "tingretten.",
                "nn": "Oversikta over buet (eigedom, inntekt og formue) står i brevet frå "
                "tingretten.",
                "en": "The overview of the estate (property, income and wealth) is in the "
                "court's letter.",
            },
            reference=f"brev:{letter_id}",
        )
    if has_case:
        return StepState(
            StepStatus.NOT_RELEVANT,
            {
                "nb": "Oversikten er sendt til arvingene som er over 18 år.",
                "nn": "Oversikta er send til arvingane som er over 18 år.",
                "en": "The overview was sent to the heirs aged 18 or over.",
            },
        )
    return StepState(
        StepStatus.WAITING_FOR_AGENCY,
        {
            "nb": "Tingretten lager en oversikt over boet.",
            "nn": "Tingretten lagar ei oversikt over buet.",
            "en": "The court is preparing an overview of the estate.",
        },
    )


def _viewer_is_spouse(context: JourneyContext) -> bool:
    anchor = context.anchor
    if anchor is None or anchor.sivilstand_relatert_id is None:
        return False
    spouse = context.session.get(Person, anchor.sivilstand_relatert_id)
    return spouse is not None and spouse.ident == context.viewer


def choose_probate(context: JourneyContext) -> StepState:
    has_case, letter_id, confirmed = _court_letter_state(context)
    if letter_id is None:
        if has_case:
            return StepState(
                StepStatus.NOT_RELEVANT,
                {
                    "nb": "Arvingene som er over 18 år, velger skifte.",
                    "nn": "Arvingane som er over 18 år, vel skifte.",
                    "en": "The heirs aged 18 or over choose the form of probate.",
                },
            )
        return StepState(
            StepStatus.WAITING_FOR_AGENCY,
            {
                "nb": "Tingretten skriver til arvingene om skifte.",
                "nn": "Tingretten skriv til arvingane om skifte.",
                "en": "The court will write to the heirs about probate.",
            },
        )
    reference = f"brev:{letter_id}"
    if confirmed:
        return StepState(
            StepStatus.DONE,
            {
                "nb": "Du har meldt at valget av skifte er sendt til tingretten.",
                "nn": "Du har meldt at valet av skifte er sendt til tingretten.",
                "en": "You have marked your choice of probate as sent to the court.",
            },
            reference=reference,
        )
    deadline = skifte_deadline(context.journey.event_date)
    if _viewer_is_spouse(context):
        template = {
            "nb": "Velg privat eller offentlig skifte, eller uskifte, og meld det til "
            "tingretten innen {frist}.",
            "nn": "Vel privat eller offentleg skifte, eller uskifte, og meld det til "
            "tingretten innan {frist}.",
            "en": "Choose private or public probate, or undivided possession, and tell the "
            "court by {frist}.",
        }
    else:
        template = {
            "nb": "Velg privat eller offentlig skifte og meld det til tingretten innen {frist}.",
            "nn": "Vel privat eller offentleg skifte og meld det til tingretten innan {frist}.",
            "en": "Choose private or public probate and tell the court by {frist}.",
        }
    return StepState(
        StepStatus.YOUR_TASK,
        with_days(template, frist=deadline),
        deadline=deadline,
        reference=reference,
    )


DOEDSFALL_OG_ARV: Final = declare(
    LifeEvent(
        id="doedsfall-og-arv",
        title={"nb": "Dødsfall og arv", "nn": "Dødsfall og arv", "en": "Death and inheritance"},
        description={
            "nb": "Det som skjer når en ektefelle eller forelder dør, og det du som arving må "
            "gjøre.",
            "nn": "Det som skjer når ein ektefelle eller forelder døyr, og det du som arving må "
            "gjere.",
            "en": "What happens when a spouse or parent dies, and what you as an heir must do.",
        },
        trigger_types=(event_type(PERSON_ER_DOED),),
        date_field="doedsdato",
        followers=frozenset({"ektefelle", "mor", "far", "medmor"}),
        steps=(
            Step(
                id="arvinger-varslet",
                title={"nb": "Arvingene varslet", "nn": "Arvingane varsla", "en": "Heirs told"},
                agency=TINGRETTEN,
                kind="melding",
                resolve=heirs_told,
                law=LegalReference(ARVELOVEN, "arveloven"),
            ),
            Step(
                id="ytelser-stanset",
                title={
                    "nb": "Ytelser stanset",
                    "nn": "Ytingar stansa",
                    "en": "Benefits stopped",
                },
                agency=NAV,
                kind="tjeneste",
                resolve=benefits_stopped,
                law=LegalReference(f"{FOLKETRYGDLOVEN}/§22-12", "folketrygdloven § 22-12"),
            ),
            Step(
                id="gravferdsstoenad",
                title={"nb": "Gravferdsstønad", "nn": "Gravferdsstønad", "en": "Funeral grant"},
                agency=NAV,
                kind="tilbud",
                resolve=gravferdsstoenad,
                law=LegalReference(f"{FOLKETRYGDLOVEN}/§7-2", "folketrygdloven § 7-2"),
            ),
            Step(
                id="boets-oversikt",
                title={
                    "nb": "Oversikt over boet",
                    "nn": "Oversikt over buet",
                    "en": "Overview of the estate",
                },
                agency=TINGRETTEN,
                kind="melding",
                resolve=estate_overview,
                law=LegalReference(ARVELOVEN, "arveloven"),
                after=("arvinger-varslet",),
            ),
            Step(
                id="skifte",
                title={"nb": "Velg skifte", "nn": "Vel skifte", "en": "Choose probate"},
                agency=TINGRETTEN,
                kind="oppgave",
                resolve=choose_probate,
                law=USKIFTE_LAW,
                after=("boets-oversikt",),
            ),
        ),
    )
)
