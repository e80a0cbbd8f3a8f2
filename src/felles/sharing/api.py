"""HTTP API of the data distributor (datafordeler), under ``/datafordeler/v1``.

- ``GET /produkter`` and ``GET /produkter/{produkt}``: the products, with their JSON schemas;
- ``GET /{produkt}/{subjekt}?formaal=&felter=``: one subject, only the permitted fields and
  the basis of each; a refusal is problem+json naming what is missing;
- ``POST /{produkt}``: up to 1 000 subjects in one request, each with its own outcome;
- evidence (``/bevis``), prefill (``/forhaandsutfylling``) and change lists
  (``/{produkt}/endringer``) are in their own modules and mounted first.

Callers: an organisation's system with a Maskinporten token carrying ``felles:datafordeler``
(its organisation is the consumer the decision point judges), or a person with an ID-porten
token (their own data, or someone they act for: ``paaVegneAv``). The operator's token reads
no personal data here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Final

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from felles.kernel.errors import Forbidden, NotFound, Problem
from felles.kernel.web import ACCESS_RESPONSES, DatabaseDep, problem_doc
from felles.sharing import changes_api, evidence_api, prefill_api
from felles.sharing.callers import PrincipalDep
from felles.sharing.product import Product
from felles.sharing.products import PRODUCTS, get_product_or_raise
from felles.sharing.release import MAX_SUBJECTS, Outcome, Refused, Released, release

PREFIX: Final = "/datafordeler/v1"

Responses = dict[int | str, dict[str, Any]]
RESPONSES: Final[Responses] = ACCESS_RESPONSES | {
    403: problem_doc("No legal basis or consent covers the data; the problem says what is missing"),
    404: problem_doc("No such product, or the subject is not registered"),
    413: problem_doc(f"More than {MAX_SUBJECTS} subjects"),
    422: problem_doc("Invalid input: a field the product lacks, no purpose; nothing released"),
    503: problem_doc("The access log could not record the release; nothing was released"),
}

router = APIRouter(prefix=PREFIX, tags=["datafordeler"])


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class FieldOut(_Camel):
    navn: str
    beskrivelse: dict[str, str]
    skjema: dict[str, Any]


class ProductOut(_Camel):
    navn: str = Field(examples=["folkeregister.person.basis"])
    versjon: str
    tittel: dict[str, str]
    beskrivelse: dict[str, str]
    eier: dict[str, str] = Field(description="The owner agency: organisasjonsnummer and navn")
    subjekt: str = Field(description="person or organisation")
    sensitivitet: str = Field(description="open, personal or sensitive")
    felter: list[FieldOut]
    json_schema: dict[str, Any] | None = Field(default=None, alias="jsonSchema")


class BasisOut(_Camel):
    type: str = Field(description="hjemmel, samtykke, egne-data or aapne-data")
    id: str | None = Field(default=None, description="The legal basis or consent id")
    lov: str | None = Field(default=None, description="The law (Lovdata) of a legal basis")
    lovnavn: str | None = None
    felter: list[str]


class ReleaseOut(_Camel):
    produkt: str
    versjon: str
    subjekt: str
    formaal: str
    data: dict[str, Any] = Field(description="Only the fields permitted")
    grunnlag: list[BasisOut] = Field(description="The basis of each field released")
    tilbakeholdt: dict[str, str] = Field(
        default_factory=dict, description="Fields asked for and not released, with the reason"
    )
    representasjon: str | None = Field(
        default=None, description="How a person acted for the subject (fullmakt, ...)"
    )
    foresporsel_id: str


class RefusalOut(_Camel):
    kode: str
    tekst: str
    status: int
    tilbakeholdt: dict[str, str] = Field(default_factory=dict)


class BatchItem(_Camel):
    subjekt: str
    status: int
    data: dict[str, Any] | None = None
    grunnlag: list[BasisOut] = Field(default_factory=list)
    tilbakeholdt: dict[str, str] = Field(default_factory=dict)
    avslag: RefusalOut | None = None


class BatchIn(_Camel):
    formaal: str = Field(min_length=1, max_length=200, examples=["barnetrygd"])
    subjekter: list[str] = Field(min_length=1, max_length=MAX_SUBJECTS)
    felter: list[str] | None = Field(default=None, description="All the product's when omitted")
    paa_vegne_av: str | None = Field(default=None, max_length=11)
    relatert_til: str | None = Field(default=None, max_length=11)


class BatchOut(_Camel):
    produkt: str
    versjon: str
    formaal: str
    foresporsel_id: str
    resultater: list[BatchItem]


ProductName = Annotated[str, Path(max_length=100, examples=["folkeregister.person.basis"])]
Purpose = Annotated[
    str, Query(min_length=1, max_length=200, description="The purpose (formål) of the use")
]
RequestId = Annotated[
    str | None,
    Header(alias="X-Request-ID", max_length=64, description="Echoed and written to the log"),
]


def _product_out(product: Product, *, with_schema: bool) -> ProductOut:
    return ProductOut(
        navn=product.name,
        versjon=product.version,
        tittel=dict(product.title),
        beskrivelse=dict(product.description),
        eier={"organisasjonsnummer": product.owner_orgnr, "navn": product.owner_name},
        subjekt=product.subject,
        sensitivitet=product.sensitivity,
        felter=[
            FieldOut(navn=f.name, beskrivelse=dict(f.description), skjema=dict(f.schema))
            for f in product.fields
        ],
        jsonSchema=product.json_schema() if with_schema else None,
    )


def _basis_out(outcome: Released) -> list[BasisOut]:
    return [
        BasisOut(type=b.type, id=b.id, lov=b.lov, lovnavn=b.lovnavn, felter=list(b.fields))
        for b in outcome.basis
    ]


def refusal_problem(product: Product, refused: Refused) -> Problem:
    """The problem+json of a refusal: what was missing, per field."""
    problem = Forbidden if refused.status == 403 else NotFound
    return problem(
        f"{refused.text} ({product.name})",
        kode=refused.code,
        produkt=product.name,
        tilbakeholdt=dict(refused.withheld),
    )


def _request_id(given: str | None) -> str:
    return given or str(uuid.uuid4())


@router.get(
    "/produkter",
    response_model=list[ProductOut],
    response_model_exclude_none=True,
    summary="The data products",
)
def list_products() -> list[ProductOut]:
    return [_product_out(p, with_schema=False) for p in PRODUCTS.values()]


@router.get(
    "/produkter/{produkt}",
    response_model=ProductOut,
    response_model_exclude_none=True,
    responses={404: problem_doc("No such product")},
    summary="One data product, with its JSON schema",
)
def get_product(produkt: ProductName) -> ProductOut:
    return _product_out(get_product_or_raise(produkt), with_schema=True)


router.include_router(evidence_api.router)
router.include_router(prefill_api.router)
router.include_router(changes_api.router)


def _split(felter: str | None) -> list[str] | None:
    return [f.strip() for f in felter.split(",") if f.strip()] if felter else None


@router.get(
    "/{produkt}/{subjekt}",
    response_model=ReleaseOut,
    response_model_exclude_none=True,
    responses=RESPONSES,
    summary="One subject's data from a product: only the permitted fields, and their basis",
)
def get_subject(
    database: DatabaseDep,
    principal: PrincipalDep,
    response: Response,
    produkt: ProductName,
    subjekt: Annotated[str, Path(min_length=9, max_length=11, pattern=r"^\d+$")],
    formaal: Purpose,
    felter: Annotated[
        str | None, Query(max_length=2000, description="Comma-separated; all when omitted")
    ] = None,
    paa_vegne_av: Annotated[
        str | None, Query(alias="paaVegneAv", pattern=r"^\d{9}$|^\d{11}$")
    ] = None,
    relatert_til: Annotated[str | None, Query(alias="relatertTil", pattern=r"^\d{11}$")] = None,
    request_id: RequestId = None,
) -> ReleaseOut:
    product = get_product_or_raise(produkt)
    foresporsel = _request_id(request_id)
    response.headers["X-Request-ID"] = foresporsel
    [outcome] = release(
        database,
        principal=principal,
        product=product,
        subjects=[subjekt],
        purpose=formaal,
        request_id=foresporsel,
        fields=_split(felter),
        on_behalf_of=paa_vegne_av,
        relatert_til=relatert_til,
    )
    if isinstance(outcome, Refused):
        raise refusal_problem(product, outcome)
    return ReleaseOut(
        produkt=product.name,
        versjon=product.version,
        subjekt=outcome.subject,
        formaal=formaal,
        data=dict(outcome.data),
        grunnlag=_basis_out(outcome),
        tilbakeholdt=dict(outcome.withheld),
        representasjon=outcome.representation,
        foresporselId=foresporsel,
    )


def batch_items(outcomes: Sequence[Outcome]) -> list[BatchItem]:
    items: list[BatchItem] = []
    for outcome in outcomes:
        if isinstance(outcome, Refused):
            refusal = RefusalOut(
                kode=outcome.code,
                tekst=outcome.text,
                status=outcome.status,
                tilbakeholdt=dict(outcome.withheld),
            )
            items.append(BatchItem(subjekt=outcome.subject, status=outcome.status, avslag=refusal))
        else:
            items.append(
                BatchItem(
                    subjekt=outcome.subject,
                    status=200,
                    data=dict(outcome.data),
                    grunnlag=_basis_out(outcome),
                    tilbakeholdt=dict(outcome.withheld),
                )
            )
    return items


@router.post(
    "/{produkt}",
    response_model=BatchOut,
    response_model_exclude_none=True,
    responses=RESPONSES,
    summary=f"Many subjects' data from a product (at most {MAX_SUBJECTS}), each with its outcome",
)
def post_batch(
    database: DatabaseDep,
    principal: PrincipalDep,
    response: Response,
    produkt: ProductName,
    body: BatchIn,
    request_id: RequestId = None,
) -> BatchOut:
    product = get_product_or_raise(produkt)
    foresporsel = _request_id(request_id)
    response.headers["X-Request-ID"] = foresporsel
    outcomes = release(
        database,
        principal=principal,
        product=product,
        subjects=body.subjekter,
        purpose=body.formaal,
        request_id=foresporsel,
        fields=body.felter,
        on_behalf_of=body.paa_vegne_av,
        relatert_til=body.relatert_til,
    )
    return BatchOut(
        produkt=product.name,
        versjon=product.version,
        formaal=body.formaal,
        foresporselId=foresporsel,
        resultater=batch_items(outcomes),
    )
