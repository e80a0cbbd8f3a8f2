"""HTTP API of Enhetsregisteret, on the real paths and with the real JSON.

Reading mirrors Brønnøysundregistrene's open API (``https://data.brreg.no/enhetsregisteret/api``):
``/enheter`` (search), ``/enheter/{orgnr}``, ``/enheter/{orgnr}/roller``, ``/underenheter``,
``/underenheter/{orgnr}``, ``/oppdateringer/enheter`` and ``/oppdateringer/underenheter``
(change feeds) and ``/organisasjonsformer``. It is open data, as in reality: no token. A
client works against felles by changing its base URL to ``<felles>/enhetsregisteret/api``.
Unknown numbers answer 404, deleted units 410 with ``slettedato``, both as problem+json.

Writing (``/registreringer/...``, a felles addition, admin token) lets test teams register
entities, sub-units and roles and make things happen to them; each request runs one command
in one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal, TypeVar
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Path, Query, Request, Response

from felles.kernel.db import Database, run_command
from felles.kernel.errors import Gone, InvalidInput, NotFound, Problem
from felles.kernel.ids import InvalidIdentifier, parse_organisasjonsnummer
from felles.kernel.web import MAX_BIGINT, MAX_INT, AdminOnly, DatabaseDep, problem_doc
from felles.registries.enhetsregisteret import operations, queries, reference, schemas
from felles.registries.enhetsregisteret.document import (
    PREFIX,
    organisasjonsform_json,
    page_json,
    unit_json,
)
from felles.registries.enhetsregisteret.model import Enhet

T = TypeVar("T")
Responses = dict[int | str, dict[str, Any]]

DEFAULT_SIZE: Final = 20
MAX_LIST: Final = 100  # values in one comma-separated filter

router = APIRouter(prefix=PREFIX, tags=["enhetsregisteret"])
registreringer = APIRouter(
    prefix="/registreringer",
    tags=["enhetsregisteret: testdata (felles addition)"],
    dependencies=[AdminOnly],
    responses={401: problem_doc("No or invalid bearer token")},
)


class BadRequest(Problem):
    """The real API's 400 for a request it cannot answer (e.g. paging too deep)."""

    status = 400
    slug = "bad-request"
    title = "Bad request"


INVALID: Final[Responses] = {422: problem_doc("Invalid organisasjonsnummer or parameter")}
NOT_FOUND: Final[Responses] = {404: problem_doc("No unit of this kind has this number")}
GONE: Final[Responses] = {410: problem_doc("The unit is deleted; slettedato says when")}
TOO_DEEP: Final[Responses] = {400: problem_doc("(page + 1) * size is above 10 000")}


def _json(content: Any, *, status_code: int = 200) -> Response:
    return Response(orjson.dumps(content), status_code=status_code, media_type="application/json")


def _base(request: Request) -> str:
    return f"{str(request.base_url).rstrip('/')}{PREFIX}"


def _ok(example: Any, model: Any) -> Responses:
    return {200: {"model": model, "content": {"application/json": {"example": example}}}}


def _orgnr(value: str) -> str:
    try:
        return parse_organisasjonsnummer(value).value
    except InvalidIdentifier as error:
        raise InvalidInput(error.message, reason=error.reason) from None


OrgnrPath = Annotated[
    str,
    Path(
        max_length=20,
        description="Organisasjonsnummer, 9 digits",
        examples=[schemas.EXAMPLE_ENHET["organisasjonsnummer"]],
    ),
]


def _unit_or_problem(database: Database, orgnr: str, *, underenhet: bool, request: Request) -> Any:
    number = _orgnr(orgnr)
    with database.read_session() as session:
        unit = queries.get_unit(session, orgnr=number)
        if unit is None or unit.er_underenhet != underenhet:
            kind = "underenhet" if underenhet else "enhet"
            raise NotFound(f"No {kind} is registered with organisasjonsnummer {number}")
        if unit.slettedato is not None:
            raise Gone(
                f"{number} was deleted on {unit.slettedato.isoformat()}",
                organisasjonsnummer=number,
                slettedato=unit.slettedato.isoformat(),
            )
        return unit_json(unit, _base(request))


# ---------------------------------------------------------------------------- search


