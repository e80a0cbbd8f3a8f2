"""Flytting: what follows a move registered in Folkeregisteret (issue 8).

One move reaches Posten's address service, NAV, the municipality moved to and the one moved
from, without the person telling anyone twice. Each is a declared service run as a bus
consumer on ``endringIBostedsadresse`` (``consumers``); each reads the move through the data
distributor with its own identity and purpose, so each agency's use is in the person's
access log — that entry is how the journey (``felles.journeys.flytte``) knows it was told.

The municipal services are every municipality's: declared with no one owner
(``owner_orgform=MUNICIPALITIES``), each move is handled as the municipality itself — its
organisation number found in Enhetsregisteret from the event's kommunenummer
(``moves.municipalities``), its reads decided under ``orgform:KOMM`` bases.
"""

from __future__ import annotations

from typing import Final

from felles.registries.folkeregister.events import ENDRING_I_BOSTEDSADRESSE, event_type
from felles.services.declaration import (
    MUNICIPALITIES,
    DataNeed,
    LegalReference,
    PublicService,
    Trigger,
    declare,
)
from felles.services.flytting.moves import into_municipality, out_of_municipality

POSTEN_ORGNR: Final = "393000104"  # synthetic (decision 0014), as in Enhetsregisteret's seed
NAV_ORGNR: Final = "889640782"
BASIS: Final = "folkeregister.person.basis"
FAMILIE: Final = "folkeregister.familie"
MOVED: Final = event_type(ENDRING_I_BOSTEDSADRESSE)
FOLKEREGISTERLOVEN: Final = "https://lovdata.no/lov/2016-12-09-88"
SCOPES: Final = frozenset({"felles:datafordeler"})

POSTEN: Final = declare(
    PublicService(
        id="flytting-posten",
        title={
            "nb": "Adresseendring til Posten",
            "nn": "Adresseendring til Posten",
            "en": "Change of address to Posten",
        },
        description={
            "nb": "Når du flytter, får Postens adressetjeneste den nye adressen din fra "
            "Folkeregisteret, så posten kommer fram.",
            "nn": "Når du flyttar, får adressetenesta til Posten den nye adressa di frå "
            "Folkeregisteret, så posten kjem fram.",
            "en": "When you move, Posten's address service gets your new address from the "
            "National Population Register, so your post reaches you.",
        },
        owner_orgnr=POSTEN_ORGNR,
        owner_name="Posten Norge AS",
        legal_basis=(LegalReference(f"{FOLKEREGISTERLOVEN}/§10-1", "folkeregisterloven § 10-1"),),
        life_events=("flytte",),
        trigger=Trigger(event_types=(MOVED,)),
        purpose="adresseendring",
        scopes=SCOPES,
        data=(DataNeed(BASIS, ("bostedsadresse",)),),
        rules=(),
        produces=(),
    )
)

NAV: Final = declare(
    PublicService(
        id="flytting-nav",
        title={
            "nb": "Ny adresse til NAV",
            "nn": "Ny adresse til NAV",
            "en": "New address to NAV",
        },
        description={
            "nb": "Når du flytter, oppdaterer NAV adressen sin om deg fra Folkeregisteret.",
            "nn": "Når du flyttar, oppdaterer NAV adressa si om deg frå Folkeregisteret.",
            "en": "When you move, NAV updates its address for you from the National "
            "Population Register.",
        },
        owner_orgnr=NAV_ORGNR,
        owner_name="Arbeids- og velferdsetaten (NAV)",
        legal_basis=(
            LegalReference(f"{FOLKEREGISTERLOVEN}/§10-1", "folkeregisterloven § 10-1"),
            LegalReference("https://lovdata.no/lov/1997-02-28-19/§21-4", "folketrygdloven § 21-4"),
        ),
        life_events=("flytte",),
        trigger=Trigger(event_types=(MOVED,)),
        purpose="adresseoppdatering",
        scopes=SCOPES,
        data=(DataNeed(BASIS, ("bostedsadresse",)),),
        rules=(),
        produces=(),
    )
)

NY_KOMMUNE: Final = declare(
    PublicService(
        id="flytting-ny-kommune",
        title={
            "nb": "Barnehage og skole i den nye kommunen",
            "nn": "Barnehage og skule i den nye kommunen",
            "en": "Kindergarten and school in the new municipality",
        },
        description={
            "nb": "Når en familie med barn flytter til en ny kommune, sender kommunen "
            "informasjon om barnehage og skole.",
            "nn": "Når ein familie med born flyttar til ein ny kommune, sender kommunen "
            "informasjon om barnehage og skule.",
            "en": "When a family with children moves to a new municipality, the municipality "
            "sends information about kindergarten and school.",
        },
        owner_orgnr=None,
        owner_orgform=MUNICIPALITIES,
        owner_name="Kommunen det flyttes til",
        legal_basis=(
            LegalReference(f"{FOLKEREGISTERLOVEN}/§10-2", "folkeregisterloven § 10-2"),
            LegalReference("https://lovdata.no/lov/2005-06-17-64/§16", "barnehageloven § 16"),
            LegalReference("https://lovdata.no/lov/2023-06-09-30/§2-1", "opplæringslova § 2-1"),
        ),
        life_events=("flytte",),
        trigger=Trigger(event_types=(MOVED,), accepts=into_municipality),
        purpose="tilflytting",
        scopes=SCOPES,
        data=(
            DataNeed(BASIS, ("bostedsadresse",)),
            DataNeed(FAMILIE, ("familierelasjon",)),
            DataNeed(BASIS, ("foedselsdato", "status", "bostedsadresse"), about="barn"),
        ),
        rules=(),
        produces=("brev",),
    )
)

TIDLIGERE_KOMMUNE: Final = declare(
    PublicService(
        id="flytting-tidligere-kommune",
        title={
            "nb": "Melding til kommunen du flyttet fra",
            "nn": "Melding til kommunen du flytta frå",
            "en": "Notice to the municipality you moved from",
        },
        description={
            "nb": "Når du flytter til en annen kommune, får kommunen du flyttet fra vite det "
            "fra Folkeregisteret.",
            "nn": "Når du flyttar til ein annan kommune, får kommunen du flytta frå vite det "
            "frå Folkeregisteret.",
            "en": "When you move to another municipality, the one you moved from learns of "
            "it from the National Population Register.",
        },
        owner_orgnr=None,
        owner_orgform=MUNICIPALITIES,
        owner_name="Kommunen det flyttes fra",
        legal_basis=(LegalReference(f"{FOLKEREGISTERLOVEN}/§10-1", "folkeregisterloven § 10-1"),),
        life_events=("flytte",),
        trigger=Trigger(event_types=(MOVED,), accepts=out_of_municipality),
        purpose="utflytting",
        scopes=SCOPES,
        data=(DataNeed(BASIS, ("bostedsadresse",)),),
        rules=(),
        produces=(),
    )
)
