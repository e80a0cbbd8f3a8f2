"""Fødsel: what the helsestasjon and NAV do when a child is born (issue 8, Få barn).

Two declared services, each a bus consumer on Folkeregisteret's ``endringIFoedsel``
(``consumers``),

* ``foedsel-helsestasjon`` — the child's home municipality is told of the birth: its
  helsestasjon reads the child and the parents through the distributor (purpose
  ``helsestasjon``) and gets a *fødselsmelding* in the municipality's own inbox, to offer the
  home visit (``helsestasjon``);
* ``foedsel-foreldrepenger`` — NAV finds out with the rules whether the mother meets the
  earning requirement for foreldrepenger or is left with engangsstønad, and sends her the
  application as a task, prefilled with what the public sector already knows
  (``foreldrepenger``).

and one started by the day, not by an event (a daily job, ``felles.kernel.schedule``):

* ``kontantstoette-tilbud`` — on the day a child's kontantstøtte window opens (13 months,
  kontantstøtteloven § 8), NAV offers it to the parent it pays barnetrygd to: the children
  come from NAV's own barnetrygd cases, the distributor confirms each is alive and gives its
  birth date (purpose ``kontantstoette``), and the parent gets a task letter
  (``kontantstoette``).

None opens a case: the helsestasjon decides nothing, and NAV decides nothing until the
parent applies (her claim is what starts a case; the claim itself is not modelled). As in
``services/flytting``, the municipal service is every municipality's (owner
``MUNICIPALITIES``, no one organisation number) and run as the municipality of the child's
home.
"""

from __future__ import annotations

from typing import Final

from felles.registries.folkeregister.events import ENDRING_I_FOEDSEL, event_type
from felles.services.declaration import (
    MUNICIPALITIES,
    DataNeed,
    LegalReference,
    PublicService,
    Trigger,
    declare,
)

BORN: Final = event_type(ENDRING_I_FOEDSEL)
NAV_ORGNR: Final = "889640782"
NAV_NAME: Final = "Arbeids- og velferdsetaten (NAV)"
BASIS: Final = "folkeregister.person.basis"
FAMILIE: Final = "folkeregister.familie"
KRR: Final = "krr.kontakt"
ARBEIDSFORHOLD: Final = "arbeid.arbeidsforhold"
INNTEKT: Final = "arbeid.inntekt.siste-36-mnd"
SCOPES: Final = frozenset({"felles:datafordeler"})
FOLKETRYGDLOVEN: Final = "https://lovdata.no/lov/1997-02-28-19"
HELSESTASJON_FORSKRIFT: Final = "https://lovdata.no/forskrift/2018-10-19-1584"
#: folketrygdloven § 22-13: engangsstønad is claimed within six months of the birth
#: (benefits.md; not checked against lovdata.no, which could not be reached).
ENGANGSSTOENAD_MONTHS: Final = 6
ENGANGSSTOENAD_DEADLINE_LAW: Final = LegalReference(
    f"{FOLKETRYGDLOVEN}/§22-13", "folketrygdloven § 22-13"
)
#: folketrygdloven § 22-13 third paragraph: foreldrepenger are paid for at most three months
#: before the month the claim is made, so the mother is asked to apply within three months of
#: the birth (her mødrekvote runs from the birth) — UNVERIFIED: neither the rules' parameters
#: nor benefits.md give this deadline, and lovdata.no could not be reached.
FORELDREPENGER_MONTHS: Final = 3
FORELDREPENGER_DEADLINE_LAW: Final = LegalReference(
    f"{FOLKETRYGDLOVEN}/§22-13", "folketrygdloven § 22-13 tredje ledd"
)
KONTANTSTOETTELOVEN: Final = "https://lovdata.no/lov/1998-06-26-41"

HELSESTASJON: Final = declare(
    PublicService(
        id="foedsel-helsestasjon",
        title={
            "nb": "Fødselsmelding til helsestasjonen",
            "nn": "Fødselsmelding til helsestasjonen",
            "en": "Birth notice to the child health centre",
        },
        description={
            "nb": "Når et barn blir født, får helsestasjonen i kommunen der barnet bor beskjed, "
            "så den kan tilby hjemmebesøk.",
            "nn": "Når eit barn blir fødd, får helsestasjonen i kommunen der barnet bur beskjed, "
            "så han kan tilby heimebesøk.",
            "en": "When a child is born, the child health centre in the municipality where the "
            "child lives is told, so it can offer a home visit.",
        },
        owner_orgnr=None,
        owner_orgform=MUNICIPALITIES,
        owner_name="Kommunen der barnet bor",
        legal_basis=(
            LegalReference(
                HELSESTASJON_FORSKRIFT,
                "forskrift om helsestasjons- og skolehelsetjenesten",
            ),
            LegalReference(
                "https://lovdata.no/lov/2011-06-24-30/§3-2", "helse- og omsorgstjenesteloven § 3-2"
            ),
        ),
        life_events=("faa-barn",),
        trigger=Trigger(event_types=(BORN,)),
        purpose="helsestasjon",
        scopes=SCOPES,
        data=(
            DataNeed(BASIS, ("navn", "foedselsdato", "status", "adressebeskyttelse"), about="barn"),
            DataNeed(BASIS, ("bostedsadresse",), about="barn"),  # only for an unprotected child
            DataNeed(FAMILIE, ("familierelasjon",), about="barn"),
            DataNeed(BASIS, ("navn", "adressebeskyttelse"), about="forelder"),
            DataNeed(KRR, ("epostadresse", "mobiltelefonnummer", "reservasjon"), about="forelder"),
        ),
        rules=(),
        produces=("brev",),
    )
)

