"""HTTP API of the property registry: Matrikkelen's units and Grunnboken's owners.

Kartverket's own interfaces are closed (the Matrikkel API and Grunnboken's
eiendomsinformasjon are SOAP services for licensed users), so felles offers a plain REST
JSON API with the field names of their data models: a unit's ``matrikkelnummer``
{kommunenummer, gaardsnummer, bruksnummer, festenummer, seksjonsnummer}, its
``matrikkelenhetstype``, and its ``hjemmelshavere`` with ``andel`` {teller, nevner}.

Reading: a unit by matrikkelnummer (``/matrikkelenheter/{kommunenummer}/{gaardsnummer}/
{bruksnummer}/{festenummer}/{seksjonsnummer}``), its owner history (``…/hjemmelshistorikk``),
the units at an address or on a gård (``/matrikkelenheter?…``) and the units a person or
entity owns (``/hjemmelshavere/{identifikasjonsnummer}/matrikkelenheter``).

Writing (``/registreringer/…``, felles additions for test teams): what surveyors report to
Matrikkelen and what is tinglyst in Grunnboken.

Owners are personal data: reading needs the operator's bearer token or an access token with
the scope ``kartverk:eiendom.read``, and the people among the owners in an answer to a token
caller are written to the access log before it goes out (``felles.kernel.web.record_release``;
dataset ``eiendom.eierskap``). Writing needs the operator's token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Annotated, Any, Final, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request, status
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session

from felles.kernel.db import UnitOfWork, run_command
from felles.kernel.errors import InvalidInput, NotFound
from felles.kernel.web import (
    ACCESS_RESPONSES,
    MAX_BIGINT,
    RELEASE_RESPONSES,
    AdminOnly,
    Caller,
    DatabaseDep,
    Release,
    problem_doc,
    record_release,
    require_access,
)
from felles.registries.adresser import queries as adresser
from felles.registries.eiendom import operations, queries
from felles.registries.eiendom.operations.ownership import MAX_PARTIES
from felles.registries.eiendom.operations.units import MAX_ADDRESSES
from felles.registries.eiendom.values import (
    MAX_AREAL,
    MAX_BRUKSNUMMER,
    MAX_FESTENUMMER,
    MAX_GAARDSNUMMER,
    MAX_NEVNER,
    MAX_SEKSJONSNUMMER,
    MAX_VEDERLAG,
    Dokumenttype,
    Hjemmelshavertype,
    Matrikkelenhetstype,
    Matrikkelnummer,
    Overdragelsestype,
    parse_hjemmelshaver,
)

T = TypeVar("T")

PREFIX: Final = "/eiendom/api/v1"
#: Maskinporten scope for reading the cadastre and the land register; Kartverket's real one
#: was not found, so felles names one in its style.
SCOPE: Final = "kartverk:eiendom.read"

#: The access log's dataset (``felles.access.datasets``) of what a person owns.
DATASET: Final = "eiendom.eierskap"
DATASET_FIELDS: Final = ("eiendommer",)

router = APIRouter(prefix=PREFIX, tags=["eiendom (Matrikkelen og Grunnboken)"])
#: The guard of the reads, one callable so that FastAPI runs it once per request.
_reader = require_access(SCOPE)
Reader = Annotated[Caller, Depends(_reader)]

Responses = dict[int | str, dict[str, Any]]
UNAUTHORIZED: Final[Responses] = {401: problem_doc("No or invalid bearer token")}
INVALID: Final[Responses] = {422: problem_doc("Invalid input; nothing was written")}
NO_UNIT: Final[Responses] = {404: problem_doc("No cadastral unit has this matrikkelnummer")}
READ: Final[Responses] = {**ACCESS_RESPONSES, **INVALID, **RELEASE_RESPONSES}
WRITE: Final[Responses] = {
    **UNAUTHORIZED,
    404: problem_doc("A unit, person or entity named in the request is not registered"),
    409: problem_doc("The register's current state does not allow this; nothing was written"),
    **INVALID,
}

_KARI, _OLA, _PER = "14838549870", "02918349939", "20852599910"
_ORGNR = "974760673"


# ------------------------------------------------------------------------------ models


def _date_text(value: Any) -> Any:
    """A date in a request is text (``2024-06-01``), not a number of seconds since 1970."""
    if not isinstance(value, str | date):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


Dato = Annotated[date, BeforeValidator(_date_text)]


class _Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class _Request(BaseModel):
    # Numbers are strict (``Field(strict=True)``): JSON false is not a seksjonsnummer.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class MatrikkelnummerJson(_Request):
    """A cadastral unit's number; festenummer and seksjonsnummer are 0 when absent."""

    model_config = ConfigDict(
        title="Matrikkelnummer",
        json_schema_extra={
            "examples": [
                {
                    "kommunenummer": "0301",
                    "gaardsnummer": 208,
                    "bruksnummer": 112,
                    "festenummer": 0,
                    "seksjonsnummer": 0,
                }
            ]
        },
    )

    kommunenummer: str = Field(pattern=r"^\d{4}$")
    gaardsnummer: int = Field(ge=1, le=MAX_GAARDSNUMMER, strict=True)
    bruksnummer: int = Field(ge=1, le=MAX_BRUKSNUMMER, strict=True)
    festenummer: int = Field(0, ge=0, le=MAX_FESTENUMMER, strict=True)
    seksjonsnummer: int = Field(0, ge=0, le=MAX_SEKSJONSNUMMER, strict=True)

    def value(self) -> Matrikkelnummer:
        return Matrikkelnummer(
            self.kommunenummer,
            self.gaardsnummer,
            self.bruksnummer,
            self.festenummer,
            self.seksjonsnummer,
        )

    @classmethod
    def of(cls, number: Matrikkelnummer) -> MatrikkelnummerJson:
        return cls(
            kommunenummer=number.kommunenummer,
            gaardsnummer=number.gaardsnummer,
            bruksnummer=number.bruksnummer,
            festenummer=number.festenummer,
            seksjonsnummer=number.seksjonsnummer,
        )


