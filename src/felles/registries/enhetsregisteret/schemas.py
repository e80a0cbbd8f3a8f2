"""Pydantic schemas of Enhetsregisteret's API: the OpenAPI document and its examples.

Responses are serialised from plain dicts (``document``); these models describe them. Field
names are the real API's (camelCase, HAL ``_links``/``_embedded``). Request bodies of the
write endpoints (a felles addition) use the same names.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from felles.registries.enhetsregisteret.model import MAX_NAVN
from felles.registries.enhetsregisteret.operations.common import (
    MAX_ADRESSELINJE,
    MAX_ADRESSELINJER,
    MAX_ANSATTE,
    MAX_HJEMMESIDE,
    MAX_TEKSTLINJE,
    MAX_TEKSTLINJER,
)
from felles.registries.enhetsregisteret.operations.roller import MAX_ROLLER

BASE: Final = "https://felles.example/enhetsregisteret/api"
_ORGNR: Final = "312345676"  # a synthetic number (first digit 3), valid check digit
_UNDERENHET: Final = "387654321"


_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME: Final = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _iso_date(value: Any) -> Any:
    # pydantic would also take 0 or "0" (a Unix time) for a date; the schema says YYYY-MM-DD.
    if isinstance(value, date) or (isinstance(value, str) and _DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date as YYYY-MM-DD")


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _DATETIME.match(value)):
        return value
    raise ValueError("must be a date and time in ISO 8601, e.g. 2025-06-01T00:00:00Z")


def _strict_bool(value: Any) -> Any:
    # pydantic would also take yes/no/on/off/1/0 in a query; the schema says true or false.
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise ValueError("must be true or false")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]
StrictBool = Annotated[bool, BeforeValidator(_strict_bool)]


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Href(_Out):
    href: str


class SelfLink(_Out):
    self_: Href = Field(alias="self")


class EnhetLinks(_Out):
    self_: Href = Field(alias="self")
    overordnet_enhet: Href | None = None


class Kode(_Out):
    kode: str
    beskrivelse: str


class Organisasjonsform(Kode):
    links: SelfLink | None = Field(None, alias="_links")


class Adresse(_Out):
    land: str | None = None
    landkode: str | None = None
    postnummer: str | None = None
    poststed: str | None = None
    adresse: list[str] = []
    kommune: str | None = None
    kommunenummer: str | None = None


class _Unit(_Out):
    organisasjonsnummer: str
    navn: str
    organisasjonsform: Organisasjonsform
    hjemmeside: str | None = None
    postadresse: Adresse | None = None
    registreringsdato_enhetsregisteret: date
    registrert_i_mvaregisteret: bool
    naeringskode1: Kode | None = None
    naeringskode2: Kode | None = None
    naeringskode3: Kode | None = None
    antall_ansatte: int
    har_registrert_antall_ansatte: bool
    overordnet_enhet: str | None = None
    slettedato: date | None = None


class Enhet(_Unit):
    """A main entity (enhet)."""

    forretningsadresse: Adresse | None = None
    stiftelsesdato: IsoDate | None = None
    institusjonell_sektorkode: Kode | None = None
    registrert_i_foretaksregisteret: bool
    registrert_i_stiftelsesregisteret: bool
    registrert_i_frivillighetsregisteret: bool
    konkurs: bool
    konkursdato: date | None = None
    under_avvikling: bool
    under_avvikling_dato: date | None = None
    under_tvangsavvikling_eller_tvangsopplosning: bool
    maalform: str
    vedtektsfestet_formaal: list[str] | None = None
    aktivitet: list[str] | None = None
    links: EnhetLinks = Field(alias="_links")


class Underenhet(_Unit):
    """A sub-unit (underenhet): a place where a main entity does business."""

    oppstartsdato: IsoDate | None = None
    beliggenhetsadresse: Adresse | None = None
    nedleggelsesdato: date | None = None
    links: EnhetLinks = Field(alias="_links")


class Page(_Out):
    size: int
    total_elements: int
    total_pages: int
    number: int


class PageLinks(_Out):
    self_: Href = Field(alias="self")
    first: Href | None = None
    prev: Href | None = None
    next: Href | None = None
    last: Href | None = None


class EnheterEmbedded(_Out):
    enheter: list[Enhet]


class UnderenheterEmbedded(_Out):
    underenheter: list[Underenhet]


class EnheterPage(_Out):
    embedded: EnheterEmbedded | None = Field(None, alias="_embedded")
    links: PageLinks = Field(alias="_links")
    page: Page


class UnderenheterPage(_Out):
    embedded: UnderenheterEmbedded | None = Field(None, alias="_embedded")
    links: PageLinks = Field(alias="_links")
    page: Page


class OppdateringLinks(_Out):
    enhet: Href | None = None
    underenhet: Href | None = None


class Oppdatering(_Out):
    oppdateringsid: int
    dato: str
    organisasjonsnummer: str
    endringstype: Literal["Ny", "Endring", "Sletting", "Fjernet"]
    links: OppdateringLinks = Field(alias="_links")


class OppdaterteEnheter(_Out):
    oppdaterte_enheter: list[Oppdatering]


class OppdaterteUnderenheter(_Out):
    oppdaterte_underenheter: list[Oppdatering]


class OppdateringerEnheter(_Out):
    embedded: OppdaterteEnheter | None = Field(None, alias="_embedded")
    links: PageLinks = Field(alias="_links")
    page: Page


class OppdateringerUnderenheter(_Out):
    embedded: OppdaterteUnderenheter | None = Field(None, alias="_embedded")
    links: PageLinks = Field(alias="_links")
    page: Page


class PersonNavn(_Out):
    fornavn: str
    mellomnavn: str | None = None
    etternavn: str


class RollePerson(_Out):
    fodselsdato: date
    navn: PersonNavn
    er_doed: bool


class RolleEnhet(_Out):
    organisasjonsnummer: str
    organisasjonsform: Organisasjonsform
    navn: list[str]
    er_slettet: bool


class Rolle(_Out):
    type: Kode
    person: RollePerson | None = None
    enhet: RolleEnhet | None = None
    fratraadt: bool
    avregistrert: bool
    rekkefolge: int


class Rollegruppe(_Out):
    type: Kode
    sist_endret: date
    roller: list[Rolle]


class Roller(_Out):
    rollegrupper: list[Rollegruppe]


class OrganisasjonsformerEmbedded(_Out):
    organisasjonsformer: list[Organisasjonsform]


class Organisasjonsformer(_Out):
    embedded: OrganisasjonsformerEmbedded = Field(alias="_embedded")
    links: SelfLink = Field(alias="_links")


# ------------------------------------------------------------------------------ requests


Linje = Annotated[str, StringConstraints(max_length=MAX_TEKSTLINJE)]
Adresselinje = Annotated[str, StringConstraints(max_length=MAX_ADRESSELINJE)]


class _In(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class AdresseInn(_In):
    """An address; poststed and kommune are looked up from postnummer and kommunenummer."""

    adresse: list[Adresselinje] = Field([], max_length=MAX_ADRESSELINJER, examples=[["Storgata 1"]])
    postnummer: str | None = Field(None, max_length=4, examples=["0155"])
    poststed: str | None = Field(None, max_length=60, description="Only for foreign addresses")
    kommunenummer: str | None = Field(None, max_length=4, examples=["0301"])
    landkode: str = Field("NO", min_length=2, max_length=2)


class RolleInn(_In):
    """A role and its holder: a person (fødselsnummer/D-nummer) or a unit (orgnr)."""

    rolletype: str = Field(max_length=4, examples=["DAGL"])
    person: str | None = Field(None, max_length=20, examples=["17868549939"])
    enhet: str | None = Field(None, max_length=20, examples=["974760673"])


class NyEnhet(_In):
    """A main entity to register; organisasjonsnummer is issued unless given."""

    navn: str = Field(min_length=1, max_length=MAX_NAVN, examples=["FJORD OG FJELL AS"])
    organisasjonsform: str = Field(max_length=4, examples=["AS"])
    naeringskode: str | None = Field(None, max_length=6, examples=["62.010"])
    stiftelsesdato: IsoDate | None = None
    organisasjonsnummer: str | None = Field(None, max_length=20)
    forretningsadresse: AdresseInn | None = None
    postadresse: AdresseInn | None = None
    antall_ansatte: int | None = Field(None, ge=0, le=MAX_ANSATTE)
    hjemmeside: str | None = Field(None, max_length=MAX_HJEMMESIDE)
    maalform: Literal["Bokmål", "Nynorsk"] = "Bokmål"
    vedtektsfestet_formaal: list[Linje] | None = Field(None, max_length=MAX_TEKSTLINJER)
    aktivitet: list[Linje] | None = Field(None, max_length=MAX_TEKSTLINJER)
    overordnet_enhet: str | None = Field(None, max_length=20)
    roller: list[RolleInn] = Field([], max_length=MAX_ROLLER)


class NyUnderenhet(_In):
    """A sub-unit to register under an existing main entity."""

    overordnet_enhet: str = Field(max_length=20, examples=[_ORGNR])
    navn: str = Field(min_length=1, max_length=MAX_NAVN, examples=["FJORD OG FJELL AS AVD BERGEN"])
    naeringskode: str | None = Field(None, max_length=6, examples=["62.010"])
    oppstartsdato: IsoDate | None = None
    organisasjonsnummer: str | None = Field(None, max_length=20)
    organisasjonsform: Literal["BEDR", "AAFY"] | None = None
    beliggenhetsadresse: AdresseInn | None = None
    postadresse: AdresseInn | None = None
    antall_ansatte: int | None = Field(None, ge=0, le=MAX_ANSATTE)
    hjemmeside: str | None = Field(None, max_length=MAX_HJEMMESIDE)


class Endring(_In):
    """Fields to change; a field left out (or null) keeps its value."""

    navn: str | None = Field(None, min_length=1, max_length=MAX_NAVN)
    forretningsadresse: AdresseInn | None = Field(
        None, description="For a sub-unit: its beliggenhetsadresse"
    )
    postadresse: AdresseInn | None = None
    naeringskode: str | None = Field(None, max_length=6, examples=["62.020"])
    antall_ansatte: int | None = Field(None, ge=0, le=MAX_ANSATTE, examples=[12])
    hjemmeside: str | None = Field(None, max_length=MAX_HJEMMESIDE)
    vedtektsfestet_formaal: list[Linje] | None = Field(None, max_length=MAX_TEKSTLINJER)
    aktivitet: list[Linje] | None = Field(None, max_length=MAX_TEKSTLINJER)


class NyeRoller(_In):
    """The entity's roles after the change (all of them: roles left out are removed)."""

    roller: list[RolleInn] = Field(max_length=MAX_ROLLER)