def _list(value: str | None, *, field: str, check: Callable[[str], bool]) -> list[str]:
    if value is None:
        return []
    items = [item.strip() for item in value.split(",") if item.strip()]
    if len(items) > MAX_LIST:
        raise InvalidInput(f"{field}: at most {MAX_LIST} values")
    for item in items:
        if not check(item):
            raise InvalidInput(f"{field}: {item[:20]!r} is not a valid value")
    return items


def _digits(length: int) -> Callable[[str], bool]:
    return lambda item: len(item) == length and item.isascii() and item.isdigit()


def _nace(item: str) -> bool:
    head, _, tail = item.partition(".")
    return (
        len(head) == 2
        and head.isascii()
        and head.isdigit()
        and len(tail) <= 3
        and (not tail or (tail.isascii() and tail.isdigit()))
    )


def _form(item: str) -> bool:
    return len(item) <= 4 and item.isalpha()


def _check_depth(page: int, size: int) -> None:
    if (page + 1) * size > queries.MAX_DEPTH:
        raise BadRequest(
            f"Paging deeper than {queries.MAX_DEPTH} results is not supported: "
            f"(page + 1) * size must be at most {queries.MAX_DEPTH}"
        )


def _page_links(request: Request, *, page: int, size: int, total: int) -> dict[str, Any]:
    def href(number: int) -> dict[str, str]:
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page",)]
        params.append(("page", str(number)))
        return {"href": f"{str(request.url).split('?')[0]}?{urlencode(params)}"}

    links: dict[str, Any] = {"self": href(page)}
    pages = (total + size - 1) // size
    if pages > 1:
        links["first"] = href(0)
        links["last"] = href(pages - 1)
    if page > 0:
        links["prev"] = href(page - 1)
    if page + 1 < pages:
        links["next"] = href(page + 1)
    return links


Page = Annotated[int, Query(ge=0, le=queries.MAX_DEPTH, description="Page number, from 0")]
Size = Annotated[
    int, Query(ge=1, le=queries.MAX_DEPTH, description="Results per page (default 20)")
]
CommaList = Annotated[str | None, Query(max_length=2000, description="Comma-separated list")]
Antall = Annotated[int | None, Query(ge=0, le=MAX_INT)]


def _search(
    request: Request,
    database: Database,
    *,
    underenhet: bool,
    where: queries.Filter,
    page: int,
    size: int,
) -> Response:
    _check_depth(page, size)
    base = _base(request)
    with database.read_session() as session:
        found = queries.search(session, underenhet=underenhet, where=where, page=page, size=size)
        items = [unit_json(row, base) for row in found.rows]
    body: dict[str, Any] = {}
    if items:
        body["_embedded"] = {"underenheter" if underenhet else "enheter": items}
    body["_links"] = _page_links(request, page=page, size=size, total=found.total)
    body["page"] = page_json(size=size, total=found.total, number=page)
    return _json(body)


def _common_filter(
    navn: str | None,
    organisasjonsnummer: str | None,
    organisasjonsform: str | None,
    kommunenummer: str | None,
    naeringskode: str | None,
    overordnet_enhet: str | None,
) -> dict[str, Any]:
    return {
        "navn": navn,
        "organisasjonsnummer": _list(
            organisasjonsnummer, field="organisasjonsnummer", check=_digits(9)
        ),
        "organisasjonsform": _list(organisasjonsform, field="organisasjonsform", check=_form),
        "kommunenummer": _list(kommunenummer, field="kommunenummer", check=_digits(4)),
        "naeringskode": _list(naeringskode, field="naeringskode", check=_nace),
        "overordnet_enhet": _orgnr(overordnet_enhet) if overordnet_enhet else None,
    }


Navn = Annotated[
    str | None,
    Query(
        max_length=180,
        description="Words of the name; each must begin a word of the name (any order)",
        examples=["fjord fjell"],
    ),
]
Sort = Annotated[
    str | None,
    Query(max_length=100, description="Accepted for compatibility; results come by score"),
]


