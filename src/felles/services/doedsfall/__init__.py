"""Dødsfall og arv: what follows a death registered in Folkeregisteret (issue 8).

Three declared services, each a bus consumer on Folkeregisteret's ``personErDoed`` (the
registry emits ``endringIDoedsfall`` with it; only one is a trigger, so nothing is done twice):

* ``doedsfall-skifte`` — the probate court (Oslo tingrett stands for every court: a
  simplification) finds the heirs, reads the estate overview and gives each adult heir the
  task of choosing how the estate is settled (``skifte``);
* ``doedsfall-stans-ytelser`` — NAV closes the deceased's benefit cases (``ytelser``);
* ``doedsfall-gravferdsstoenad`` — NAV checks gravferdsstønad with the rules and tells the
  spouse, or the adult children, to apply (``gravferd``).
"""

from __future__ import annotations

from typing import Final

from felles.registries.folkeregister.events import PERSON_ER_DOED, event_type
from felles.services.declaration import DataNeed, LegalReference, PublicService, Trigger, declare

TRIGGER: Final = event_type(PERSON_ER_DOED)
#: The court in felles: Oslo tingrett (in Enhetsregisteret's seed) stands for every court.
TINGRETT_ORGNR: Final = "393000201"
TINGRETT_NAME: Final = "Oslo tingrett"
NAV_ORGNR: Final = "889640782"
NAV_NAME: Final = "Arbeids- og velferdsetaten (NAV)"
ARVELOVEN: Final = "https://lovdata.no/lov/2019-06-14-21"
FOLKETRYGDLOVEN: Final = "https://lovdata.no/lov/1997-02-28-19"
#: arveloven § 19: a spouse who wants uskifte tells the court within 60 days of the death
#: (arveloven 2019-06-14-21 replaced skifteloven 1930-02-21-1 on 2021-01-01, so the
#: deadline is cited from arveloven). The heirs' 60 days to take over the estate for privat
#: skifte before the court may open offentlig skifte are arveloven's too (that section is
#: unverified: lovdata.no could not be reached when this was written; § 19 was checked
#: against a copy of its text).
SKIFTE_DAYS: Final = 60
USKIFTE_LAW: Final = LegalReference(f"{ARVELOVEN}/§19", "arveloven § 19")
#: folketrygdloven § 22-13: gravferdsstønad is claimed within six months of the death
#: (unverified against lovdata.no, as § 22-12 for benefits stopping at death below).
GRAVFERD_MONTHS: Final = 6
GRAVFERD_DEADLINE_LAW: Final = LegalReference(
    f"{FOLKETRYGDLOVEN}/§22-13", "folketrygdloven § 22-13"
)
#: The fields the court uses (data minimisation): the deceased's, then each heir's.
AVDOEDE_FIELDS: Final = ("navn", "status", "doedsfall")
ARVING_FIELDS: Final = ("navn", "foedselsdato", "status")

SKIFTE: Final = declare(
    PublicService(
        id="doedsfall-skifte",
        title={
            "nb": "Melding til arvinger og valg av skifte",
            "nn": "Melding til arvingar og val av skifte",
            "en": "Notice to heirs and choice of probate",
        },
        description={
            "nb": "Når noen dør, skriver tingretten til arvingene med en oversikt over boet og "
            "ber dem velge privat eller offentlig skifte, eller uskifte for ektefellen.",
            "nn": "Når nokon døyr, skriv tingretten til arvingane med ei oversikt over buet og "
            "ber dei velje privat eller offentleg skifte, eller uskifte for ektefellen.",
            "en": "When someone dies, the court writes to the heirs with an overview of the "
            "estate and asks them to choose private or public probate, or undivided "
            "possession for the spouse.",
        },
        owner_orgnr=TINGRETT_ORGNR,
        owner_name=TINGRETT_NAME,
        legal_basis=(
            LegalReference(ARVELOVEN, "arveloven"),
            USKIFTE_LAW,
        ),
        life_events=("doedsfall-og-arv",),
        trigger=Trigger(event_types=(TRIGGER,)),
        purpose="skifte",
        scopes=frozenset({"felles:datafordeler"}),
        data=(
            DataNeed("folkeregister.person.basis", AVDOEDE_FIELDS, about="avdoede"),
            DataNeed("folkeregister.familie", ("sivilstand", "familierelasjon"), about="avdoede"),
            DataNeed("eiendom.eierskap", ("eiendommer",), about="avdoede"),
            DataNeed(
                "skatt.skatteoppgjoer.sammendrag", ("inntekt", "formue", "gjeld"), about="avdoede"
            ),
            DataNeed("folkeregister.person.basis", ARVING_FIELDS, about="arving"),
        ),
        rules=(),
        produces=("brev", "oppgave-til-personen"),
        tema="SKI",
    )
)

