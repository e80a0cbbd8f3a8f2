"""HTTP API of evidence bundles (eBevis): ``POST /bevis`` under ``/datafordeler/v1``.

A public body's system asks, for one organisation, the evidence it needs for a procurement
(skatteattest, firmaattest, MVA registration) and gets it in one answer (see
``felles.sharing.evidence``). Every refusal is problem+json and changes nothing: 401 without a
valid token, 403 without the scope ``altinn:dataaltinnno`` or when the consumer is not a
public body, 404 for an organisation not registered, 422 for invalid input.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Header, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from felles.kernel.clock import get_clock
from felles.kernel.errors import Forbidden
from felles.kernel.web import ACCESS_RESPONSES, Caller, DatabaseDep, problem_doc, require_access
from felles.sharing import evidence

router = APIRouter()

RESPONSES: Final[dict[int | str, dict[str, Any]]] = ACCESS_RESPONSES | {
    403: problem_doc(
        f"The token lacks the scope {evidence.SCOPE}, or the consumer is not a public body"
    ),
    404: problem_doc("No main entity is registered with the organisasjonsnummer"),
    422: problem_doc(
        "Invalid input: an invalid organisasjonsnummer, an unknown kind of evidence or purpose"
    ),
}


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class BevisInn(_Camel):
    organisasjonsnummer: str = Field(
        min_length=9,
        max_length=20,
        description="The organisation the evidence is about (9 digits)",
        examples=["974760673"],
    )
    bevis: (
        list[Annotated[str, Field(max_length=50, json_schema_extra={"enum": list(evidence.KINDS)})]]
        | None
    ) = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="The kinds of evidence wanted; all when left out",
        examples=[list(evidence.KINDS)],
    )
    formaal: str = Field(
        max_length=200,
        description="The purpose (formål)",
        json_schema_extra={"enum": list(evidence.PURPOSES)},
        examples=[evidence.PURPOSES[0]],
    )


class BevisKilde(_Camel):
    # "register" would shadow BaseModel.register (ABCMeta) as an attribute name.
    registernavn: str = Field(alias="register", description="The register")
    organisasjonsnummer: str = Field(description="The agency that keeps the register")


class Bevis(_Camel):
    kode: str = Field(examples=["skatteattest"])
    navn: str = Field(description="The evidence's name in bokmål")
    status: Literal["ok", "ikke-ok", "ukjent"] = Field(
        description="ok: speaks for the organisation; ikke-ok: against it; ukjent: the "
        "source cannot say"
    )
    verdi: dict[str, Any] = Field(description="What the source says, by kind of evidence")
    kilde: BevisKilde
    tidspunkt: datetime


class BevisOrganisasjon(_Camel):
    organisasjonsnummer: str
    navn: str
    organisasjonsform: str = Field(description="The code, e.g. AS")


class BevisSvar(_Camel):
    organisasjon: BevisOrganisasjon
    formaal: str
    bevis: list[Bevis]
    foresporsel_id: str


def public_buyer(
    caller: Annotated[Caller, Depends(require_access(evidence.SCOPE))], database: DatabaseDep
) -> str:
    """The consumer's organisasjonsnummer: an organisation's token, and a public body."""
    if caller.operator or caller.principal.kind != "organisation" or not caller.principal.orgnr:
        raise Forbidden(
            "Evidence is served to an organisation's system (a Maskinporten token), "
            "not to the operator or a person"
        )
    orgnr: str = caller.principal.orgnr
    with database.read_session() as session:
        evidence.check_public_body(session, orgnr=orgnr)
    return orgnr


@router.post(
    "/bevis",
    response_model=BevisSvar,
    responses=RESPONSES,
    dependencies=[Depends(public_buyer)],
    summary="Evidence about one organisation for a public procurement (eBevis)",
)
def bevis(
    database: DatabaseDep,
    response: Response,
    body: BevisInn,
    request_id: Annotated[
        str | None,
        Header(alias="X-Request-ID", max_length=64, description="Echoed in the answer"),
    ] = None,
) -> BevisSvar:
    """Skatteattest (Skatteetaten's restanser), firmaattest (Enhetsregisteret) and MVA
    registration, or those named in ``bevis``, each with its status, value and source."""
    formaal = evidence.check_purpose(body.formaal)
    foresporsel = request_id or str(uuid.uuid4())
    response.headers["X-Request-ID"] = foresporsel
    with database.read_session() as session:
        found = evidence.gather(
            session, orgnr=body.organisasjonsnummer, codes=body.bevis, at=get_clock().now()
        )
    return BevisSvar(
        organisasjon=BevisOrganisasjon(
            organisasjonsnummer=found.organisasjonsnummer,
            navn=found.navn,
            organisasjonsform=found.organisasjonsform,
        ),
        formaal=formaal,
        bevis=[
            Bevis(
                kode=item.kode,
                navn=item.navn,
                status=item.status,
                verdi=dict(item.verdi),
                kilde=BevisKilde(
                    registernavn=item.kilde.register,
                    organisasjonsnummer=item.kilde.organisasjonsnummer,
                ),
                tidspunkt=item.tidspunkt,
            )
            for item in found.bevis
        ],
        foresporselId=foresporsel,
    )
