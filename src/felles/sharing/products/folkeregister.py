"""Data products over Folkeregisteret: declared here, loaded through the registry's query functions.

Both products are read with ``queries.get_documents``, the registry's own bulk document reader
(with its PostgreSQL fast path), so a value has the shape of the current version of the same
element in the registry's API (``Folkeregisterperson``), without the register metadata every
version carries there (``ajourholdstidspunkt``, ``erGjeldende``, ``kilde``,
``gyldighetstidspunkt``): a product gives current values only. The documents are built without
history, and ended family relations are left out.

A protected address is loaded like any other (``include_protected_address``): the decision
point withholds address fields, not the loader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from felles.registries.folkeregister import queries
from felles.registries.folkeregister.events import (
    ENDRING_I_ADRESSEBESKYTTELSE,
    ENDRING_I_BOSTEDSADRESSE,
    ENDRING_I_DOEDSFALL,
    ENDRING_I_FAMILIERELASJON,
    ENDRING_I_FOEDSEL,
    ENDRING_I_FORELDREANSVAR,
    ENDRING_I_INNFLYTTING,
    ENDRING_I_NAVN,
    ENDRING_I_SIVILSTAND,
    ENDRING_I_STATSBORGERSKAP,
    ENDRING_I_STATUS,
    ENDRING_I_UTFLYTTING,
    PERSON_ER_BOSATT,
    PERSON_ER_DOED,
    PERSON_ER_OPPHOERT,
    PERSON_ER_OPPRETTET,
    PERSON_ER_UTFLYTTET,
    event_type,
)
from felles.registries.folkeregister.model import SIVILSTAND_CODES
from felles.sharing.product import Product, ProductField
from felles.sharing.products.common import (
    DATE,
    IDENT,
    Owner,
    Values,
    day_of,
    nullable,
    person_product,
    texts,
)

OWNER: Final = Owner("974761076", "Skatteetaten")


# ------------------------------------------------------------------------------------------
# JSON schemas of the document's elements (the current version, without metadata)
# ------------------------------------------------------------------------------------------


def _version(properties: Mapping[str, Any], required: Sequence[str]) -> dict[str, Any]:
    """The current version of an element: its own fields (no register metadata)."""
    return {
        "type": "object",
        "properties": dict(properties),
        "required": list(required),
        "additionalProperties": False,
    }


_KOMMUNENUMMER: Final = {"type": "string", "pattern": r"^\d{4}$"}
_POSTSTED: Final = {
    "type": "object",
    "properties": {
        "postnummer": nullable({"type": "string", "pattern": r"^\d{4}$"}),
        "poststedsnavn": nullable({"type": "string"}),
    },
    "additionalProperties": False,
}
_VEGADRESSE: Final = {
    "type": "object",
    "properties": {
        "kommunenummer": nullable(_KOMMUNENUMMER),
        "adressenavn": nullable({"type": "string"}),
        "adressenummer": {
            "type": "object",
            "properties": {"husnummer": {"type": "string"}, "husbokstav": {"type": "string"}},
            "required": ["husnummer"],
            "additionalProperties": False,
        },
        "adressekode": {"type": "string", "pattern": r"^\d{5}$"},
        "bruksenhetsnummer": {"type": "string"},
        "poststed": _POSTSTED,
    },
    "required": ["kommunenummer", "adressenavn"],
    "additionalProperties": False,
}
_GRADERINGER: Final = ["klientadresse", "fortrolig", "strengtFortrolig"]
_STATUSER: Final = [
    "bosatt",
    "utflyttet",
    "forsvunnet",
    "doed",
    "opphoert",
    "foedselsregistrert",
    "ikkeBosatt",
    "midlertidig",
    "inaktiv",
]
_SIVILSTANDER: Final = list(SIVILSTAND_CODES)
_ROLLER: Final = ["barn", "mor", "far", "medmor", "ektefelleEllerPartner"]

_BASIS_FIELDS: Final = (
    ProductField(
        "identifikasjonsnummer",
        _version(
            {
                "foedselsEllerDNummer": IDENT,
                "identifikatortype": {"type": "string", "enum": ["foedselsnummer", "dNummer"]},
                "status": {"type": "string", "enum": ["iBruk", "opphoert"]},
            },
            ["foedselsEllerDNummer", "identifikatortype", "status"],
        ),
        texts(
            "Personens gjeldende fødselsnummer eller D-nummer (kan være et annet enn det det ble "
            "spurt med, om personen har fått nytt nummer).",
            "Det gjeldande fødselsnummeret eller D-nummeret til personen (kan vere eit anna enn "
            "det det vart spurt med, om personen har fått nytt nummer).",
            "The person's current fødselsnummer or D-number (it may differ from the one asked "
            "with, if the person has been given a new number).",
        ),
    ),
    ProductField(
        "navn",
        _version(
            {
                "fornavn": {"type": "string"},
                "mellomnavn": {"type": "string"},
                "etternavn": {"type": "string"},
                "forkortetNavn": {"type": "string", "maxLength": 25},
            },
            ["fornavn", "etternavn", "forkortetNavn"],
        ),
        texts(
            "Personens navn: fornavn, mellomnavn, etternavn og forkortet navn.",
            "Namnet til personen: førenamn, mellomnamn, etternamn og forkorta namn.",
            "The person's name: given name, middle name, surname and shortened name.",
        ),
    ),
    ProductField(
        "foedselsdato",
        DATE,
        texts(
            "Personens fødselsdato.",
            "Fødselsdatoen til personen.",
            "The person's date of birth.",
        ),
    ),
    ProductField(
        "kjoenn",
        _version({"kjoenn": {"type": "string", "enum": ["kvinne", "mann"]}}, ["kjoenn"]),
        texts(
            "Personens juridiske kjønn (kvinne eller mann).",
            "Det juridiske kjønnet til personen (kvinne eller mann).",
            "The person's legal sex (kvinne: female, mann: male).",
        ),
    ),
    ProductField(
        "status",
        _version({"status": {"type": "string", "enum": _STATUSER}}, ["status"]),
        texts(
            "Personens status i Folkeregisteret, for eksempel bosatt, utflyttet eller død.",
            "Statusen til personen i Folkeregisteret, til dømes busett, utflytta eller død.",
            "The person's status in the register, e.g. bosatt (resident), utflyttet "
            "(emigrated) or doed (dead).",
        ),
    ),
    ProductField(
        "statsborgerskap",
        {
            "type": "array",
            "items": _version(
                {
                    "statsborgerskap": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "ervervsdato": DATE,
                },
                ["statsborgerskap"],
            ),
        },
        texts(
            "Personens statsborgerskap (landkode etter ISO 3166 alpha-3), ett for hvert land.",
            "Statsborgarskapa til personen (landkode etter ISO 3166 alpha-3), eitt for kvart land.",
            "The person's citizenships (ISO 3166 alpha-3 country codes), one per country.",
        ),
    ),
    ProductField(
        "doedsfall",
        nullable(_version({"doedsdato": DATE}, ["doedsdato"])),
        texts(
            "Dødsdato når personen er død; ellers null.",
            "Dødsdato når personen er død; elles null.",
            "The date of death when the person has died; null otherwise.",
        ),
    ),
    ProductField(
        "adressebeskyttelse",
        nullable(
            _version(
                {"graderingsnivaa": {"type": "string", "enum": _GRADERINGER}},
                ["graderingsnivaa"],
            )
        ),
        texts(
            "Adressebeskyttelse (klientadresse, fortrolig eller strengt fortrolig) når adressen "
            "er gradert; null når den er ugradert.",
            "Adressevern (klientadresse, fortruleg eller strengt fortruleg) når adressa er "
            "gradert; null når ho er ugradert.",
            "Address protection (klientadresse, fortrolig or strengtFortrolig) when the address "
            "is protected; null when it is not.",
        ),
    ),
    ProductField(
        "bostedsadresse",
        nullable(
            _version(
                {
                    "vegadresse": _VEGADRESSE,
                    "adresseIdentifikatorFraMatrikkelen": {"type": "string"},
                    "flyttedato": DATE,
                },
                ["vegadresse"],
            )
        ),
        texts(
            "Adressen der personen er registrert bosatt, og fra hvilken dato; null når ingen "
            "adresse er registrert. Om adressen er gradert, står i adressebeskyttelse.",
            "Adressa der personen er registrert busett, og frå kva dato; null når inga adresse "
            "er registrert. Om adressa er gradert, står i adressebeskyttelse.",
            "The address where the person is registered as living, and since when; null when "
            "none is registered. Whether it is protected is told by adressebeskyttelse.",
        ),
    ),
    ProductField(
        "postadresse",
        nullable(
            _version(
                {
                    "vegadresse": _VEGADRESSE,
                    "postboksadresse": {
                        "type": "object",
                        "properties": {
                            "postbokseier": {"type": "string"},
                            "postboks": {"type": "string"},
                            "poststed": _POSTSTED,
                        },
                        "required": ["postboks"],
                        "additionalProperties": False,
                    },
                    "postadresseIFrittFormat": {
                        "type": "object",
                        "properties": {
                            "adresselinje": {"type": "array", "items": {"type": "string"}},
                            "poststed": _POSTSTED,
                        },
                        "additionalProperties": False,
                    },
                },
                [],
            )
        ),
        texts(
            "Postadresse når den er registrert og skiller seg fra bostedsadressen; ellers null. "
            "Folkeregisteret i felles registrerer ennå ingen postadresser, så verdien er null.",
            "Postadresse når ho er registrert og skil seg frå bustadadressa; elles null. "
            "Folkeregisteret i felles registrerer enno ingen postadresser, så verdien er null.",
            "The postal address when one is registered apart from the residential address; "
            "null otherwise. felles's register holds no postal addresses yet, so it is null.",
        ),
    ),
)

_FAMILIE_FIELDS: Final = (
    ProductField(
        "sivilstand",
        _version(
            {
                "sivilstand": {"type": "string", "enum": _SIVILSTANDER},
                "sivilstandsdato": DATE,
                "relatertVedSivilstand": IDENT,
            },
            ["sivilstand"],
        ),
        texts(
            "Personens sivilstand, fra hvilken dato, og ektefellen eller partneren når det er en.",
            "Sivilstanden til personen, frå kva dato, og ektefellen eller partnaren når det er "
            "ein.",
            "The person's marital status, since when, and the spouse or partner when there is one.",
        ),
    ),
    ProductField(
        "familierelasjon",
        {
            "type": "array",
            "items": _version(
                {
                    "relatertPerson": IDENT,
                    "relatertPersonsRolle": {"type": "string", "enum": _ROLLER},
                    "minRolleForPerson": {"type": "string", "enum": _ROLLER},
                },
                ["relatertPerson", "relatertPersonsRolle", "minRolleForPerson"],
            ),
        },
        texts(
            "Personens gjeldende familierelasjoner (foreldre, barn, ektefelle eller partner), "
            "med den andres identifikasjonsnummer og begges roller; tom liste når det ikke er "
            "noen.",
            "Dei gjeldande familierelasjonane til personen (foreldre, born, ektefelle eller "
            "partnar), med identifikasjonsnummeret til den andre og rollene til begge; tom liste "
            "når det ikkje er nokon.",
            "The person's current family relations (parents, children, spouse or partner), with "
            "the other person's identity number and both roles; an empty list when there are "
            "none.",
        ),
    ),
    ProductField(
        "foreldreansvar",
        {
            "type": "array",
            "items": _version(
                {
                    "ansvar": {
                        "type": "string",
                        "enum": ["felles", "mor", "far", "medmor", "andre", "ukjent"],
                    },
                    "ansvarlig": IDENT,
                    "ansvarssubjekt": IDENT,
                },
                ["ansvar", "ansvarlig", "ansvarssubjekt"],
            ),
        },
        texts(
            "Foreldreansvar for personen (mens personen er under 18 år) og foreldreansvar "
            "personen har for egne barn under 18 år; tom liste når det ikke er noe.",
            "Foreldreansvar for personen (medan personen er under 18 år) og foreldreansvar "
            "personen har for eigne born under 18 år; tom liste når det ikkje er noko.",
            "Parental responsibility for the person (while under 18) and held by the person for "
            "their own children under 18; an empty list when there is none.",
        ),
    ),
)

_BASIS_PARTS: Final = frozenset(
    {
        "identifikasjonsnummer",
        "status",
        "navn",
        "foedsel",
        "kjoenn",
        "doedsfall",
        "adressebeskyttelse",
        "bostedsadresse",
        "statsborgerskap",
    }
)
_FAMILIE_PARTS: Final = frozenset({"sivilstand", "familierelasjon", "foreldreansvar"})


def _documents(
    session: Session, subjects: list[str], at: datetime, parts: frozenset[str]
) -> dict[str, dict[str, Any] | None]:
    """Current documents (no history) with every address, as of the day of ``at``."""
    return queries.get_documents(
        session,
        idents=subjects,
        parts=parts,
        include_protected_address=True,
        history=False,
        today=day_of(at),
    )


#: The register metadata on every version in the registry's API; a product gives only the
#: current value, so these are left out (the element's own dates, such as flyttedato, stay).
METADATA: Final = frozenset(
    {
        "ajourholdstidspunkt",
        "erGjeldende",
        "kilde",
        "aarsak",
        "gyldighetstidspunkt",
        "opphoerstidspunkt",
    }
)


def _value(version: dict[str, Any]) -> dict[str, Any]:
    """A current version of an element without its register metadata."""
    return {key: value for key, value in version.items() if key not in METADATA}


def _first(versions: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    return _value(versions[0]) if versions else None


def _address(versions: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The current bostedsadresse without its gradering: that is ``adressebeskyttelse``'s,
    so the address field says nothing about protection that field does not release."""
    value = _first(versions)
    if value is not None:
        value.pop("adressegradering", None)
    return value