@router.get(
    "/enheter",
    summary="Search main entities (enheter)",
    responses=_ok(
        schemas.page_example("enheter", schemas.EXAMPLE_ENHET, "/enheter"), schemas.EnheterPage
    )
    | INVALID
    | TOO_DEEP,
)
def sok_enheter(
    request: Request,
    database: DatabaseDep,
    navn: Navn = None,
    organisasjonsnummer: CommaList = None,
    organisasjonsform: Annotated[
        str | None,
        Query(max_length=2000, examples=["AS,ASA"], description="Codes, comma-separated"),
    ] = None,
    kommunenummer: Annotated[
        str | None, Query(max_length=2000, examples=["0301"], description="Of forretningsadresse")
    ] = None,
    naeringskode: Annotated[
        str | None,
        Query(max_length=2000, examples=["62"], description="Any level: 62, 62.0, 62.010"),
    ] = None,
    overordnet_enhet: Annotated[str | None, Query(alias="overordnetEnhet", max_length=20)] = None,
    konkurs: schemas.StrictBool | None = None,
    under_avvikling: Annotated[schemas.StrictBool | None, Query(alias="underAvvikling")] = None,
    registrert_i_mvaregisteret: Annotated[
        schemas.StrictBool | None, Query(alias="registrertIMvaregisteret")
    ] = None,
    registrert_i_foretaksregisteret: Annotated[
        schemas.StrictBool | None, Query(alias="registrertIForetaksregisteret")
    ] = None,
    registrert_i_frivillighetsregisteret: Annotated[
        schemas.StrictBool | None, Query(alias="registrertIFrivillighetsregisteret")
    ] = None,
    registrert_i_stiftelsesregisteret: Annotated[
        schemas.StrictBool | None, Query(alias="registrertIStiftelsesregisteret")
    ] = None,
    fra_antall_ansatte: Annotated[Antall, Query(alias="fraAntallAnsatte")] = None,
    til_antall_ansatte: Annotated[Antall, Query(alias="tilAntallAnsatte")] = None,
    fra_registreringsdato: Annotated[
        schemas.IsoDate | None, Query(alias="fraRegistreringsdatoEnhetsregisteret")
    ] = None,
    til_registreringsdato: Annotated[
        schemas.IsoDate | None, Query(alias="tilRegistreringsdatoEnhetsregisteret")
    ] = None,
    fra_stiftelsesdato: Annotated[schemas.IsoDate | None, Query(alias="fraStiftelsesdato")] = None,
    til_stiftelsesdato: Annotated[schemas.IsoDate | None, Query(alias="tilStiftelsesdato")] = None,
    institusjonell_sektorkode: Annotated[
        str | None, Query(alias="institusjonellSektorkode", max_length=2000)
    ] = None,
    sort: Sort = None,
    page: Page = 0,
    size: Size = DEFAULT_SIZE,
) -> Response:
    """Entities matching every filter given, in pages (HAL). Deleted entities are not found."""
    where = queries.Filter(
        **_common_filter(
            navn,
            organisasjonsnummer,
            organisasjonsform,
            kommunenummer,
            naeringskode,
            overordnet_enhet,
        ),
        konkurs=konkurs,
        under_avvikling=under_avvikling,
        registrert_i_mvaregisteret=registrert_i_mvaregisteret,
        registrert_i_foretaksregisteret=registrert_i_foretaksregisteret,
        registrert_i_frivillighetsregisteret=registrert_i_frivillighetsregisteret,
        registrert_i_stiftelsesregisteret=registrert_i_stiftelsesregisteret,
        fra_antall_ansatte=fra_antall_ansatte,
        til_antall_ansatte=til_antall_ansatte,
        fra_registreringsdato=fra_registreringsdato,
        til_registreringsdato=til_registreringsdato,
        fra_stiftelsesdato=fra_stiftelsesdato,
        til_stiftelsesdato=til_stiftelsesdato,
        institusjonell_sektorkode=_list(
            institusjonell_sektorkode, field="institusjonellSektorkode", check=_digits(4)
        ),
    )
    return _search(request, database, underenhet=False, where=where, page=page, size=size)


@router.get(
    "/enheter/{orgnr}",
    summary="One main entity (enhet)",
    responses=_ok(schemas.EXAMPLE_ENHET, schemas.Enhet) | NOT_FOUND | GONE | INVALID,
)
def hent_enhet(orgnr: OrgnrPath, request: Request, database: DatabaseDep) -> Response:
    """The entity; 404 if no entity has the number, 410 if it is deleted."""
    return _json(_unit_or_problem(database, orgnr, underenhet=False, request=request))


