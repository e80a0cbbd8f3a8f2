"""Barnetrygd at birth (NAV): granted without an application when a child is born.

The declaration is here; ``service`` runs it (``felles.services.consumers`` registers it for
``felles worker``), ``filter`` holds NAV's rules for automatic decisions, ``rates`` the
grant through the rule system and ``letter`` the decision letter.
"""

from __future__ import annotations

from typing import Final

from felles.registries.folkeregister.events import ENDRING_I_FOEDSEL, event_type
from felles.services.declaration import (
    DataNeed,
    LegalReference,
    PublicService,
    Trigger,
    declare,
)

NAV_ORGNR: Final = "889640782"
BARNETRYGDLOVEN: Final = "https://lovdata.no/lov/2002-03-08-4"
#: What the filter, the grant and the letter use of a person's basis (data minimisation).
PERSON_FIELDS: Final = ("navn", "foedselsdato", "status", "adressebeskyttelse", "bostedsadresse")

SERVICE: Final = declare(
    PublicService(
        id="barnetrygd-foedsel",
        title={
            "nb": "Barnetrygd ved fødsel",
            "nn": "Barnetrygd ved fødsel",
            "en": "Child benefit at birth",
        },
        description={
            "nb": "Når et barn blir født, får mor barnetrygd uten å søke, fra måneden etter "
            "fødselen til måneden før barnet fyller 18 år.",
            "nn": "Når eit barn blir fødd, får mor barnetrygd utan å søkje, frå månaden etter "
            "fødselen til månaden før barnet fyller 18 år.",
            "en": "When a child is born, the mother receives child benefit without applying, "
            "from the month after the birth to the month before the child turns 18.",
        },
        owner_orgnr=NAV_ORGNR,
        owner_name="Arbeids- og velferdsetaten (NAV)",
        legal_basis=(
            LegalReference(f"{BARNETRYGDLOVEN}/§2", "barnetrygdloven § 2"),
            LegalReference(f"{BARNETRYGDLOVEN}/§4", "barnetrygdloven § 4"),
            LegalReference(f"{BARNETRYGDLOVEN}/§10", "barnetrygdloven § 10"),
            LegalReference(f"{BARNETRYGDLOVEN}/§11", "barnetrygdloven § 11"),
            LegalReference("https://lovdata.no/lov/1997-02-28-19/§21-4", "folketrygdloven § 21-4"),
        ),
        life_events=("faa-barn",),
        trigger=Trigger(event_types=(event_type(ENDRING_I_FOEDSEL),)),
        purpose="barnetrygd",
        scopes=frozenset({"felles:datafordeler"}),
        data=(
            DataNeed("folkeregister.person.basis", PERSON_FIELDS, about="barn"),
            DataNeed("folkeregister.familie", ("familierelasjon",), about="barn"),
            DataNeed("folkeregister.person.basis", PERSON_FIELDS, about="mor"),
            DataNeed("folkeregister.familie", ("familierelasjon",), about="mor"),
            DataNeed("folkeregister.person.basis", ("foedselsdato",), about="soesken"),
        ),
        rules=("barnetrygd_per_barn",),
        produces=("vedtak", "brev", "oppgave-til-saksbehandler"),
        tema="BAR",
        appeal_weeks=6,
        appeal_law=LegalReference(
            "https://lovdata.no/lov/1997-02-28-19/§21-12", "folketrygdloven § 21-12"
        ),
    )
)
