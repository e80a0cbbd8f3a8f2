"""HTTP API of the distributor's change lists: ``GET /datafordeler/v1/{produkt}/endringer``.

Which subjects of a product changed after a cursor (``etter``, the ``neste`` of the answer
before; 0 from the start), oldest first, at most ``antall``: for a personal-data product only
the subjects the caller may read some field of for the stated purpose (``formaal``). The
answer's ``neste`` moves past every event looked at, including those the caller may not see;
the consumer has caught up when ``neste`` equals the ``etter`` it gave. Listing the changed
subjects releases no values and is not written to the access log; fetching the values is a
release (``GET /{produkt}/{subjekt}``), decided and logged. See ``felles.sharing.changes``.

Mounted by ``felles.sharing.api`` (prefix ``/datafordeler/v1``) before the generic
``/{produkt}/{subjekt}``. Callers as there (``felles.sharing.callers``): an organisation's
system with a Maskinporten token carrying ``felles:datafordeler``, or a person with an
ID-porten token; not the operator.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from felles.kernel.web import ACCESS_RESPONSES, MAX_BIGINT, DatabaseDep, problem_doc
from felles.sharing.callers import PrincipalDep
from felles.sharing.changes import DEFAULT_LIMIT, MAX_LIMIT, list_changes
from felles.sharing.products import get_product_or_raise

router = APIRouter()


class ChangeOut(BaseModel):
    subjekt: str = Field(description="The subject that changed (fødselsnummer, D-nummer, orgnr)")
    sekvensnummer: int = Field(description="The sequence number of its latest change here")
    tidspunkt: datetime = Field(description="When that change was registered")
    hendelsestype: str = Field(
        description="The registry event's CloudEvents type",
        examples=["no.folkeregisteret.endringIBostedsadresse"],
    )


class ChangesOut(BaseModel):
    produkt: str = Field(examples=["folkeregister.person.basis"])
    endringer: list[ChangeOut] = Field(
        description="Oldest first; each subject once, at its latest change in this page"
    )
    neste: int = Field(
        description="The cursor to give as etter next time; equal to etter when caught up"
    )


RESPONSES: Final[dict[int | str, dict[str, Any]]] = ACCESS_RESPONSES | {
    403: problem_doc(
        "The operator's token, or an organisation's token without felles:datafordeler"
    ),
    404: problem_doc("No such product, or it publishes no changes"),
    422: problem_doc("Invalid input: a cursor, number or purpose out of range"),
}


@router.get(
    "/{produkt}/endringer",
    response_model=ChangesOut,
    responses=RESPONSES,
    summary="Which subjects of a product changed after a cursor (not logged: no values)",
)
def get_changes(
    database: DatabaseDep,
    principal: PrincipalDep,
    produkt: Annotated[str, Path(max_length=100, examples=["folkeregister.person.basis"])],
    formaal: Annotated[
        str, Query(min_length=1, max_length=200, description="The purpose (formål) of the use")
    ],
    etter: Annotated[
        int, Query(ge=0, le=MAX_BIGINT, description="The cursor: neste of the answer before")
    ] = 0,
    antall: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="At most this many changes")
    ] = DEFAULT_LIMIT,
) -> ChangesOut:
    product = get_product_or_raise(produkt)
    with database.read_session() as session:
        page = list_changes(
            session,
            principal=principal,
            product=product,
            purpose=formaal,
            after=etter,
            limit=antall,
        )
    return ChangesOut(
        produkt=page.product,
        endringer=[
            ChangeOut(
                subjekt=change.subject,
                sekvensnummer=change.seq,
                tidspunkt=change.time,
                hendelsestype=change.type,
            )
            for change in page.changes
        ],
        neste=page.next,
    )