class AndelJson(_Request):
    """An exact share teller/nevner, above 0 and at most 1 (e.g. 1/2)."""

    model_config = ConfigDict(
        title="Andel", json_schema_extra={"examples": [{"teller": 1, "nevner": 2}]}
    )

    teller: int = Field(ge=1, le=MAX_NEVNER, strict=True)
    nevner: int = Field(ge=1, le=MAX_NEVNER, strict=True)

    def value(self) -> Fraction:
        if self.teller > self.nevner:
            raise InvalidInput("andel: teller must be at most nevner (a share is at most 1)")
        return Fraction(self.teller, self.nevner)

    @classmethod
    def of(cls, share: Fraction) -> AndelJson:
        return cls(teller=share.numerator, nevner=share.denominator)


class Adresse(_Schema):
    """A street address on the unit, from the address register."""

    adresse_identifikator_fra_matrikkelen: int
    adressetekst: str = Field(description="Street name, number and letter, e.g. 'Storgata 5B'")
    postnummer: str
    poststed: str


class Hjemmelshaver(_Schema):
    """A current owner and its share, since which document."""

    identifikasjonsnummer: str = Field(
        description="Fødselsnummer or D-nummer (11 digits) or organisasjonsnummer (9 digits)"
    )
    hjemmelshavertype: Hjemmelshavertype
    andel: AndelJson
    fra_og_med: date = Field(description="The date of the document that gave this share")
    dokumentnummer: int


_MNR_EXAMPLE: Final[dict[str, Any]] = {
    "kommunenummer": "0301",
    "gaardsnummer": 208,
    "bruksnummer": 112,
    "festenummer": 0,
    "seksjonsnummer": 0,
}
_UNIT_EXAMPLE: Final[dict[str, Any]] = {
    "matrikkelnummer": _MNR_EXAMPLE,
    "matrikkelnummertekst": "0301-208/112/0/0",
    "matrikkelenhetstype": "grunneiendom",
    "kommunenavn": "OSLO",
    "areal": 812.5,
    "adresser": [
        {
            "adresseIdentifikatorFraMatrikkelen": 1,
            "adressetekst": "Storgata 5B",
            "postnummer": "0184",
            "poststed": "OSLO",
        }
    ],
    "hjemmelshavere": [
        {
            "identifikasjonsnummer": _PER,
            "hjemmelshavertype": "person",
            "andel": {"teller": 1, "nevner": 2},
            "fraOgMed": "2024-06-01",
            "dokumentnummer": 2,
        },
        {
            "identifikasjonsnummer": _ORGNR,
            "hjemmelshavertype": "enhet",
            "andel": {"teller": 1, "nevner": 2},
            "fraOgMed": "2024-06-01",
            "dokumentnummer": 2,
        },
    ],
    "opprettet": "2010-05-01T09:00:00+00:00",
    "endret": "2024-06-01T09:00:00+00:00",
}