class Dato(_In):
    """The date it happened (default today)."""

    dato: IsoDate | None = None


class Avvikling(_In):
    dato: IsoDate | None = None
    tvangsavvikling: StrictBool = Field(False, description="Forced by a court (tvangsoppløsning)")


# ------------------------------------------------------------------------------ examples

_FORM = {
    "kode": "AS",
    "beskrivelse": "Aksjeselskap",
    "_links": {"self": {"href": f"{BASE}/organisasjonsformer/AS"}},
}
_ADRESSE = {
    "land": "Norge",
    "landkode": "NO",
    "postnummer": "0155",
    "poststed": "OSLO",
    "adresse": ["Storgata 1"],
    "kommune": "OSLO",
    "kommunenummer": "0301",
}
EXAMPLE_ENHET: Final[dict[str, Any]] = {
    "organisasjonsnummer": _ORGNR,
    "navn": "FJORD OG FJELL AS",
    "organisasjonsform": _FORM,
    "registreringsdatoEnhetsregisteret": "2025-06-01",
    "registrertIMvaregisteret": True,
    "naeringskode1": {"kode": "62.010", "beskrivelse": "Programmeringstjenester"},
    "antallAnsatte": 12,
    "harRegistrertAntallAnsatte": True,
    "forretningsadresse": _ADRESSE,
    "stiftelsesdato": "2025-05-20",
    "institusjonellSektorkode": {"kode": "2100", "beskrivelse": "Private aksjeselskaper mv."},
    "registrertIForetaksregisteret": True,
    "registrertIStiftelsesregisteret": False,
    "registrertIFrivillighetsregisteret": False,
    "konkurs": False,
    "underAvvikling": False,
    "underTvangsavviklingEllerTvangsopplosning": False,
    "maalform": "Bokmål",
    "_links": {"self": {"href": f"{BASE}/enheter/{_ORGNR}"}},
}
EXAMPLE_UNDERENHET: Final[dict[str, Any]] = {
    "organisasjonsnummer": _UNDERENHET,
    "navn": "FJORD OG FJELL AS",
    "organisasjonsform": _FORM
    | {
        "kode": "BEDR",
        "beskrivelse": "Underenhet til næringsdrivende og offentlig forvaltning",
        "_links": {"self": {"href": f"{BASE}/organisasjonsformer/BEDR"}},
    },
    "registreringsdatoEnhetsregisteret": "2025-06-01",
    "registrertIMvaregisteret": True,
    "naeringskode1": {"kode": "62.010", "beskrivelse": "Programmeringstjenester"},
    "antallAnsatte": 12,
    "harRegistrertAntallAnsatte": True,
    "overordnetEnhet": _ORGNR,
    "oppstartsdato": "2025-06-01",
    "beliggenhetsadresse": _ADRESSE,
    "_links": {
        "self": {"href": f"{BASE}/underenheter/{_UNDERENHET}"},
        "overordnetEnhet": {"href": f"{BASE}/enheter/{_ORGNR}"},
    },
}


