"""HTTP API of the address register, shaped like Kartverket's open address API.

``GET /adresser/v1/sok`` mirrors https://ws.geonorge.no/adresser/v1/sok: the same parameter
names and the same response (``metadata`` + ``adresser``). Addresses are open data, so the
search needs no token. Registering an address is a felles addition for test teams and needs
the admin token.

Fields Kartverket has but the synthetic register does not (cadastral numbers gardsnummer /
bruksnummer / festenummer, representasjonspunkt, oppdateringsdato) are left out rather than
invented. ``adresseIdentifikatorFraMatrikkelen`` is a felles addition: the id Folkeregisteret
uses for a bostedsadresse.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from felles.kernel.errors import NotFound
from felles.kernel.web import MAX_BIGINT, MAX_INT, AdminOnly, DatabaseDep, problem_doc
from felles.registries.adresser import operations, queries
from felles.registries.adresser.model import Vegadresse

router = APIRouter(prefix="/adresser/v1", tags=["adresser (Matrikkelen)"])

MAX_TREFF_PER_SIDE = 1000
MAX_SIDE = MAX_BIGINT // MAX_TREFF_PER_SIDE  # the row offset side * treffPerSide fits a BIGINT


class Adresse(BaseModel):
    """A street address as Kartverket's address API returns it."""

    adressenavn: str
    adressetekst: str = Field(description="Street name, number and letter, e.g. 'Storgata 5B'")
    adressetilleggsnavn: str | None = None
    adressekode: int
    nummer: int
    bokstav: str = Field(description="House letter; empty string when there is none")
    kommunenummer: str
    kommunenavn: str
    undernummer: int | None = None
    bruksenhetsnummer: list[str]
    objtype: Literal["Vegadresse"] = "Vegadresse"
    poststed: str
    postnummer: str
    adressetekstutenadressetilleggsnavn: str
    adresseIdentifikatorFraMatrikkelen: int = Field(  # noqa: N815 - the real field name
        description="felles addition: the address id, as Folkeregisteret refers to it"
    )


class Metadata(BaseModel):
    side: int
    treffPerSide: int  # noqa: N815 - Kartverket's field names
    totaltAntallTreff: int  # noqa: N815
    viserFra: int  # noqa: N815
    viserTil: int  # noqa: N815
    sokeStreng: str  # noqa: N815
    asciiKompatibel: bool  # noqa: N815


class Sokeresultat(BaseModel):
    metadata: Metadata
    adresser: list[Adresse]


class NyVegadresse(BaseModel):
    """A street address to register (felles addition for test teams)."""

    model_config = ConfigDict(extra="forbid")

    kommunenummer: str = Field(pattern=r"^\d{4}$", examples=["0301"])
    adressenavn: str = Field(min_length=1, max_length=100, examples=["Storgata"])
    adressekode: int = Field(ge=1, le=operations.MAX_ADRESSEKODE, examples=[12345])
    nummer: int = Field(ge=1, le=operations.MAX_HUSNUMMER, examples=[5])
    bokstav: str | None = Field(default=None, max_length=1, examples=["B"])
    postnummer: str = Field(pattern=r"^\d{4}$", examples=["0184"])
    antallBruksenheter: int = Field(  # noqa: N815 - same style as the response
        default=1, ge=1, le=operations.MAX_BRUKSENHETER
    )


def _adressetekst(address: Vegadresse) -> str:
    return f"{address.adressenavn} {address.husnummer}{address.husbokstav or ''}"


def to_adresse(address: Vegadresse) -> Adresse:
    """The API shape of an address row."""
    text = _adressetekst(address)
    return Adresse(
        adressenavn=address.adressenavn,
        adressetekst=text,
        adressekode=address.adressekode,
        nummer=address.husnummer,
        bokstav=address.husbokstav or "",
        kommunenummer=address.kommunenummer,
        kommunenavn=queries.kommunenavn(kommunenummer=address.kommunenummer),
        bruksenhetsnummer=queries.bruksenhetsnumre(antall_bruksenheter=address.antall_bruksenheter),
        poststed=address.poststed,
        postnummer=address.postnummer,
        adressetekstutenadressetilleggsnavn=text,
        adresseIdentifikatorFraMatrikkelen=address.id,
    )