class Matrikkelenhet(_Schema):
    """A cadastral unit with its addresses and current owners (largest share first)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_UNIT_EXAMPLE]})

    matrikkelnummer: MatrikkelnummerJson
    matrikkelnummertekst: str = Field(description="kommunenummer-gnr/bnr/fnr/snr")
    matrikkelenhetstype: Matrikkelenhetstype
    kommunenavn: str
    areal: float | None = Field(description="Area in square metres, when known")
    adresser: list[Adresse]
    hjemmelshavere: list[Hjemmelshaver]
    opprettet: datetime
    endret: datetime


class Matrikkelenheter(_Schema):
    matrikkelenheter: list[Matrikkelenhet]


class Eierandel(_Schema):
    """A unit and the share of it the person or entity holds."""

    andel: AndelJson
    fra_og_med: date
    dokumentnummer: int
    matrikkelenhet: Matrikkelenhet


class Eiendommer(_Schema):
    identifikasjonsnummer: str
    eiendommer: list[Eierandel]


class Dokument(_Schema):
    """A registered document (its id is the dokumentnummer)."""

    dokumentnummer: int
    dokumenttype: Dokumenttype
    dato: date
    vederlag: int | None = Field(None, description="Purchase price in NOK, when stated")
    registrert: datetime | None = None


class Historikkinnslag(_Schema):
    """One owner's share over a period; ``tilOgMed`` is null while it is current."""

    identifikasjonsnummer: str
    hjemmelshavertype: Hjemmelshavertype
    andel: AndelJson
    fra_og_med: date
    til_og_med: date | None
    fra_dokument: int
    til_dokument: int | None


class Hjemmelshistorikk(_Schema):
    matrikkelnummer: MatrikkelnummerJson
    dokumenter: list[Dokument]
    hjemmelshavere: list[Historikkinnslag]


class Part(_Schema):
    identifikasjonsnummer: str
    hjemmelshavertype: Hjemmelshavertype
    andel: AndelJson


class Tinglysing(_Schema):
    """A registered document, the shares it moved and the unit after it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dokument": {
                        "dokumentnummer": 2,
                        "dokumenttype": "skjoete",
                        "dato": "2024-06-01",
                        "vederlag": 4500000,
                    },
                    "fra": [
                        {
                            "identifikasjonsnummer": _KARI,
                            "hjemmelshavertype": "person",
                            "andel": {"teller": 1, "nevner": 1},
                        }
                    ],
                    "til": [
                        {
                            "identifikasjonsnummer": _PER,
                            "hjemmelshavertype": "person",
                            "andel": {"teller": 1, "nevner": 2},
                        },
                        {
                            "identifikasjonsnummer": _ORGNR,
                            "hjemmelshavertype": "enhet",
                            "andel": {"teller": 1, "nevner": 2},
                        },
                    ],
                    "matrikkelenhet": _UNIT_EXAMPLE,
                }
            ]
        }
    )

    dokument: Dokument
    fra: list[Part]
    til: list[Part]
    matrikkelenhet: Matrikkelenhet


class NyMatrikkelenhet(_Request):
    """A cadastral unit to register, with the ids of the street addresses on it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "matrikkelnummer": {
                        "kommunenummer": "0301",
                        "gaardsnummer": 208,
                        "bruksnummer": 112,
                    },
                    "matrikkelenhetstype": "grunneiendom",
                    "areal": 812.5,
                    "adresser": [1],
                }
            ]
        }
    )

    matrikkelnummer: MatrikkelnummerJson
    matrikkelenhetstype: Matrikkelenhetstype
    areal: float | None = Field(None, gt=0, le=MAX_AREAL, strict=True, description="Square metres")
    adresser: list[Annotated[int, Field(ge=1, le=MAX_BIGINT, strict=True)]] = Field(
        default_factory=list,
        max_length=MAX_ADDRESSES,
        description="adresseIdentifikatorFraMatrikkelen of the street addresses on the unit",
    )