@router.get(
    "/enheter/{orgnr}/roller",
    summary="The roles of a main entity (rollegrupper)",
    responses=_ok(schemas.EXAMPLE_ROLLER, schemas.Roller) | NOT_FOUND | GONE | INVALID,
)
def hent_roller(orgnr: OrgnrPath, request: Request, database: DatabaseDep) -> Response:
    """Roles in groups (daglig leder, styre, revisor, ...), held by people or units."""
    _unit_or_problem(database, orgnr, underenhet=False, request=request)
    with database.read_session() as session:
        enhet = queries.get_unit(session, orgnr=_orgnr(orgnr))
        assert enhet is not None
        return _json(queries.roller_json(session, enhet=enhet, base=_base(request)))


@router.get(
    "/underenheter",
    summary="Search sub-units (underenheter)",
    responses=_ok(
        schemas.page_example("underenheter", schemas.EXAMPLE_UNDERENHET, "/underenheter"),
        schemas.UnderenheterPage,
    )
    | INVALID
    | TOO_DEEP,
)
def sok_underenheter(
    request: Request,
    database: DatabaseDep,
    navn: Navn = None,
    organisasjonsnummer: CommaList = None,
    organisasjonsform: CommaList = None,
    kommunenummer: Annotated[
        str | None, Query(max_length=2000, examples=["4601"], description="Of beliggenhetsadresse")
    ] = None,
    naeringskode: CommaList = None,
    overordnet_enhet: Annotated[str | None, Query(alias="overordnetEnhet", max_length=20)] = None,
    registrert_i_mvaregisteret: Annotated[
        schemas.StrictBool | None, Query(alias="registrertIMvaregisteret")
    ] = None,
    fra_antall_ansatte: Annotated[Antall, Query(alias="fraAntallAnsatte")] = None,
    til_antall_ansatte: Annotated[Antall, Query(alias="tilAntallAnsatte")] = None,
    sort: Sort = None,
    page: Page = 0,
    size: Size = DEFAULT_SIZE,
) -> Response:
    """Sub-units matching every filter given, in pages (HAL)."""
    where = queries.Filter(
        **_common_filter(
            navn,
            organisasjonsnummer,
            organisasjonsform,
            kommunenummer,
            naeringskode,
            overordnet_enhet,
        ),
        registrert_i_mvaregisteret=registrert_i_mvaregisteret,
        fra_antall_ansatte=fra_antall_ansatte,
        til_antall_ansatte=til_antall_ansatte,
    )
    return _search(request, database, underenhet=True, where=where, page=page, size=size)


@router.get(
    "/underenheter/{orgnr}",
    summary="One sub-unit (underenhet)",
    responses=_ok(schemas.EXAMPLE_UNDERENHET, schemas.Underenhet) | NOT_FOUND | GONE | INVALID,
)
def hent_underenhet(orgnr: OrgnrPath, request: Request, database: DatabaseDep) -> Response:
    """The sub-unit; 404 if no sub-unit has the number, 410 if it is deleted."""
    return _json(_unit_or_problem(database, orgnr, underenhet=True, request=request))


# ------------------------------------------------------------------------------ feeds


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except (OverflowError, ValueError):
        raise InvalidInput("dato is outside the range of supported times") from None


def _feed(
    request: Request,
    database: Database,
    *,
    underenhet: bool,
    dato: datetime | None,
    oppdateringsid: int | None,
    page: int,
    size: int,
) -> Response:
    _check_depth(page, size)
    base = _base(request)
    kind = "underenhet" if underenhet else "enhet"
    with database.read_session() as session:
        found = queries.updates(
            session,
            underenhet=underenhet,
            fra_id=oppdateringsid,
            fra_dato=_utc(dato),
            page=page,
            size=size,
        )
        items = [
            {
                "oppdateringsid": row.oppdateringsid,
                "dato": _utc(row.dato).isoformat() if row.dato else None,  # type: ignore[union-attr]
                "organisasjonsnummer": row.organisasjonsnummer,
                "endringstype": row.endringstype,
                "_links": {kind: {"href": f"{base}/{kind}er/{row.organisasjonsnummer}"}},
            }
            for row in found.rows
        ]
    body: dict[str, Any] = {}
    if items:
        key = "oppdaterteUnderenheter" if underenhet else "oppdaterteEnheter"
        body["_embedded"] = {key: items}
    body["_links"] = _page_links(request, page=page, size=size, total=found.total)
    body["page"] = page_json(size=size, total=found.total, number=page)
    return _json(body)


