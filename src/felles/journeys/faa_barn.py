"""Få barn — having a child: what follows a birth in Folkeregisteret.

The journey is anchored on the child and followed by the child's parents. Its steps so far:
barnetrygd (NAV, without an application), the child's name (the parents' task, within six
months) and kontantstøtte (offered in the age window). Helsestasjon, engangsstønad and
foreldrepenger join when their services exist (issue 8).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from typing import Final

from openfisca_core.errors import ParameterNotFoundError

from felles.journeys.context import JourneyContext
from felles.journeys.declaration import Agency, LifeEvent, Step, StepState, declare
from felles.journeys.status import StepStatus
from felles.journeys.texts import with_days
from felles.registries.folkeregister.events import ENDRING_I_FOEDSEL, event_type
from felles.rules.system import tax_benefit_system
from felles.services.barnetrygd import SERVICE as BARNETRYGD
from felles.services.declaration import LegalReference
from felles.services.states import SakStatus

NAV: Final = Agency(BARNETRYGD.owner_orgnr, BARNETRYGD.owner_name)
SKATTEETATEN: Final = Agency("974761076", "Skatteetaten")
#: navneloven § 2: a child's name is to be reported within six months of the birth.
NAME_MONTHS: Final = 6


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when that month is shorter)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


def _month_start(day: date, months_after: int) -> date:
    index = day.year * 12 + day.month - 1 + months_after
    return date(index // 12, index % 12 + 1, 1)


def barnetrygd(context: JourneyContext) -> StepState:
    sak = context.case(BARNETRYGD.id)
    if sak is None:
        return StepState(
            StepStatus.WAITING_FOR_AGENCY,
            {
                "nb": "NAV behandler barnetrygden når fødselen er registrert. "
                "Du trenger ikke søke.",
                "nn": "NAV handsamar barnetrygda når fødselen er registrert. Du treng ikkje søkje.",
                "en": "NAV handles child benefit once the birth is registered. "
                "You do not need to apply.",
            },
        )
    reference = f"sak:{sak.id}"
    status = SakStatus(sak.status)
    if status in (SakStatus.VEDTATT, SakStatus.AVSLUTTET):
        automatic = sak.manual_reason is None
        return StepState(
            StepStatus.DONE_AUTOMATICALLY if automatic else StepStatus.DONE,
            {
                "nb": "NAV har innvilget barnetrygd. Vedtaket finner du under Saker og vedtak.",
                "nn": "NAV har innvilga barnetrygd. Vedtaket finn du under Saker og vedtak.",
                "en": "NAV has granted child benefit. The decision is under Cases and decisions.",
            },
            reference=reference,
        )
    if status is SakStatus.AVSLAATT:
        return StepState(
            StepStatus.DONE,
            {
                "nb": "NAV har avslått barnetrygd. Vedtaket sier hvorfor og hvordan du klager.",
                "nn": "NAV har avslått barnetrygd. Vedtaket seier kvifor og korleis du klagar.",
                "en": "NAV has refused child benefit. The decision says why and how to appeal.",
            },
            reference=reference,
        )
    return StepState(
        StepStatus.WAITING_FOR_AGENCY,
        {
            "nb": "En saksbehandler i NAV ser på saken. Du trenger ikke gjøre noe nå.",
            "nn": "Ein sakshandsamar i NAV ser på saka. Du treng ikkje gjere noko no.",
            "en": "A caseworker at NAV is looking at the case. You need not do anything now.",
        },
        reference=reference,
    )


def name(context: JourneyContext) -> StepState:
    child = context.anchor
    if child is not None and child.fornavn:
        return StepState(
            StepStatus.DONE,
            {
                "nb": "Barnets navn er registrert i Folkeregisteret.",
                "nn": "Namnet til barnet er registrert i Folkeregisteret.",
                "en": "The child's name is registered in the National Population Register.",
            },
        )
    deadline = _add_months(context.journey.event_date, NAME_MONTHS)
    return StepState(
        StepStatus.YOUR_TASK,
        with_days(
            {
                "nb": "Meld barnets navn til Skatteetaten innen {frist}.",
                "nn": "Meld namnet til barnet til Skatteetaten innan {frist}.",
                "en": "Report the child's name to the Tax Administration by {frist}.",
            },
            frist=deadline,
        ),
        deadline=deadline,
    )


OLDER_THAN_THE_WINDOW: Final = {
    "nb": "Barnet er eldre enn alderen kontantstøtte gis for.",
    "nn": "Barnet er eldre enn alderen kontantstøtte blir gitt for.",
    "en": "The child is older than the age cash-for-care benefit is paid for.",
}


def kontantstoette_window(born: date) -> tuple[date, date]:
    """The first and last day of the months kontantstøtte is paid for, by the rules in force
    when the window opens (kontantstøtteloven § 8; age in calendar months, 0 in the birth
    month, as the rules' ``alder_maaneder``)."""
    first = tax_benefit_system().get_parameters_at_instant(born.isoformat())
    window = first.kontantstoetteloven.barnets_alder
    opens = _month_start(born, int(window.forste_maaned))
    rules = tax_benefit_system().get_parameters_at_instant(opens.isoformat())
    last = int(rules.kontantstoetteloven.barnets_alder.siste_maaned)
    closes = _month_start(born, last + 1) - timedelta(days=1)
    return opens, closes


def kontantstoette(context: JourneyContext) -> StepState:
    child = context.anchor
    born = context.journey.event_date
    if child is not None and child.doedsdato is not None:
        return StepState(
            StepStatus.NOT_RELEVANT,
            {"nb": "Ikke aktuelt.", "nn": "Ikkje aktuelt.", "en": "Not relevant."},
        )
    try:
        opens, closes = kontantstoette_window(born)
    except ParameterNotFoundError:
        # The rules are modelled from 2021: a child born before the window could open then
        # is past it today (and any journey for it was opened by a late registration).
        return StepState(StepStatus.NOT_RELEVANT, OLDER_THAN_THE_WINDOW)
    if context.today < opens:
        return StepState(
            StepStatus.LATER,
            with_days(
                {
                    "nb": "Kan bli aktuelt fra {fra} hvis barnet ikke har heltidsplass i "
                    "barnehage.",
                    "nn": "Kan bli aktuelt frå {fra} viss barnet ikkje har heiltidsplass i "
                    "barnehage.",
                    "en": "May apply from {fra} if the child has no full-time kindergarten place.",
                },
                fra=opens,
            ),
            from_day=opens,
        )
    if context.today <= closes:
        return StepState(
            StepStatus.YOUR_TASK,
            with_days(
                {
                    "nb": "Søk kontantstøtte hvis barnet ikke har heltidsplass i barnehage. "
                    "Den gis til og med {til}.",
                    "nn": "Søk kontantstøtte viss barnet ikkje har heiltidsplass i barnehage. "
                    "Ho blir gitt til og med {til}.",
                    "en": "Apply for cash-for-care benefit if the child has no full-time "
                    "kindergarten place. It is paid up to and including {til}.",
                },
                til=closes,
            ),
            deadline=closes,
        )
    return StepState(StepStatus.NOT_RELEVANT, OLDER_THAN_THE_WINDOW)


FAA_BARN: Final = declare(
    LifeEvent(
        id="faa-barn",
        title={"nb": "Få barn", "nn": "Få barn", "en": "Having a child"},
        description={
            "nb": "Det som skjer når et barn blir født, og det dere som foreldre må gjøre.",
            "nn": "Det som skjer når eit barn blir fødd, og det de som foreldre må gjere.",
            "en": "What happens when a child is born, and what you as parents must do.",
        },
        trigger_types=(event_type(ENDRING_I_FOEDSEL),),
        date_field="foedselsdato",
        followers=frozenset({"barn"}),
        steps=(
            Step(
                id="barnetrygd",
                title={"nb": "Barnetrygd", "nn": "Barnetrygd", "en": "Child benefit"},
                agency=NAV,
                kind="tjeneste",
                resolve=barnetrygd,
                law=LegalReference("https://lovdata.no/lov/2002-03-08-4", "barnetrygdloven"),
            ),
            Step(
                id="navn",
                title={"nb": "Barnets navn", "nn": "Namnet til barnet", "en": "The child's name"},
                agency=SKATTEETATEN,
                kind="oppgave",
                resolve=name,
                law=LegalReference("https://lovdata.no/lov/2002-06-07-19/§2", "navneloven § 2"),
            ),
            Step(
                id="kontantstoette",
                title={"nb": "Kontantstøtte", "nn": "Kontantstøtte", "en": "Cash-for-care benefit"},
                agency=NAV,
                kind="tilbud",
                resolve=kontantstoette,
                law=LegalReference(
                    "https://lovdata.no/lov/1998-06-26-41/§8", "kontantstøtteloven § 8"
                ),
            ),
        ),
    )
)