def _current(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_value(version) for version in versions if version["erGjeldende"]]


def _load_basis(session: Session, subjects: list[str], at: datetime) -> Values:
    result: Values = {}
    for subject, document in _documents(session, subjects, at, _BASIS_PARTS).items():
        if document is None:
            continue
        doedsfall = document.get("doedsfall")
        result[subject] = {
            "identifikasjonsnummer": _first(document["identifikasjonsnummer"]),
            "navn": _first(document["navn"]),
            "foedselsdato": document["foedsel"][0]["foedselsdato"],
            "kjoenn": _first(document["kjoenn"]),
            "status": _first(document["status"]),
            "statsborgerskap": _current(document["statsborgerskap"]),
            "doedsfall": None if doedsfall is None else _value(doedsfall),
            "adressebeskyttelse": _first(document.get("adressebeskyttelse")),
            "bostedsadresse": _address(document.get("bostedsadresse")),
            "postadresse": None,
        }
    return result


def _load_familie(session: Session, subjects: list[str], at: datetime) -> Values:
    result: Values = {}
    for subject, document in _documents(session, subjects, at, _FAMILIE_PARTS).items():
        if document is None:
            continue
        result[subject] = {
            "sivilstand": _first(document["sivilstand"]),
            "familierelasjon": _current(document["familierelasjon"]),
            "foreldreansvar": _current(document["foreldreansvar"]),
        }
    return result