FORELDREPENGER: Final = declare(
    PublicService(
        id="foedsel-foreldrepenger",
        title={
            "nb": "Foreldrepenger eller engangsstønad ved fødsel",
            "nn": "Foreldrepengar eller eingongsstønad ved fødsel",
            "en": "Parental benefit or lump-sum grant at birth",
        },
        description={
            "nb": "Når et barn blir født, ser NAV etter om mor har rett til foreldrepenger eller "
            "engangsstønad, og sender henne en søknad som er fylt ut på forhånd.",
            "nn": "Når eit barn blir fødd, ser NAV etter om mor har rett til foreldrepengar eller "
            "eingongsstønad, og sender henne ein søknad som er fylt ut på førehand.",
            "en": "When a child is born, NAV checks whether the mother is entitled to parental "
            "benefit or the lump-sum grant, and sends her an application filled in in advance.",
        },
        owner_orgnr=NAV_ORGNR,
        owner_name=NAV_NAME,
        legal_basis=(
            LegalReference(f"{FOLKETRYGDLOVEN}/§14-6", "folketrygdloven § 14-6"),
            LegalReference(f"{FOLKETRYGDLOVEN}/§14-17", "folketrygdloven § 14-17"),
            ENGANGSSTOENAD_DEADLINE_LAW,
        ),
        life_events=("faa-barn",),
        trigger=Trigger(event_types=(BORN,)),
        purpose="foreldrepenger",  # engangsstønad's form is read for ``engangsstoenad``
        scopes=SCOPES,
        data=(
            DataNeed(FAMILIE, ("familierelasjon",), about="barn"),
            DataNeed(BASIS, ("navn", "foedselsdato", "status", "statsborgerskap"), about="mor"),
            DataNeed(FAMILIE, ("sivilstand",), about="mor"),
            DataNeed(INNTEKT, ("inntekt",), about="mor"),
            DataNeed(ARBEIDSFORHOLD, ("arbeidsforhold",), about="mor"),
        ),
        rules=("foreldrepenger_rett", "engangsstoenad_rett", "engangsstoenad"),
        produces=("brev", "oppgave-til-personen"),
        tema="FOR",
    )
)

KONTANTSTOETTE: Final = declare(
    PublicService(
        id="kontantstoette-tilbud",
        title={
            "nb": "Kontantstøtte tilbys når barnet når alderen",
            "nn": "Kontantstøtte blir tilboden når barnet når alderen",
            "en": "Cash-for-care benefit offered when the child reaches the age",
        },
        description={
            "nb": "Den dagen barnet når alderen det gis kontantstøtte for, skriver NAV til den "
            "som får barnetrygd for barnet, og forteller hvordan man søker.",
            "nn": "Den dagen barnet når alderen det blir gitt kontantstøtte for, skriv NAV til "
            "den som får barnetrygd for barnet, og fortel korleis ein søkjer.",
            "en": "On the day the child reaches the age cash-for-care benefit is paid for, NAV "
            "writes to the parent who receives child benefit for the child and says how to "
            "apply.",
        },
        owner_orgnr=NAV_ORGNR,
        owner_name=NAV_NAME,
        legal_basis=(
            LegalReference(f"{KONTANTSTOETTELOVEN}/§7", "kontantstøtteloven § 7"),
            LegalReference(f"{KONTANTSTOETTELOVEN}/§8", "kontantstøtteloven § 8"),
        ),
        life_events=("faa-barn",),
        trigger=Trigger(event_types=(), daily=True),
        purpose="kontantstoette",
        scopes=SCOPES,
        data=(DataNeed(BASIS, ("foedselsdato", "status"), about="barn"),),
        rules=(),  # the window and the rate are the rules' parameters (kontantstoetteloven)
        produces=("brev", "oppgave-til-personen"),
        tema="KON",
    )
)