def page_example(key: str, item: dict[str, Any], path: str) -> dict[str, Any]:
    return {
        "_embedded": {key: [item]},
        "_links": {"self": {"href": f"{BASE}{path}?navn=fjord&page=0&size=20"}},
        "page": {"size": 20, "totalElements": 1, "totalPages": 1, "number": 0},
    }


EXAMPLE_ROLLER: Final[dict[str, Any]] = {
    "rollegrupper": [
        {
            "type": {"kode": "DAGL", "beskrivelse": "Daglig leder/ adm.direktør"},
            "sistEndret": "2025-06-01",
            "roller": [
                {
                    "type": {"kode": "DAGL", "beskrivelse": "Daglig leder/ adm.direktør"},
                    "person": {
                        "fodselsdato": "1985-06-17",
                        "navn": {"fornavn": "Kari", "etternavn": "Nordmann"},
                        "erDoed": False,
                    },
                    "fratraadt": False,
                    "avregistrert": False,
                    "rekkefolge": 0,
                }
            ],
        },
        {
            "type": {"kode": "REVI", "beskrivelse": "Revisor"},
            "sistEndret": "2025-06-01",
            "roller": [
                {
                    "type": {"kode": "REVI", "beskrivelse": "Revisor"},
                    "enhet": {
                        "organisasjonsnummer": "398765435",
                        "organisasjonsform": _FORM,
                        "navn": ["REVISJON OG RÅD AS"],
                        "erSlettet": False,
                    },
                    "fratraadt": False,
                    "avregistrert": False,
                    "rekkefolge": 1,
                }
            ],
        },
    ]
}


def feed_example(key: str, link: str) -> dict[str, Any]:
    return {
        "_embedded": {
            key: [
                {
                    "oppdateringsid": 1,
                    "dato": "2025-06-01T12:00:00+00:00",
                    "organisasjonsnummer": _ORGNR,
                    "endringstype": "Ny",
                    "_links": {link: {"href": f"{BASE}/{link}er/{_ORGNR}"}},
                }
            ]
        },
        "_links": {"self": {"href": f"{BASE}/oppdateringer/{link}er?oppdateringsid=1"}},
        "page": {"size": 20, "totalElements": 1, "totalPages": 1, "number": 0},
    }