class Adressekobling(_Request):
    """A street address and the unit it lies on."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "matrikkelnummer": {
                        "kommunenummer": "0301",
                        "gaardsnummer": 208,
                        "bruksnummer": 112,
                    },
                    "adresseIdentifikatorFraMatrikkelen": 1,
                }
            ]
        }
    )

    matrikkelnummer: MatrikkelnummerJson
    adresse_identifikator_fra_matrikkelen: int = Field(ge=1, le=MAX_BIGINT, strict=True)


_IDENT_DOC: Final = "Fødselsnummer or D-nummer (11 digits) or organisasjonsnummer (9 digits)"


class NyHjemmelshaver(_Request):
    identifikasjonsnummer: str = Field(max_length=20, description=_IDENT_DOC)
    andel: AndelJson


class Giver(_Request):
    identifikasjonsnummer: str = Field(max_length=20, description=_IDENT_DOC)
    andel: AndelJson | None = Field(None, description="Left out: the giver's whole share")


class NyeHjemmelshavere(_Request):
    """A unit's first owners (etablering); their shares must sum to 1."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "matrikkelnummer": {
                        "kommunenummer": "0301",
                        "gaardsnummer": 208,
                        "bruksnummer": 112,
                    },
                    "dato": "2010-05-01",
                    "hjemmelshavere": [
                        {"identifikasjonsnummer": _KARI, "andel": {"teller": 1, "nevner": 2}},
                        {"identifikasjonsnummer": _OLA, "andel": {"teller": 1, "nevner": 2}},
                    ],
                }
            ]
        }
    )

    matrikkelnummer: MatrikkelnummerJson
    dato: Dato
    hjemmelshavere: list[NyHjemmelshaver] = Field(min_length=1, max_length=MAX_PARTIES)


