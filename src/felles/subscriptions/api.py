"""HTTP API in the shape of Altinn Events, under ``/events/api/v1`` (decision 0031).

- ``POST /subscriptions``: subscribe an endpoint, with ``sourceFilter`` and ``typeFilter``
  (prefixes) and ``subjectFilter`` (exact); a validation event is sent to it first;
- ``GET /subscriptions``, ``GET /subscriptions/{id}``, ``DELETE /subscriptions/{id}``: the
  caller's organisation's own subscriptions;
- ``GET /subscriptions/{id}/deadletters``: deliveries given up (a felles addition);
- ``GET /events?after=&type=&source=&subject=&size=&purpose=``: pull the events after a
  cursor (an event id, or 0 from the start) as CloudEvents; the ``next`` header (and a
  ``Link`` with ``rel="next"``) is the URL of the next page.

Callers: an organisation's system with a Maskinporten token carrying
``altinn:events.subscribe``. Events about a person reach only an organisation the decision
point entitles to them for the stated ``purpose`` (``felles.subscriptions.entitlement``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from felles.kernel.clock import aware
from felles.kernel.errors import Forbidden
from felles.kernel.web import (
    ACCESS_RESPONSES,
    MAX_BIGINT,
    Caller,
    DatabaseDep,
    problem_doc,
    require_access,
)
from felles.subscriptions import service
from felles.subscriptions.model import DeadLetterRow, SubscriptionRow

PREFIX: Final = "/events/api/v1"
#: The Maskinporten scope an organisation's system needs for subscriptions and the pull API.
SCOPE: Final = "altinn:events.subscribe"

router = APIRouter(prefix=PREFIX, tags=["hendelser"])

Responses = dict[int | str, dict[str, Any]]
RESPONSES: Final[Responses] = ACCESS_RESPONSES | {
    403: problem_doc(f"The operator's or a person's token, or a machine token without {SCOPE}"),
    422: problem_doc("Invalid input; nothing was changed"),
}
NOT_FOUND: Final[Responses] = {404: problem_doc("No such subscription of the caller's")}


class Consumer(BaseModel):
    orgnr: str
    client_id: str
    scopes: tuple[str, ...]


def consumer_of(caller: Annotated[Caller, Depends(require_access(SCOPE))]) -> Consumer:
    """The organisation behind the caller's Maskinporten token (403 for anyone else)."""
    token = caller.principal
    if caller.operator or token is None or getattr(token, "kind", None) != "organisation":
        raise Forbidden(
            f"Only an organisation's system (a Maskinporten token with {SCOPE}) subscribes",
            required=[SCOPE],
        )
    return Consumer(
        orgnr=str(token.orgnr), client_id=str(token.client_id), scopes=tuple(sorted(caller.scopes))
    )


ConsumerDep = Annotated[Consumer, Depends(consumer_of)]

_FILTER = Field(default=None, max_length=200)


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endPoint: str = Field(  # noqa: N815 (Altinn's field names)
        min_length=1,
        max_length=500,
        description="Where events are POSTed: https, or http to 127.0.0.1/localhost",
        examples=["https://fagsystem.example.no/hendelser"],
    )
    sourceFilter: str | None = Field(  # noqa: N815
        default=None, max_length=200, description="Events whose source starts with this"
    )
    typeFilter: str | None = Field(  # noqa: N815
        default=None,
        max_length=200,
        description="Events whose type starts with this",
        examples=["no.folkeregisteret."],
    )
    subjectFilter: str | None = Field(  # noqa: N815
        default=None, max_length=200, description="Events about exactly this subject"
    )
    purpose: str | None = Field(
        default=None,
        max_length=200,
        description=(
            "felles: the purpose (formål) events about people are judged for; without it, "
            "events about people are not delivered"
        ),
        examples=["barnetrygd"],
    )


class SubscriptionOut(BaseModel):
    id: int
    endPoint: str  # noqa: N815
    sourceFilter: str | None = None  # noqa: N815
    typeFilter: str | None = None  # noqa: N815
    subjectFilter: str | None = None  # noqa: N815
    purpose: str | None = None
    consumer: str = Field(examples=["/org/889640782"])
    createdBy: str = Field(examples=["/org/889640782"])  # noqa: N815
    created: datetime
    validated: bool
    status: str = Field(
        description="felles: awaiting-validation, active or validation-failed",
        examples=["active"],
    )


class SubscriptionList(BaseModel):
    count: int
    subscriptions: list[SubscriptionOut]


class CloudEventOut(BaseModel):
    specversion: str = "1.0"
    id: str
    source: str
    type: str
    subject: str | None = None
    time: datetime
    datacontenttype: str = "application/json"
    data: dict[str, Any]


class DeadLetterOut(BaseModel):
    eventId: str  # noqa: N815
    validation: bool
    attempts: int
    lastError: str | None = None  # noqa: N815
    deadAt: datetime  # noqa: N815
    cloudEvent: CloudEventOut  # noqa: N815


def _out(row: SubscriptionRow) -> SubscriptionOut:
    return SubscriptionOut(
        id=row.id,
        endPoint=row.end_point,
        sourceFilter=row.source_filter,
        typeFilter=row.type_filter,
        subjectFilter=row.subject_filter,
        purpose=row.purpose,
        consumer=f"/org/{row.consumer_orgnr}",
        createdBy=f"/org/{row.consumer_orgnr}",
        created=aware(row.created),
        validated=row.validated,
        status=row.status,
    )