def _metadata(
    page: queries.SearchPage,
    *,
    soke_streng: str,
    ascii_kompatibel: bool,
) -> Metadata:
    # Kartverket reports viserTil as viserFra + treffPerSide whatever the number of hits
    # (e.g. 1 hit: viserFra 0, viserTil 10); felles does the same.
    viser_fra = page.side * page.treff_per_side
    return Metadata(
        side=page.side,
        treffPerSide=page.treff_per_side,
        totaltAntallTreff=page.totalt_antall_treff,
        viserFra=viser_fra,
        viserTil=viser_fra + page.treff_per_side,
        sokeStreng=soke_streng,
        asciiKompatibel=ascii_kompatibel,
    )


@router.get(
    "/sok",
    response_model=Sokeresultat,
    summary="Search street addresses (open data, no token)",
)
def sok(
    request: Request,
    database: DatabaseDep,
    sok: Annotated[
        str | None,
        Query(max_length=200, description="Free text, e.g. 'Storgata 5B, 0184 Oslo'; * wildcard"),
    ] = None,
    kommunenummer: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    adressenavn: Annotated[str | None, Query(max_length=100)] = None,
    adressekode: Annotated[int | None, Query(ge=1, le=operations.MAX_ADRESSEKODE)] = None,
    nummer: Annotated[int | None, Query(ge=0, le=MAX_INT)] = None,
    bokstav: Annotated[str | None, Query(max_length=2)] = None,
    postnummer: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    side: Annotated[int, Query(ge=0, le=MAX_SIDE, description="Page number, from 0")] = 0,
    treffPerSide: Annotated[  # noqa: N803 - Kartverket's parameter name
        int, Query(ge=1, le=MAX_TREFF_PER_SIDE, description="Hits per page, at most 1000")
    ] = 10,
    asciiKompatibel: Annotated[  # noqa: N803 - Kartverket's parameter name
        bool, Query(description="Accepted and echoed for compatibility")
    ] = True,
) -> Sokeresultat:
    """Search addresses with Kartverket's parameters; every given criterion must match."""
    with database.read_session() as session:
        page = queries.search(
            session,
            sok=sok,
            kommunenummer=kommunenummer,
            adressenavn=adressenavn,
            adressekode=adressekode,
            nummer=nummer,
            bokstav=bokstav,
            postnummer=postnummer,
            side=side,
            treffPerSide=treffPerSide,
        )
        # Build the response inside the session: leaving it expires the rows.
        return Sokeresultat(
            metadata=_metadata(
                page, soke_streng=request.url.query, ascii_kompatibel=asciiKompatibel
            ),
            adresser=[to_adresse(a) for a in page.adresser],
        )


@router.get(
    "/vegadresser/{adresse_id}",
    response_model=Adresse,
    summary="One street address by id (felles addition, open data)",
    responses={404: problem_doc("No address has this id")},
)
def get_vegadresse(
    database: DatabaseDep, adresse_id: Annotated[int, Path(ge=1, le=MAX_BIGINT)]
) -> Adresse:
    """The address with this id (adresseIdentifikatorFraMatrikkelen)."""
    with database.read_session() as session:
        address = queries.get_vegadresse(session, adresse_id)
        if address is None:
            raise NotFound(f"no address has id {adresse_id}")
        return to_adresse(address)


@router.post(
    "/vegadresser",
    response_model=Adresse,
    status_code=status.HTTP_201_CREATED,
    dependencies=[AdminOnly],
    summary="Register a street address (felles addition for test teams; admin token)",
    responses={
        401: problem_doc("No or invalid bearer token"),
        409: problem_doc("The address, or its adressekode for another street, already exists"),
    },
)
def register_vegadresse(database: DatabaseDep, body: NyVegadresse) -> Adresse:
    """Register a street address; the municipality and postal code must exist and agree."""
    with database.unit_of_work() as uow:
        address = operations.register_vegadresse(
            uow,
            kommunenummer=body.kommunenummer,
            adressenavn=body.adressenavn,
            adressekode=body.adressekode,
            husnummer=body.nummer,
            husbokstav=body.bokstav,
            postnummer=body.postnummer,
            antall_bruksenheter=body.antallBruksenheter,
        )
        uow.commit()
    return to_adresse(address)