class NyTinglysing(_Request):
    """A skjøte, arv or skifte: shares move from ``fra`` to ``til`` (equal sums)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "matrikkelnummer": {
                        "kommunenummer": "0301",
                        "gaardsnummer": 208,
                        "bruksnummer": 112,
                    },
                    "dokumenttype": "skjoete",
                    "dato": "2024-06-01",
                    "vederlag": 4500000,
                    "fra": [{"identifikasjonsnummer": _KARI}, {"identifikasjonsnummer": _OLA}],
                    "til": [
                        {"identifikasjonsnummer": _PER, "andel": {"teller": 1, "nevner": 2}},
                        {"identifikasjonsnummer": _ORGNR, "andel": {"teller": 1, "nevner": 2}},
                    ],
                }
            ]
        }
    )

    matrikkelnummer: MatrikkelnummerJson
    dokumenttype: Overdragelsestype
    dato: Dato
    vederlag: int | None = Field(None, ge=0, le=MAX_VEDERLAG, strict=True, description="NOK")
    fra: list[Giver] = Field(min_length=1, max_length=MAX_PARTIES)
    til: list[NyHjemmelshaver] = Field(min_length=1, max_length=MAX_PARTIES)


# --------------------------------------------------------------------------- the view


def _utc(instant: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives naive values, which are UTC in felles)."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def _adressetekst(adresse: Any) -> str:
    return f"{adresse.adressenavn} {adresse.husnummer}{adresse.husbokstav or ''}"


def to_matrikkelenheter(
    session: Session, views: Sequence[queries.UnitView]
) -> list[Matrikkelenhet]:
    """The API shape of unit views (their addresses read from the address register)."""
    found = adresser.addresses_by_ids(
        session, ids=sorted({a for view in views for a in view.adresse_ids})
    )
    result = []
    for view in views:
        unit, number = view.unit, view.matrikkelnummer
        result.append(
            Matrikkelenhet(
                matrikkelnummer=MatrikkelnummerJson.of(number),
                matrikkelnummertekst=str(number),
                matrikkelenhetstype=unit.matrikkelenhetstype,
                kommunenavn=adresser.kommunenavn(kommunenummer=number.kommunenummer),
                areal=unit.areal,
                adresser=[
                    Adresse(
                        adresse_identifikator_fra_matrikkelen=a.id,
                        adressetekst=_adressetekst(a),
                        postnummer=a.postnummer,
                        poststed=a.poststed,
                    )
                    for a in (found.get(i) for i in view.adresse_ids)
                    if a is not None
                ],
                hjemmelshavere=[
                    Hjemmelshaver(
                        identifikasjonsnummer=share.hjemmelshaver,
                        hjemmelshavertype=share.hjemmelshavertype,
                        andel=AndelJson.of(share.andel),
                        fra_og_med=share.gyldig_fra,
                        dokumentnummer=share.fra_dokument,
                    )
                    for share in view.hjemmelshavere
                ],
                opprettet=_utc(unit.opprettet),
                endret=_utc(unit.endret),
            )
        )
    return result


def _matrikkelenhet(session: Session, number: Matrikkelnummer) -> Matrikkelenhet:
    view = queries.unit_view(session, number)
    if view is None:
        raise NotFound(f"No cadastral unit {number} is registered")
    return to_matrikkelenheter(session, [view])[0]


def _parts(parts: Sequence[operations.Part]) -> list[Part]:
    return [
        Part(
            identifikasjonsnummer=p.hjemmelshaver,
            hjemmelshavertype=p.hjemmelshavertype,
            andel=AndelJson.of(p.andel),
        )
        for p in parts
    ]


def _tinglysing(session: Session, result: operations.Tinglyst) -> Tinglysing:
    return Tinglysing(
        dokument=Dokument(
            dokumentnummer=result.dokumentnummer,
            dokumenttype=result.dokumenttype,
            dato=result.dato,
            vederlag=result.vederlag,
        ),
        fra=_parts(result.fra),
        til=_parts(result.til),
        matrikkelenhet=_matrikkelenhet(session, result.matrikkelnummer),
    )


# ----------------------------------------------------------------------------- reading


def _persons(owners: Iterable[Hjemmelshaver | Historikkinnslag]) -> list[str]:
    """The people among ``owners`` (entities are not logged), each once."""
    return list(
        dict.fromkeys(o.identifikasjonsnummer for o in owners if o.hjemmelshavertype == "person")
    )


def _owners_of(units: Iterable[Matrikkelenhet]) -> list[Hjemmelshaver]:
    return [owner for unit in units for owner in unit.hjemmelshavere]


def _record(request: Request, caller: Caller, persons: list[str]) -> None:
    """Report the people whose ownership an answer shows (after it is built)."""
    if persons:
        record_release(request, caller, Release(DATASET, SCOPE, persons, DATASET_FIELDS))


def matrikkelnummer_path(
    kommunenummer: Annotated[str, Path(pattern=r"^\d{4}$", examples=["0301"])],
    gaardsnummer: Annotated[int, Path(ge=1, le=MAX_GAARDSNUMMER, examples=[208])],
    bruksnummer: Annotated[int, Path(ge=1, le=MAX_BRUKSNUMMER, examples=[112])],
    festenummer: Annotated[int, Path(ge=0, le=MAX_FESTENUMMER, examples=[0])],
    seksjonsnummer: Annotated[int, Path(ge=0, le=MAX_SEKSJONSNUMMER, examples=[0])],
) -> Matrikkelnummer:
    return Matrikkelnummer(kommunenummer, gaardsnummer, bruksnummer, festenummer, seksjonsnummer)


MatrikkelnummerPath = Annotated[Matrikkelnummer, Depends(matrikkelnummer_path)]
UNIT_PATH: Final = (
    "/matrikkelenheter/{kommunenummer}/{gaardsnummer}/{bruksnummer}/{festenummer}/{seksjonsnummer}"
)


@router.get(
    UNIT_PATH,
    response_model=Matrikkelenhet,
    summary="A cadastral unit by matrikkelnummer, with its addresses and owners",
    responses={**READ, **NO_UNIT},
)
def hent_matrikkelenhet(
    database: DatabaseDep, request: Request, caller: Reader, number: MatrikkelnummerPath
) -> Matrikkelenhet:
    """The unit, the street addresses on it and its current hjemmelshavere."""
    with database.read_session() as session:
        answer = _matrikkelenhet(session, number)
    _record(request, caller, _persons(answer.hjemmelshavere))
    return answer


@router.get(
    UNIT_PATH + "/hjemmelshistorikk",
    response_model=Hjemmelshistorikk,
    summary="Who owned which share of the unit from when to when, and the documents",
    responses={**READ, **NO_UNIT},
)
def hent_hjemmelshistorikk(
    database: DatabaseDep, request: Request, caller: Reader, number: MatrikkelnummerPath
) -> Hjemmelshistorikk:
    """Every share ever registered on the unit (oldest first) and every document."""
    with database.read_session() as session:
        unit = queries.get_unit(session, number)
        if unit is None:
            raise NotFound(f"No cadastral unit {number} is registered")
        answer = Hjemmelshistorikk(
            matrikkelnummer=MatrikkelnummerJson.of(number),
            dokumenter=[
                Dokument(
                    dokumentnummer=d.id,
                    dokumenttype=d.dokumenttype,
                    dato=d.dato,
                    vederlag=d.vederlag,
                    registrert=_utc(d.registrert),
                )
                for d in queries.documents(session, unit_id=unit.id)
            ],
            hjemmelshavere=[
                Historikkinnslag(
                    identifikasjonsnummer=s.hjemmelshaver,
                    hjemmelshavertype=s.hjemmelshavertype,
                    andel=AndelJson.of(s.andel),
                    fra_og_med=s.gyldig_fra,
                    til_og_med=s.gyldig_til,
                    fra_dokument=s.fra_dokument,
                    til_dokument=s.til_dokument,
                )
                for s in queries.owner_history(session, unit_id=unit.id)
            ],
        )
    _record(request, caller, _persons(answer.hjemmelshavere))
    return answer


@router.get(
    "/matrikkelenheter",
    response_model=Matrikkelenheter,
    summary="The units at an address, or on a gård (kommunenummer + gaardsnummer)",
    responses=READ,
)
def sok_matrikkelenheter(
    database: DatabaseDep,
    request: Request,
    caller: Reader,
    adresseIdentifikatorFraMatrikkelen: Annotated[  # noqa: N803 - the address register's name
        int | None, Query(ge=1, le=MAX_BIGINT, description="The units this address lies on")
    ] = None,
    kommunenummer: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    gaardsnummer: Annotated[int | None, Query(ge=1, le=MAX_GAARDSNUMMER)] = None,
    bruksnummer: Annotated[int | None, Query(ge=1, le=MAX_BRUKSNUMMER)] = None,
) -> Matrikkelenheter:
    """Give an address id, or a kommunenummer with a gaardsnummer (and a bruksnummer)."""
    with database.read_session() as session:
        if adresseIdentifikatorFraMatrikkelen is not None:
            units = queries.units_at_address(session, adresse_id=adresseIdentifikatorFraMatrikkelen)
        elif kommunenummer is not None and gaardsnummer is not None:
            units = queries.units_on_gaard(
                session,
                kommunenummer=kommunenummer,
                gaardsnummer=gaardsnummer,
                bruksnummer=bruksnummer,
            )
        else:
            raise InvalidInput(
                "Give adresseIdentifikatorFraMatrikkelen, or kommunenummer and gaardsnummer"
            )
        views = queries.unit_views(session, units)
        answer = Matrikkelenheter(matrikkelenheter=to_matrikkelenheter(session, views))
    _record(request, caller, _persons(_owners_of(answer.matrikkelenheter)))
    return answer


@router.get(
    "/hjemmelshavere/{identifikasjonsnummer}/matrikkelenheter",
    response_model=Eiendommer,
    summary="The units a person or entity owns now, with its share of each",
    responses=READ,
)
def hent_eiendommer(
    database: DatabaseDep,
    request: Request,
    caller: Reader,
    identifikasjonsnummer: Annotated[str, Path(max_length=20, description=_IDENT_DOC)],
) -> Eiendommer:
    """The shares the person (fødselsnummer/D-nummer) or entity (orgnr) holds now."""
    owner = parse_hjemmelshaver(identifikasjonsnummer, field="identifikasjonsnummer")
    with database.read_session() as session:
        shares = queries.owned_by(session, ident=owner.ident)
        units = queries.units_by_id(session, ids={s.matrikkelenhet_id for s in shares})
        views = queries.unit_views(session, [units[s.matrikkelenhet_id] for s in shares])
        shown = to_matrikkelenheter(session, views)
        answer = Eiendommer(
            identifikasjonsnummer=owner.ident,
            eiendommer=[
                Eierandel(
                    andel=AndelJson.of(s.andel),
                    fra_og_med=s.gyldig_fra,
                    dokumentnummer=s.fra_dokument,
                    matrikkelenhet=unit,
                )
                for s, unit in zip(shares, shown, strict=True)
            ],
        )
    # The owner (when a person) and the people owning the same units with them; an owner
    # with no units is not logged (nothing of theirs was found).
    _record(request, caller, _persons(_owners_of(shown)))
    return answer


# ----------------------------------------------------------------------------- writing


def _unit_after(number: Matrikkelnummer) -> Callable[[Session, object], Matrikkelenhet]:
    """The answer of a command that changes one unit: the unit as it is now."""
    return lambda session, _result: _matrikkelenhet(session, number)


@router.post(
    "/registreringer/matrikkelenhet",
    dependencies=[AdminOnly],
    status_code=status.HTTP_201_CREATED,
    response_model=Matrikkelenhet,
    summary="Register a cadastral unit with its addresses (felles addition)",
    responses=WRITE,
)
def registrer_matrikkelenhet(database: DatabaseDep, body: NyMatrikkelenhet) -> Matrikkelenhet:
    """Register a unit (in the real Matrikkelen: after a survey, oppmålingsforretning)."""

    def command(uow: UnitOfWork) -> None:
        operations.register_unit(
            uow,
            matrikkelnummer=body.matrikkelnummer.value(),
            matrikkelenhetstype=body.matrikkelenhetstype,
            areal=body.areal,
            adresse_ids=body.adresser,
        )

    return run_command(database, command, _unit_after(body.matrikkelnummer.value()))


@router.post(
    "/registreringer/adressekobling",
    dependencies=[AdminOnly],
    status_code=status.HTTP_201_CREATED,
    response_model=Matrikkelenhet,
    summary="Link a street address to the unit it lies on (felles addition)",
    responses=WRITE,
)
def registrer_adressekobling(database: DatabaseDep, body: Adressekobling) -> Matrikkelenhet:
    """The address must be in the unit's municipality and on no other unit."""

    def command(uow: UnitOfWork) -> None:
        operations.link_address(
            uow,
            matrikkelnummer=body.matrikkelnummer.value(),
            adresse_id=body.adresse_identifikator_fra_matrikkelen,
        )

    return run_command(database, command, _unit_after(body.matrikkelnummer.value()))