def _dead_out(row: DeadLetterRow) -> DeadLetterOut:
    return DeadLetterOut(
        eventId=row.event_id,
        validation=row.validation,
        attempts=row.attempts,
        lastError=row.last_error,
        deadAt=aware(row.dead_at),
        cloudEvent=CloudEventOut.model_validate(row.cloudevent),
    )


SubscriptionId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The subscription's id")]


@router.post(
    "/subscriptions",
    status_code=201,
    response_model=SubscriptionOut,
    response_model_exclude_none=True,
    responses=RESPONSES,
    summary="Subscribe an endpoint to events; a validation event is sent to it first",
)
def post_subscription(
    body: SubscriptionIn,
    request: Request,
    response: Response,
    database: DatabaseDep,
    consumer: ConsumerDep,
) -> SubscriptionOut:
    new = service.NewSubscription(
        end_point=body.endPoint,
        source_filter=body.sourceFilter,
        type_filter=body.typeFilter,
        subject_filter=body.subjectFilter,
        purpose=body.purpose,
    )
    source_base = str(request.base_url).rstrip("/") + f"{PREFIX}/subscriptions"
    with database.unit_of_work() as uow:
        row = service.create_subscription(
            uow,
            new,
            orgnr=consumer.orgnr,
            created_by=consumer.client_id,
            scopes=consumer.scopes,
            source_base=source_base,
        )
        uow.commit()
        out = _out(row)
    response.headers["Location"] = f"{PREFIX}/subscriptions/{out.id}"
    return out


@router.get(
    "/subscriptions",
    response_model=SubscriptionList,
    response_model_exclude_none=True,
    responses=RESPONSES,
    summary="The caller's organisation's subscriptions",
)
def list_subscriptions(database: DatabaseDep, consumer: ConsumerDep) -> SubscriptionList:
    with database.read_session() as session:
        rows = service.list_subscriptions(session, orgnr=consumer.orgnr)
        items = [_out(row) for row in rows]
    return SubscriptionList(count=len(items), subscriptions=items)


@router.get(
    "/subscriptions/{id}",
    response_model=SubscriptionOut,
    response_model_exclude_none=True,
    responses=RESPONSES | NOT_FOUND,
    summary="One of the caller's subscriptions",
)
def get_subscription(
    database: DatabaseDep, consumer: ConsumerDep, id: SubscriptionId
) -> SubscriptionOut:
    with database.read_session() as session:
        return _out(service.get_subscription(session, id, orgnr=consumer.orgnr))


@router.delete(
    "/subscriptions/{id}",
    status_code=200,
    response_model=SubscriptionOut,
    response_model_exclude_none=True,
    responses=RESPONSES | NOT_FOUND,
    summary="Delete one of the caller's subscriptions (nothing more is delivered)",
)
def delete_subscription(
    database: DatabaseDep, consumer: ConsumerDep, id: SubscriptionId
) -> SubscriptionOut:
    with database.unit_of_work() as uow:
        row = service.delete_subscription(uow, id, orgnr=consumer.orgnr)
        uow.commit()
        return _out(row)


@router.get(
    "/subscriptions/{id}/deadletters",
    response_model=list[DeadLetterOut],
    response_model_exclude_none=True,
    responses=RESPONSES | NOT_FOUND,
    summary="Deliveries of a subscription given up after the last retry (dead letters)",
)
def get_dead_letters(
    database: DatabaseDep, consumer: ConsumerDep, id: SubscriptionId
) -> list[DeadLetterOut]:
    with database.read_session() as session:
        service.get_subscription(session, id, orgnr=consumer.orgnr)
        return [_dead_out(row) for row in service.dead_letters(session, id)]


@router.get(
    "/events",
    response_model=list[CloudEventOut],
    response_model_exclude_none=True,
    responses=RESPONSES,
    summary="Pull events after a cursor, only those the caller's organisation is entitled to",
)
def get_events(
    request: Request,
    response: Response,
    database: DatabaseDep,
    consumer: ConsumerDep,
    after: Annotated[
        str,
        Query(
            min_length=1,
            max_length=36,
            description="The id of the last event seen, or 0 from the start",
        ),
    ],
    type: Annotated[
        str | None, Query(max_length=200, description="Events whose type starts with this")
    ] = None,
    source: Annotated[
        str | None, Query(max_length=200, description="Events whose source starts with this")
    ] = None,
    subject: Annotated[
        str | None, Query(max_length=200, description="Events about exactly this subject")
    ] = None,
    size: Annotated[
        int, Query(ge=1, le=service.MAX_PAGE, description="At most this many events")
    ] = service.DEFAULT_PAGE,
    purpose: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="felles: the purpose events about people are judged for",
        ),
    ] = None,
) -> list[CloudEventOut]:
    with database.read_session() as session:
        cursor = service.resolve_after(session, after)
        page = service.pull_events(
            session,
            orgnr=consumer.orgnr,
            scopes=consumer.scopes,
            purpose=purpose,
            after=cursor,
            size=size,
            type_filter=type,
            source_filter=source,
            subject=subject,
        )
    following = str(request.url.include_query_params(after=str(page.next)))
    response.headers["next"] = following
    response.headers["Link"] = f'<{following}>; rel="next"'
    return [CloudEventOut.model_validate(s.event.to_cloudevent()) for s in page.events]