STANS: Final = declare(
    PublicService(
        id="doedsfall-stans-ytelser",
        title={
            "nb": "Stans av ytelser ved dødsfall",
            "nn": "Stans av ytingar ved dødsfall",
            "en": "Benefits stopped at death",
        },
        description={
            "nb": "Når noen dør, avslutter NAV sakene om ytelser til eller for den avdøde.",
            "nn": "Når nokon døyr, avsluttar NAV sakene om ytingar til eller for den avdøde.",
            "en": "When someone dies, NAV closes the cases of benefits paid to or for them.",
        },
        owner_orgnr=NAV_ORGNR,
        owner_name=NAV_NAME,
        legal_basis=(LegalReference(f"{FOLKETRYGDLOVEN}/§22-12", "folketrygdloven § 22-12"),),
        life_events=("doedsfall-og-arv",),
        trigger=Trigger(event_types=(TRIGGER,)),
        purpose="stans-ytelser",
        scopes=frozenset({"felles:datafordeler"}),
        data=(),  # NAV's own cases only: nothing is read about anyone
        rules=(),
        produces=(),
        tema="GEN",
    )
)

GRAVFERD: Final = declare(
    PublicService(
        id="doedsfall-gravferdsstoenad",
        title={
            "nb": "Gravferdsstønad ved dødsfall",
            "nn": "Gravferdsstønad ved dødsfall",
            "en": "Funeral grant at death",
        },
        description={
            "nb": "Når noen dør, ser NAV etter om gravferdsstønad kan være aktuelt, og ber "
            "ektefellen eller barna søke.",
            "nn": "Når nokon døyr, ser NAV etter om gravferdsstønad kan vere aktuelt, og ber "
            "ektefellen eller barna søkje.",
            "en": "When someone dies, NAV checks whether a funeral grant may apply and asks the "
            "spouse or the children to apply.",
        },
        owner_orgnr=NAV_ORGNR,
        owner_name=NAV_NAME,
        legal_basis=(
            LegalReference(f"{FOLKETRYGDLOVEN}/§7-2", "folketrygdloven § 7-2"),
            GRAVFERD_DEADLINE_LAW,
        ),
        life_events=("doedsfall-og-arv",),
        trigger=Trigger(event_types=(TRIGGER,)),
        purpose="gravferdsstoenad",
        scopes=frozenset({"felles:datafordeler"}),
        data=(
            DataNeed(
                "folkeregister.person.basis",
                ("navn", "foedselsdato", "status", "doedsfall", "bostedsadresse"),
                about="avdoede",
            ),
            DataNeed("folkeregister.familie", ("sivilstand", "familierelasjon"), about="avdoede"),
            DataNeed("folkeregister.person.basis", ARVING_FIELDS, about="arving"),
        ),
        rules=("gravferdsstoenad_rett", "gravferdsstoenad_behovsproeves", "gravferdsstoenad"),
        produces=("brev", "oppgave-til-personen"),
        tema="GRA",
    )
)