@router.post(
    "/registreringer/adressefrakobling",
    dependencies=[AdminOnly],
    response_model=Matrikkelenhet,
    summary="Unlink a street address from the unit it lies on (felles addition)",
    responses=WRITE,
)
def registrer_adressefrakobling(database: DatabaseDep, body: Adressekobling) -> Matrikkelenhet:
    """The address must lie on this unit (404 otherwise)."""

    def command(uow: UnitOfWork) -> None:
        operations.unlink_address(
            uow,
            matrikkelnummer=body.matrikkelnummer.value(),
            adresse_id=body.adresse_identifikator_fra_matrikkelen,
        )

    return run_command(database, command, _unit_after(body.matrikkelnummer.value()))


@router.post(
    "/registreringer/hjemmel",
    dependencies=[AdminOnly],
    status_code=status.HTTP_201_CREATED,
    response_model=Tinglysing,
    summary="Register the first owners of a unit without owners (felles addition)",
    responses=WRITE,
)
def registrer_hjemmel(database: DatabaseDep, body: NyeHjemmelshavere) -> Tinglysing:
    """An etablering document: the owners' shares must sum to exactly 1."""

    def command(uow: UnitOfWork) -> operations.Tinglyst:
        return operations.register_ownership(
            uow,
            matrikkelnummer=body.matrikkelnummer.value(),
            hjemmelshavere=[
                operations.Andel(h.identifikasjonsnummer, h.andel.value())
                for h in body.hjemmelshavere
            ],
            dato=body.dato,
        )

    return run_command(database, command, _tinglysing)


@router.post(
    "/registreringer/tinglysing",
    dependencies=[AdminOnly],
    status_code=status.HTTP_201_CREATED,
    response_model=Tinglysing,
    summary="Register a skjøte, arv or skifte moving shares of a unit (felles addition)",
    responses=WRITE,
)
def registrer_tinglysing(database: DatabaseDep, body: NyTinglysing) -> Tinglysing:
    """Shares move from ``fra`` to ``til`` atomically; the sums must be equal.

    A skjøte needs living givers; an arv passes a deceased person's shares; a skifte may
    be either. Nobody dead and no deleted entity may receive a share.
    """

    def command(uow: UnitOfWork) -> operations.Tinglyst:
        return operations.register_transfer(
            uow,
            matrikkelnummer=body.matrikkelnummer.value(),
            dokumenttype=body.dokumenttype,
            dato=body.dato,
            vederlag=body.vederlag,
            fra=[
                operations.Andel(g.identifikasjonsnummer, g.andel.value() if g.andel else None)
                for g in body.fra
            ],
            til=[operations.Andel(h.identifikasjonsnummer, h.andel.value()) for h in body.til],
        )

    return run_command(database, command, _tinglysing)
