"""HTTP API of prefill ("kun én gang"): ``POST /forhaandsutfylling`` under ``/datafordeler/v1``.

A form's fields, each a product and a path into its value (``felles.sharing.prefill``), are
answered with the values already known about the subject — only what the distributor releases
to the caller, decided and logged as a direct read — and the fields the person must still
fill in, with the reason. Callers are the distributor's: an organisation's Maskinporten token
with ``felles:datafordeler``, or a person's ID-porten token.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from felles.kernel.web import ACCESS_RESPONSES, DatabaseDep, problem_doc
from felles.sharing import prefill as prefilling
from felles.sharing.callers import PrincipalDep
from felles.sharing.release import Basis

router = APIRouter()

RESPONSES: Final[dict[int | str, dict[str, Any]]] = ACCESS_RESPONSES | {
    403: problem_doc(
        "The operator's token, or a machine token without felles:datafordeler; a field the "
        "caller may not see is answered as maa-fylles-ut, not refused"
    ),
    422: problem_doc(
        "Invalid input: an unknown product, a path that does not start with one of the "
        "product's fields, a product about another kind of subject; nothing released"
    ),
    503: problem_doc("The access log could not record a release; nothing was released"),
}


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class SkjemafeltInn(_Camel):
    id: str = Field(min_length=1, max_length=100, description="The form's own id of the field")
    produkt: str = Field(max_length=100, examples=["folkeregister.person.basis"])
    sti: str = Field(
        min_length=1,
        max_length=prefilling.MAX_PATH_LENGTH,
        description="Dot-separated path into the product's value: a product field, then "
        "member names and list indexes (from 0)",
        examples=["navn.fornavn", "arbeidsforhold.0.arbeidsgiver.organisasjonsnummer"],
    )


class ForhaandsutfyllingInn(_Camel):
    subjekt: str = Field(
        pattern=r"^\d{11}$|^\d{9}$",
        description="Whom the form is about: fødselsnummer/D-nummer, or organisasjonsnummer",
    )
    formaal: str = Field(min_length=1, max_length=200, examples=["barnetrygd"])
    felter: list[SkjemafeltInn] = Field(min_length=1, max_length=prefilling.MAX_FIELDS)
    paa_vegne_av: str | None = Field(
        default=None,
        pattern=r"^\d{9}$|^\d{11}$",
        description="The person or organisation a logged-in person acts for",
    )


class ProduktEier(_Camel):
    organisasjonsnummer: str
    navn: str


class SkjemafeltKilde(_Camel):
    produkt: str
    versjon: str
    eier: ProduktEier


class SkjemafeltGrunnlag(_Camel):
    type: str = Field(description="hjemmel, samtykke, egne-data or aapne-data")
    id: str | None = Field(default=None, description="The legal basis or consent id")
    lov: str | None = Field(default=None, description="The law (Lovdata) of a legal basis")
    lovnavn: str | None = None


class Skjemafelt(_Camel):
    id: str
    status: Literal["utfylt", "maa-fylles-ut"]
    verdi: Any = Field(default=None, description="The value; absent when not filled")
    kilde: SkjemafeltKilde
    grunnlag: SkjemafeltGrunnlag | None = Field(
        default=None, description="The basis the value was released on; only when filled"
    )
    grunn: str | None = Field(
        default=None,
        description="Why it is not filled: not-covered, not-registered, unknown-subject, ...",
    )


class ForhaandsutfyllingUt(_Camel):
    subjekt: str
    formaal: str
    foresporsel_id: str
    felter: list[Skjemafelt]
    gjenbrukt: int = Field(description="Fields filled from what is already known")
    maa_fylles_ut: int = Field(description="Fields the person must still fill in")


def _basis(basis: Basis | None) -> SkjemafeltGrunnlag | None:
    if basis is None:
        return None
    given = {"id": basis.id, "lov": basis.lov, "lovnavn": basis.lovnavn}
    return SkjemafeltGrunnlag(type=basis.type, **{k: v for k, v in given.items() if v is not None})


def _field(item: prefilling.Filled) -> Skjemafelt:
    product = item.product
    kilde = SkjemafeltKilde(
        produkt=product.name,
        versjon=product.version,
        eier=ProduktEier(organisasjonsnummer=product.owner_orgnr, navn=product.owner_name),
    )
    # Only the members that apply are set, so the answer leaves the others out (a filled
    # value is never null; a value's own null members are kept).
    if item.status == "utfylt":
        return Skjemafelt(
            id=item.id,
            status=item.status,
            verdi=item.verdi,
            kilde=kilde,
            grunnlag=_basis(item.grunnlag),
        )
    return Skjemafelt(id=item.id, status=item.status, kilde=kilde, grunn=item.grunn)


@router.post(
    "/forhaandsutfylling",
    response_model=ForhaandsutfyllingUt,
    response_model_exclude_unset=True,
    responses=RESPONSES,
    summary="Prefill a form: the values already known about the subject, field by field",
)
def forhaandsutfylling(
    database: DatabaseDep,
    principal: PrincipalDep,
    response: Response,
    body: ForhaandsutfyllingInn,
    request_id: Annotated[
        str | None,
        Header(alias="X-Request-ID", max_length=64, description="Echoed and written to the log"),
    ] = None,
) -> ForhaandsutfyllingUt:
    """Each field filled (``utfylt``) with its value, source and basis, or left for the
    person (``maa-fylles-ut``) with the reason; the counts of both."""
    foresporsel = request_id or str(uuid.uuid4())
    response.headers["X-Request-ID"] = foresporsel
    result = prefilling.prefill(
        database,
        principal=principal,
        subject=body.subjekt,
        purpose=body.formaal,
        fields=[prefilling.FormField(f.id, f.produkt, f.sti) for f in body.felter],
        request_id=foresporsel,
        on_behalf_of=body.paa_vegne_av,
    )
    return ForhaandsutfyllingUt(
        subjekt=body.subjekt,
        formaal=body.formaal,
        foresporselId=foresporsel,
        felter=[_field(item) for item in result.felter],
        gjenbrukt=result.gjenbrukt,
        maaFyllesUt=result.maa_fylles_ut,
    )