Dato = Annotated[
    schemas.IsoDateTime | None,
    Query(
        description="Changes at or after this time (ISO 8601)", examples=["2025-06-01T00:00:00Z"]
    ),
]
Oppdateringsid = Annotated[
    int | None, Query(ge=1, le=MAX_BIGINT, description="Changes from this id (inclusive)")
]


@router.get(
    "/oppdateringer/enheter",
    summary="Changes to main entities (Ny, Endring, Sletting, Fjernet)",
    responses=_ok(schemas.feed_example("oppdaterteEnheter", "enhet"), schemas.OppdateringerEnheter)
    | INVALID
    | TOO_DEEP,
)
def oppdateringer_enheter(
    request: Request,
    database: DatabaseDep,
    dato: Dato = None,
    oppdateringsid: Oppdateringsid = None,
    page: Page = 0,
    size: Size = DEFAULT_SIZE,
) -> Response:
    """The change feed, oldest first: follow it by the last ``oppdateringsid`` seen + 1."""
    return _feed(
        request,
        database,
        underenhet=False,
        dato=dato,
        oppdateringsid=oppdateringsid,
        page=page,
        size=size,
    )


@router.get(
    "/oppdateringer/underenheter",
    summary="Changes to sub-units (Ny, Endring, Sletting, Fjernet)",
    responses=_ok(
        schemas.feed_example("oppdaterteUnderenheter", "underenhet"),
        schemas.OppdateringerUnderenheter,
    )
    | INVALID
    | TOO_DEEP,
)
def oppdateringer_underenheter(
    request: Request,
    database: DatabaseDep,
    dato: Dato = None,
    oppdateringsid: Oppdateringsid = None,
    page: Page = 0,
    size: Size = DEFAULT_SIZE,
) -> Response:
    """The change feed of sub-units, oldest first."""
    return _feed(
        request,
        database,
        underenhet=True,
        dato=dato,
        oppdateringsid=oppdateringsid,
        page=page,
        size=size,
    )


# ------------------------------------------------------------------ reference data


@router.get(
    "/organisasjonsformer",
    summary="Every organisation form",
    responses=_ok(
        {
            "_embedded": {"organisasjonsformer": [schemas.EXAMPLE_ENHET["organisasjonsform"]]},
            "_links": {"self": {"href": f"{schemas.BASE}/organisasjonsformer"}},
        },
        schemas.Organisasjonsformer,
    ),
)
def organisasjonsformer(request: Request) -> Response:
    """The organisation forms felles knows, with the real codes and descriptions."""
    base = _base(request)
    forms = [organisasjonsform_json(kode, base) for kode in reference.organisasjonsformer()]
    return _json(
        {
            "_embedded": {"organisasjonsformer": forms},
            "_links": {"self": {"href": f"{base}/organisasjonsformer"}},
        }
    )


@router.get(
    "/organisasjonsformer/{kode}",
    summary="One organisation form",
    responses=_ok(schemas.EXAMPLE_ENHET["organisasjonsform"], schemas.Organisasjonsform)
    | {404: problem_doc("No organisation form has this code")}
    | {422: problem_doc("Invalid code")},
)
def organisasjonsform(
    kode: Annotated[str, Path(max_length=10, examples=["AS"])], request: Request
) -> Response:
    """The organisation form with this code."""
    if kode not in reference.organisasjonsformer():
        raise NotFound(f"No organisation form has the code {kode!r}")
    return _json(organisasjonsform_json(kode, _base(request)))


# -------------------------------------------------------------- test data (felles)

WRITE: Final[Responses] = {
    404: problem_doc("A unit or person named in the request is not registered"),
    409: problem_doc("The register's current state does not allow this"),
    422: problem_doc("Invalid input; nothing was written"),
}


