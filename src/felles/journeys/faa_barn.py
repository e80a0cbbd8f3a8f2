"""Få barn — having a child: what follows a birth in Folkeregisteret.

The journey is anchored on the child and followed by the child's parents. Its steps:
barnetrygd (NAV, without an application), foreldrepenger or engangsstønad (the mother's task:
NAV's prefilled application, ``services.foedsel.foreldrepenger``), the helsestasjon told
(the municipality's fødselsmelding, ``services.foedsel.helsestasjon``), the child's name (the
parents' task, within six months) and kontantstøtte (NAV's offer on the day the age window
opens, ``services.foedsel.kontantstoette``).
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
from felles.mailbox import events as post
from felles.registries.folkeregister.events import ENDRING_I_FOEDSEL, event_type
from felles.services.barnetrygd import SERVICE as BARNETRYGD
from felles.services.declaration import LegalReference
from felles.services.foedsel import (
    FORELDREPENGER,
    HELSESTASJON,
    HELSESTASJON_FORSKRIFT,
    KONTANTSTOETTE,
)
from felles.services.foedsel.births import foreldrepenger_key, helsestasjon_key
from felles.services.foedsel.kontantstoette import kontantstoette_window, offer_key
from felles.services.states import SakStatus

NAV: Final = Agency(BARNETRYGD.orgnr, BARNETRYGD.owner_name)
SKATTEETATEN: Final = Agency("974761076", "Skatteetaten")
#: Every municipality's step: a done state names the one told, unless the child is protected.
MUNICIPALITY: Final = Agency(None, "Kommunen der barnet bor")
#: navneloven § 2: a child's name is to be reported within six months of the birth.
NAME_MONTHS: Final = 6
#: folketrygdloven § 22-13: engangsstønad is claimed within six months of the birth, the
#: latest deadline NAV's letter gives; without a letter by then the step stops waiting.
CLAIM_MONTHS: Final = 6
#: The helsestasjon's home visit comes in the first weeks after the birth (the national
#: guideline's 7–10 days, unverified); six weeks on, a notice that never came is not awaited.
HOME_VISIT_WINDOW: Final = timedelta(weeks=6)


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when that month is shorter)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


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


BENEFIT_NAMES: Final = {
    "foreldrepenger": {"nb": "foreldrepenger", "nn": "foreldrepengar", "en": "parental benefit"},
    "engangsstoenad": {"nb": "engangsstønad", "nn": "eingongsstønad", "en": "the lump-sum grant"},
}


def foreldrepenger(context: JourneyContext) -> StepState:
    """The mother's task from NAV's letter until she marks it done; the other parent sees why
    it is not his (without which benefit: that rests on the mother's income)."""
    key = foreldrepenger_key(context.journey.anchor)
    letter = context.viewer_letter(FORELDREPENGER.orgnr, key)
    if letter is not None:
        names = BENEFIT_NAMES.get(letter.senders_reference or "", BENEFIT_NAMES["engangsstoenad"])
        reference = f"brev:{letter.id}"
        if letter.status == post.CONFIRMED:
            return StepState(
                StepStatus.DONE,
                {
                    "nb": f"Du har meldt at du har søkt om {names['nb']}.",
                    "nn": f"Du har meldt at du har søkt om {names['nn']}.",
                    "en": f"You have marked {names['en']} as applied for.",
                },
                reference=reference,
            )
        deadline = letter.due.date() if letter.due is not None else None
        if deadline is not None and context.today > deadline:
            # Past the letter's deadline the task is no longer the journey's to chase.
            return StepState(
                StepStatus.NOT_RELEVANT,
                with_days(
                    {
                        "nb": "Fristen i brevet fra NAV gikk ut {frist}. Kontakt NAV hvis du "
                        "ikke har søkt.",
                        "nn": "Fristen i brevet frå NAV gjekk ut {frist}. Kontakt NAV viss du "
                        "ikkje har søkt.",
                        "en": "The deadline in NAV's letter passed on {frist}. Contact NAV if "
                        "you have not applied.",
                    },
                    frist=deadline,
                ),
                reference=reference,
            )
        texts = {
            "nb": f"Søk om {names['nb']}. NAV har fylt ut søknaden på forhånd",
            "nn": f"Søk om {names['nn']}. NAV har fylt ut søknaden på førehand",
            "en": f"Apply for {names['en']}. NAV has filled in the application already",
        }
        if deadline is not None:
            texts = with_days(
                {
                    "nb": texts["nb"] + "; søk innen {frist}.",
                    "nn": texts["nn"] + "; søk innan {frist}.",
                    "en": texts["en"] + "; apply by {frist}.",
                },
                frist=deadline,
            )
        return StepState(StepStatus.YOUR_TASK, texts, deadline=deadline, reference=reference)
    if context.letters_sent(FORELDREPENGER.orgnr, key):
        return StepState(
            StepStatus.NOT_RELEVANT,
            {
                "nb": "NAV har bedt mor søke. Skal du som far eller medmor ha permisjon, søker "
                "du selv om din del av foreldrepengene.",
                "nn": "NAV har bede mor søkje. Skal du som far eller medmor ha permisjon, søkjer "
                "du sjølv om din del av foreldrepengane.",
                "en": "NAV has asked the mother to apply. If you as father or co-mother take "
                "leave, you apply for your own share of parental benefit.",
            },
        )
    if context.today > _add_months(context.journey.event_date, CLAIM_MONTHS):
        # NAV never wrote (no mother it could read, or the service did not run): the journey
        # must not wait for it forever.
        return StepState(
            StepStatus.NOT_RELEVANT,
            {
                "nb": "NAV har ikke bedt om søknad. Kontakt NAV hvis du mener mor har rett til "
                "foreldrepenger eller engangsstønad.",
                "nn": "NAV har ikkje bede om søknad. Kontakt NAV viss du meiner mor har rett til "
                "foreldrepengar eller eingongsstønad.",
                "en": "NAV has not asked for an application. Contact NAV if you think the mother "
                "is entitled to parental benefit or the lump-sum grant.",
            },
        )
    return StepState(
        StepStatus.WAITING_FOR_AGENCY,
        {
            "nb": "NAV ser etter om mor har rett til foreldrepenger eller engangsstønad, og "
            "sender henne en søknad som er fylt ut på forhånd.",
            "nn": "NAV ser etter om mor har rett til foreldrepengar eller eingongsstønad, og "
            "sender henne ein søknad som er fylt ut på førehand.",
            "en": "NAV is checking whether the mother is entitled to parental benefit or the "
            "lump-sum grant, and will send her an application filled in already.",
        },
    )


def helsestasjon(context: JourneyContext) -> StepState:
    """Done when the municipality's fødselsmelding exists. The municipality is named from the
    letter's sender, except for a protected child: where it lives is not for every follower."""
    key = helsestasjon_key(context.journey.anchor)
    letter = context.sent_letter(HELSESTASJON.id, key)
    if letter is None and context.today > context.journey.event_date + HOME_VISIT_WINDOW:
        # No municipality to tell (none in Enhetsregisteret for the child's home, or no home
        # registered): past the home-visit window the journey stops waiting for it.
        return StepState(
            StepStatus.NOT_RELEVANT,
            {
                "nb": "Kommunen har ikke fått melding om fødselen. Kontakt helsestasjonen der "
                "dere bor.",
                "nn": "Kommunen har ikkje fått melding om fødselen. Kontakt helsestasjonen der "
                "de bur.",
                "en": "The municipality has not been told of the birth. Contact the child "
                "health centre where you live.",
            },
        )
    if letter is None:
        return StepState(
            StepStatus.WAITING_FOR_AGENCY,
            {
                "nb": "Helsestasjonen i kommunen der barnet bor, får beskjed om fødselen.",
                "nn": "Helsestasjonen i kommunen der barnet bur, får beskjed om fødselen.",
                "en": "The child health centre in the municipality where the child lives will "
                "be told of the birth.",
            },
        )
    child = context.anchor
    protected = child is None or child.adressebeskyttelse != "ugradert"
    kommune = None if protected else letter.message_sender
    where = (
        {"nb": kommune, "nn": kommune, "en": kommune}
        if kommune
        else {
            "nb": "kommunen der barnet bor",
            "nn": "kommunen der barnet bur",
            "en": "the municipality where the child lives",
        }
    )
    return StepState(
        StepStatus.DONE_AUTOMATICALLY,
        {
            "nb": f"Helsestasjonen i {where['nb']} har fått beskjed og tar kontakt om hjemmebesøk.",
            "nn": f"Helsestasjonen i {where['nn']} har fått beskjed og tek kontakt om heimebesøk.",
            "en": f"The child health centre in {where['en']} has been told and will contact "
            "you about a home visit.",
        },
        agency=Agency(letter.recipient, kommune) if kommune else None,
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


def kontantstoette(context: JourneyContext) -> StepState:
    """Coming later until the window opens; then the task from NAV's offer (its letter, to the
    parent NAV pays barnetrygd to: ``services.foedsel.kontantstoette``), or — for a child NAV
    has no barnetrygd case for, e.g. the synthetic base population — the same task in words.
    The other parent sees that NAV wrote to the one who gets barnetrygd."""
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
    key = offer_key(context.journey.anchor)
    letter = context.viewer_letter(KONTANTSTOETTE.orgnr, key)
    if letter is not None and letter.status == post.CONFIRMED:
        return StepState(
            StepStatus.DONE,
            {
                "nb": "Du har meldt at du har søkt om kontantstøtte.",
                "nn": "Du har meldt at du har søkt om kontantstøtte.",
                "en": "You have marked cash-for-care benefit as applied for.",
            },
            reference=f"brev:{letter.id}",
        )
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
    if context.today <= closes and letter is not None:
        return StepState(
            StepStatus.YOUR_TASK,
            with_days(
                {
                    "nb": "NAV har skrevet til deg: barnet kan ha rett til kontantstøtte fra "
                    "{fra} til {til} hvis det ikke har heltidsplass i barnehage. Søk innen {til}.",
                    "nn": "NAV har skrive til deg: barnet kan ha rett til kontantstøtte frå "
                    "{fra} til {til} viss det ikkje har heiltidsplass i barnehage. Søk innan "
                    "{til}.",
                    "en": "NAV has written to you: the child may be entitled to cash-for-care "
                    "benefit from {fra} to {til} if it has no full-time kindergarten place. "
                    "Apply by {til}.",
                },
                fra=opens,
                til=closes,
            ),
            deadline=closes,
            reference=f"brev:{letter.id}",
        )
    if context.today <= closes and context.letters_sent(KONTANTSTOETTE.orgnr, key):
        return StepState(
            StepStatus.NOT_RELEVANT,
            {
                "nb": "NAV har skrevet til den av dere som får barnetrygd for barnet, om å søke "
                "kontantstøtte.",
                "nn": "NAV har skrive til den av dykk som får barnetrygd for barnet, om å søkje "
                "kontantstøtte.",
                "en": "NAV has written to the parent who receives child benefit for the child "
                "about applying for cash-for-care benefit.",
            },
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
                id="foreldrepenger",
                title={
                    "nb": "Foreldrepenger eller engangsstønad",
                    "nn": "Foreldrepengar eller eingongsstønad",
                    "en": "Parental benefit or lump-sum grant",
                },
                agency=NAV,
                kind="oppgave",
                resolve=foreldrepenger,
                law=LegalReference(
                    "https://lovdata.no/lov/1997-02-28-19/KAPITTEL_14",
                    "folketrygdloven kapittel 14",
                ),
            ),
            Step(
                id="helsestasjon",
                title={"nb": "Helsestasjonen", "nn": "Helsestasjonen", "en": "Child health centre"},
                agency=MUNICIPALITY,
                kind="melding",
                resolve=helsestasjon,
                law=LegalReference(
                    HELSESTASJON_FORSKRIFT, "forskrift om helsestasjons- og skolehelsetjenesten"
                ),
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
                # NAV offers it to the parent it pays barnetrygd to.
                after=("barnetrygd",),
            ),
        ),
    )
)