def _changed_by(*hendelsetyper: str) -> tuple[str, ...]:
    """The event types of Folkeregisteret's hendelsetyper."""
    return tuple(event_type(hendelsetype) for hendelsetype in hendelsetyper)


PRODUCTS: Final[tuple[Product, ...]] = (
    person_product(
        owner=OWNER,
        name="folkeregister.person.basis",
        version="1.0.0",
        title=texts(
            "Grunnopplysninger om person",
            "Grunnopplysningar om person",
            "Basic facts about a person",
        ),
        description=texts(
            "Identifikasjonsnummer, navn, fødselsdato, kjønn, status, statsborgerskap, dødsfall, "
            "adressebeskyttelse og adresser for en person, slik de er registrert i "
            "Folkeregisteret nå.",
            "Identifikasjonsnummer, namn, fødselsdato, kjønn, status, statsborgarskap, dødsfall, "
            "adressevern og adresser for ein person, slik dei er registrerte i Folkeregisteret "
            "no.",
            "Identity number, name, date of birth, sex, status, citizenship, death, address "
            "protection and addresses of a person, as the National Population Register holds "
            "them now.",
        ),
        fields=_BASIS_FIELDS,
        load=_load_basis,
        changed_by=_changed_by(
            PERSON_ER_OPPRETTET,
            PERSON_ER_DOED,
            PERSON_ER_BOSATT,
            PERSON_ER_UTFLYTTET,
            PERSON_ER_OPPHOERT,
            ENDRING_I_FOEDSEL,
            ENDRING_I_DOEDSFALL,
            ENDRING_I_NAVN,
            ENDRING_I_BOSTEDSADRESSE,
            ENDRING_I_INNFLYTTING,
            ENDRING_I_UTFLYTTING,
            ENDRING_I_STATSBORGERSKAP,
            ENDRING_I_ADRESSEBESKYTTELSE,
            ENDRING_I_STATUS,
        ),
    ),
    person_product(
        owner=OWNER,
        name="folkeregister.familie",
        version="1.0.0",
        title=texts("Familieforhold", "Familieforhold", "Family relations"),
        description=texts(
            "Sivilstand, familierelasjoner og foreldreansvar for en person, slik de er "
            "registrert i Folkeregisteret nå.",
            "Sivilstand, familierelasjonar og foreldreansvar for ein person, slik dei er "
            "registrerte i Folkeregisteret no.",
            "Marital status, family relations and parental responsibility of a person, as the "
            "National Population Register holds them now.",
        ),
        fields=_FAMILIE_FIELDS,
        load=_load_familie,
        changed_by=_changed_by(
            PERSON_ER_OPPRETTET,
            PERSON_ER_DOED,
            ENDRING_I_DOEDSFALL,
            ENDRING_I_SIVILSTAND,
            ENDRING_I_FAMILIERELASJON,
            ENDRING_I_FORELDREANSVAR,
        ),
    ),
)