def _written(status: int, model: Any, example: Any) -> Responses:
    """The documented answer of a write endpoint (the unit or roles after the change)."""
    content = {"application/json": {"example": example}}
    return {status: {"model": model, "content": content}} | WRITE


def _address(value: schemas.AdresseInn | None) -> operations.Adresse | None:
    if value is None:
        return None
    return operations.Adresse(
        adresse=tuple(value.adresse),
        postnummer=value.postnummer,
        poststed=value.poststed,
        kommunenummer=value.kommunenummer,
        landkode=value.landkode,
    )


def _roles(values: Sequence[schemas.RolleInn]) -> list[operations.RolleInput]:
    return [
        operations.RolleInput(rolletype=r.rolletype, person=r.person, enhet=r.enhet) for r in values
    ]


def _unit_answer(request: Request) -> Callable[[Any, Enhet], Any]:
    return lambda _session, unit: unit_json(unit, _base(request))


@registreringer.post(
    "/enheter",
    status_code=201,
    summary="Register a main entity (felles addition)",
    responses=_written(201, schemas.Enhet, schemas.EXAMPLE_ENHET),
)
def registrer_enhet(body: schemas.NyEnhet, request: Request, database: DatabaseDep) -> Response:
    """Register an entity; a synthetic organisasjonsnummer (first digit 3) is issued."""
    unit = run_command(
        database,
        lambda uow: operations.register_enhet(
            uow,
            navn=body.navn,
            organisasjonsform=body.organisasjonsform,
            naeringskode=body.naeringskode,
            stiftelsesdato=body.stiftelsesdato,
            organisasjonsnummer=body.organisasjonsnummer,
            forretningsadresse=_address(body.forretningsadresse),
            postadresse=_address(body.postadresse),
            antall_ansatte=body.antall_ansatte,
            hjemmeside=body.hjemmeside,
            maalform=body.maalform,
            vedtektsfestet_formaal=body.vedtektsfestet_formaal,
            aktivitet=body.aktivitet,
            overordnet_enhet=body.overordnet_enhet,
            roller=_roles(body.roller),
        ),
        _unit_answer(request),
    )
    return _json(unit, status_code=201)


@registreringer.post(
    "/underenheter",
    status_code=201,
    summary="Register a sub-unit under a main entity (felles addition)",
    responses=_written(201, schemas.Underenhet, schemas.EXAMPLE_UNDERENHET),
)
def registrer_underenhet(
    body: schemas.NyUnderenhet, request: Request, database: DatabaseDep
) -> Response:
    """Register a sub-unit; its form is BEDR (or AAFY under a non-business entity)."""
    unit = run_command(
        database,
        lambda uow: operations.register_underenhet(
            uow,
            overordnet=body.overordnet_enhet,
            navn=body.navn,
            naeringskode=body.naeringskode,
            oppstartsdato=body.oppstartsdato,
            organisasjonsnummer=body.organisasjonsnummer,
            organisasjonsform=body.organisasjonsform,
            beliggenhetsadresse=_address(body.beliggenhetsadresse),
            postadresse=_address(body.postadresse),
            antall_ansatte=body.antall_ansatte,
            hjemmeside=body.hjemmeside,
        ),
        _unit_answer(request),
    )
    return _json(unit, status_code=201)


@registreringer.post(
    "/{orgnr}/endring",
    summary="Change name, addresses, NACE code, employees, ... of a unit (felles addition)",
    responses=_written(200, schemas.Enhet | schemas.Underenhet, schemas.EXAMPLE_ENHET),
)
def endre(
    orgnr: OrgnrPath, body: schemas.Endring, request: Request, database: DatabaseDep
) -> Response:
    """Fields left out keep their value; a change that changes nothing is refused (409)."""
    number = _orgnr(orgnr)
    unit = run_command(
        database,
        lambda uow: operations.change_unit(
            uow,
            orgnr=number,
            navn=body.navn,
            forretningsadresse=_address(body.forretningsadresse),
            postadresse=_address(body.postadresse),
            naeringskode=body.naeringskode,
            antall_ansatte=body.antall_ansatte,
            hjemmeside=body.hjemmeside,
            vedtektsfestet_formaal=body.vedtektsfestet_formaal,
            aktivitet=body.aktivitet,
        ),
        _unit_answer(request),
    )
    return _json(unit)


