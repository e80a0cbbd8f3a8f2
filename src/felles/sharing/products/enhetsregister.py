"""Data products over Enhetsregisteret, loaded through its query functions.

``enhetsregister.enhet`` is a main entity's (hovedenhet's) open facts, as Brønnøysund
publishes them: open data, so no decision and no access log. A sub-unit (underenhet) is not an
enhet: its number is treated as unknown here, as ``/enhetsregisteret/api/enheter/{orgnr}``
does. A deleted entity is served, with its ``slettedato``.

The register keeps only the current state (no history), so ``at`` does not change the answer;
it keeps no date of the registration in Merverdiavgiftsregisteret or Foretaksregisteret,
only the flags, and a forced dissolution has no date of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from felles.registries.enhetsregisteret import events, queries, reference
from felles.sharing.product import Product, ProductField

OWNER_ORGNR: Final = "974760673"
OWNER_NAME: Final = "Brønnøysundregistrene"

_ORGNR: Final = {"type": "string", "pattern": "^[0-9]{9}$"}
_DATE: Final = {"type": "string", "format": "date"}
_NULLABLE_DATE: Final = {"type": ["string", "null"], "format": "date"}
_CODE_AND_TEXT: Final = {
    "kode": {"type": "string"},
    "beskrivelse": {"type": "string", "description": "The code's text in Norwegian"},
}
_ADDRESS: Final = {
    "type": ["object", "null"],
    "properties": {
        "adresse": {
            "type": "array",
            "items": {"type": "string"},
            "maxItems": 3,
            "description": "Address lines (street and number, c/o, P.O. box)",
        },
        "postnummer": {"type": "string", "pattern": "^[0-9]{4}$"},
        "poststed": {"type": "string"},
        "kommunenummer": {"type": "string", "pattern": "^[0-9]{4}$"},
        "kommune": {"type": "string"},
        "landkode": {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1"},
        "land": {"type": "string"},
    },
    "additionalProperties": False,
}


def _texts(nb: str, nn: str, en: str) -> dict[str, str]:
    return {"nb": nb, "nn": nn, "en": en}


_FIELDS: Final = (
    ProductField(
        "organisasjonsnummer",
        _ORGNR,
        _texts(
            "Organisasjonsnummeret, ni sifre",
            "Organisasjonsnummeret, ni siffer",
            "The organisation number, nine digits",
        ),
    ),
    ProductField(
        "navn",
        {"type": "string", "minLength": 1, "maxLength": 180},
        _texts("Registrert navn", "Registrert namn", "Registered name"),
    ),
    ProductField(
        "organisasjonsform",
        {
            "type": "object",
            "properties": _CODE_AND_TEXT
            | {"kode": {"type": "string", "pattern": "^[A-Z]{2,4}$", "examples": ["AS"]}},
            "required": ["kode", "beskrivelse"],
            "additionalProperties": False,
        },
        _texts(
            "Organisasjonsform (kode og beskrivelse), f.eks. AS Aksjeselskap",
            "Organisasjonsform (kode og skildring), t.d. AS Aksjeselskap",
            "Legal form (code and description), e.g. AS Aksjeselskap",
        ),
    ),
    ProductField(
        "forretningsadresse",
        _ADDRESS,
        _texts(
            "Forretningsadresse; null når registeret ikke har noen",
            "Forretningsadresse; null når registeret ikkje har nokon",
            "Business address; null when the register holds none",
        ),
    ),
    ProductField(
        "postadresse",
        _ADDRESS,
        _texts(
            "Postadresse; null når den ikke er registrert (da gjelder forretningsadressen)",
            "Postadresse; null når ho ikkje er registrert (då gjeld forretningsadressa)",
            "Postal address; null when none is registered (the business address applies)",
        ),
    ),
    ProductField(
        "naeringskode",
        {
            "type": ["object", "null"],
            "properties": _CODE_AND_TEXT
            | {"kode": {"type": "string", "pattern": "^[0-9]{2}\\.[0-9]{3}$"}},
            "required": ["kode", "beskrivelse"],
            "additionalProperties": False,
        },
        _texts(
            "Hovednæringskode (SN2007, naeringskode1); null når ingen er registrert",
            "Hovudnæringskode (SN2007, naeringskode1); null når ingen er registrert",
            "Main industry code (SN2007, naeringskode1); null when none is registered",
        ),
    ),
    ProductField(
        "registreringsdato",
        _DATE,
        _texts(
            "Dato for registrering i Enhetsregisteret",
            "Dato for registrering i Einingsregisteret",
            "Date of registration in Enhetsregisteret",
        ),
    ),
    ProductField(
        "registrertIMvaregisteret",
        {"type": "boolean"},
        _texts(
            "Om enheten er registrert i Merverdiavgiftsregisteret",
            "Om eininga er registrert i Meirverdiavgiftsregisteret",
            "Whether the entity is registered in the VAT register (Merverdiavgiftsregisteret)",
        ),
    ),
    ProductField(
        "registrertIForetaksregisteret",
        {"type": "boolean"},
        _texts(
            "Om enheten er registrert i Foretaksregisteret",
            "Om eininga er registrert i Føretaksregisteret",
            "Whether the entity is registered in the register of business enterprises",
        ),
    ),
    ProductField(
        "konkurs",
        {
            "type": "object",
            "properties": {
                "erKonkurs": {"type": "boolean"},
                "konkursdato": _NULLABLE_DATE
                | {"description": "When the bankruptcy was opened; null when not bankrupt"},
            },
            "required": ["erKonkurs", "konkursdato"],
            "additionalProperties": False,
        },
        _texts(
            "Om enheten er konkurs, og datoen konkursen ble åpnet",
            "Om eininga er konkurs, og datoen konkursen vart opna",
            "Whether the entity is bankrupt, and the date bankruptcy proceedings were opened",
        ),
    ),
    ProductField(
        "underAvvikling",
        {
            "type": "object",
            "properties": {
                "erUnderAvvikling": {"type": "boolean"},
                "avviklingsdato": _NULLABLE_DATE
                | {"description": "When the owners resolved the dissolution, or null"},
                "underTvangsavviklingEllerTvangsopplosning": {
                    "type": "boolean",
                    "description": "Dissolution forced by a court (no date in the register)",
                },
            },
            "required": [
                "erUnderAvvikling",
                "avviklingsdato",
                "underTvangsavviklingEllerTvangsopplosning",
            ],
            "additionalProperties": False,
        },
        _texts(
            "Om enheten er under avvikling (med dato) eller tvangsavvikling",
            "Om eininga er under avvikling (med dato) eller tvangsavvikling",
            "Whether the entity is being dissolved (with the date) or dissolved by force",
        ),
    ),
    ProductField(
        "slettedato",
        _NULLABLE_DATE,
        _texts(
            "Dato enheten ble slettet; null når den ikke er slettet",
            "Dato eininga vart sletta; null når ho ikkje er sletta",
            "Date the entity was deleted; null when it is not deleted",
        ),
    ),
    ProductField(
        "overordnetEnhet",
        {"type": ["string", "null"], "pattern": "^[0-9]{9}$"},
        _texts(
            "Organisasjonsnummeret til enheten den hører inn under (offentlig sektor), eller null",
            "Organisasjonsnummeret til eininga ho høyrer inn under (offentleg sektor), eller null",
            "The organisation number of the unit it belongs under (public sector), or null",
        ),
    ),
)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _coded(kode: str | None, texts: Mapping[str, str]) -> dict[str, str] | None:
    if kode is None:
        return None
    return {"kode": kode, "beskrivelse": texts.get(kode, kode)}


def _form(kode: str) -> dict[str, str]:
    form = reference.organisasjonsformer().get(kode)
    return {"kode": kode, "beskrivelse": form.beskrivelse if form else kode}


def enhet_value(unit: queries.UnitFacts) -> dict[str, Any]:
    """The product's value of one entity: every field, in the product's order."""
    return {
        "organisasjonsnummer": unit.organisasjonsnummer,
        "navn": unit.navn,
        "organisasjonsform": _form(unit.organisasjonsform),
        "forretningsadresse": dict(unit.forretningsadresse) if unit.forretningsadresse else None,
        "postadresse": dict(unit.postadresse) if unit.postadresse else None,
        "naeringskode": _coded(
            unit.naeringskoder[0] if unit.naeringskoder else None, reference.naeringskoder()
        ),
        "registreringsdato": unit.registreringsdato.isoformat(),
        "registrertIMvaregisteret": unit.registrert_i_mvaregisteret,
        "registrertIForetaksregisteret": unit.registrert_i_foretaksregisteret,
        "konkurs": {"erKonkurs": unit.konkurs, "konkursdato": _iso(unit.konkursdato)},
        "underAvvikling": {
            "erUnderAvvikling": unit.under_avvikling,
            "avviklingsdato": _iso(unit.under_avvikling_dato),
            "underTvangsavviklingEllerTvangsopplosning": unit.under_tvangsavvikling,
        },
        "slettedato": _iso(unit.slettedato),
        "overordnetEnhet": unit.overordnet_enhet,
    }


def _is_orgnr(value: str) -> bool:
    return len(value) == 9 and value.isascii() and value.isdigit()


def load_enheter(
    session: Session, subjects: Sequence[str], at: datetime
) -> dict[str, dict[str, Any]]:
    """Each known main entity's value by number, in one query per thousand numbers; unknown
    numbers and sub-units are left out. ``at`` is not used: the register has no history."""
    wanted = [subject for subject in subjects if _is_orgnr(subject)]
    if not wanted:
        return {}
    found = queries.units_facts(session, orgnrs=wanted)
    return {nr: enhet_value(unit) for nr, unit in found.items() if not unit.er_underenhet}


#: The events that change an entity's value here (each event's subject is the orgnr):
#: not the sub-units' events, Frivillighetsregisteret's or the roles'.
_CHANGED_BY: Final = tuple(
    events.event_type(name)
    for name in (
        events.ENHET_REGISTRERT,
        events.ENHET_ENDRET,
        events.REGISTRERT_I_FORETAKSREGISTERET,
        events.REGISTRERT_I_MVAREGISTERET,
        events.KONKURS,
        events.UNDER_AVVIKLING,
        events.ENHET_SLETTET,
    )
)

ENHET: Final = Product(
    name="enhetsregister.enhet",
    version="1.0.0",
    title=_texts(
        "Enhet i Enhetsregisteret",
        "Eining i Einingsregisteret",
        "Entity in the Central Coordinating Register for Legal Entities",
    ),
    description=_texts(
        "Åpne opplysninger om en hovedenhet: navn, organisasjonsform, adresser, næringskode, "
        "registreringer, konkurs, avvikling og sletting.",
        "Opne opplysningar om ei hovudeining: namn, organisasjonsform, adresser, næringskode, "
        "registreringar, konkurs, avvikling og sletting.",
        "Open facts about a main entity: name, legal form, addresses, industry code, "
        "registrations, bankruptcy, dissolution and deletion.",
    ),
    owner_orgnr=OWNER_ORGNR,
    owner_name=OWNER_NAME,
    subject="organisation",
    sensitivity="open",
    fields=_FIELDS,
    load=load_enheter,
    changed_by=_CHANGED_BY,
)

PRODUCTS: Final[tuple[Product, ...]] = (ENHET,)