@registreringer.put(
    "/enheter/{orgnr}/roller",
    summary="Set the roles of a main entity (felles addition)",
    responses=_written(200, schemas.Roller, schemas.EXAMPLE_ROLLER),
)
def sett_roller(
    orgnr: OrgnrPath, body: schemas.NyeRoller, request: Request, database: DatabaseDep
) -> Response:
    """The roles given replace the entity's roles; people must be alive in Folkeregisteret."""
    number = _orgnr(orgnr)
    roller = run_command(
        database,
        lambda uow: operations.set_roles(uow, orgnr=number, roller=_roles(body.roller)),
        lambda session, enhet: queries.roller_json(session, enhet=enhet, base=_base(request)),
    )
    return _json(roller)


@registreringer.post(
    "/enheter/{orgnr}/konkurs",
    summary="Register a bankruptcy (felles addition)",
    responses=_written(200, schemas.Enhet, schemas.EXAMPLE_ENHET),
)
def registrer_konkurs(
    orgnr: OrgnrPath, body: schemas.Dato, request: Request, database: DatabaseDep
) -> Response:
    """The court opened bankruptcy proceedings: konkurs true from ``dato``."""
    number = _orgnr(orgnr)
    unit = run_command(
        database,
        lambda uow: operations.register_bankruptcy(uow, orgnr=number, konkursdato=body.dato),
        _unit_answer(request),
    )
    return _json(unit)


@registreringer.post(
    "/enheter/{orgnr}/avvikling",
    summary="Register a dissolution (felles addition)",
    responses=_written(200, schemas.Enhet, schemas.EXAMPLE_ENHET),
)
def registrer_avvikling(
    orgnr: OrgnrPath, body: schemas.Avvikling, request: Request, database: DatabaseDep
) -> Response:
    """underAvvikling (or, forced by a court, underTvangsavviklingEllerTvangsopplosning)."""
    number = _orgnr(orgnr)
    unit = run_command(
        database,
        lambda uow: operations.register_dissolution(
            uow, orgnr=number, dato=body.dato, tvangsavvikling=body.tvangsavvikling
        ),
        _unit_answer(request),
    )
    return _json(unit)


Register = Literal["foretaksregisteret", "frivillighetsregisteret", "mvaregisteret"]
_REGISTER_COMMANDS: Final = {
    "foretaksregisteret": operations.register_in_foretaksregisteret,
    "frivillighetsregisteret": operations.register_in_frivillighetsregisteret,
    "mvaregisteret": operations.register_in_mvaregisteret,
}


@registreringer.post(
    "/enheter/{orgnr}/{register}",
    summary="Register a main entity in Foretaksregisteret, Frivillighetsregisteret or "
    "MVA-registeret (felles addition)",
    responses=_written(200, schemas.Enhet, schemas.EXAMPLE_ENHET),
)
def registrer_i(
    orgnr: OrgnrPath, register: Register, request: Request, database: DatabaseDep
) -> Response:
    """Sets registrertIForetaksregisteret, registrertIFrivillighetsregisteret or
    registrertIMvaregisteret."""
    number = _orgnr(orgnr)
    command = _REGISTER_COMMANDS[register]
    unit = run_command(database, lambda uow: command(uow, orgnr=number), _unit_answer(request))
    return _json(unit)


@registreringer.post(
    "/{orgnr}/sletting",
    summary="Delete a unit (felles addition)",
    responses=_written(200, schemas.Enhet | schemas.Underenhet, schemas.EXAMPLE_ENHET),
)
def slett(
    orgnr: OrgnrPath, body: schemas.Dato, request: Request, database: DatabaseDep
) -> Response:
    """slettedato is set; reading the unit answers 410 from then on. A main entity's
    sub-units are deleted with it."""
    number = _orgnr(orgnr)
    unit = run_command(
        database,
        lambda uow: operations.delete_unit(uow, orgnr=number, slettedato=body.dato),
        _unit_answer(request),
    )
    return _json(unit)


router.include_router(registreringer)
