"""The mailbox's HTTP API, shaped as Altinn 3 Correspondence under ``/correspondence/api/v1``.

- ``POST /correspondence`` (initialize, JSON) and ``POST /correspondence/upload`` (multipart,
  with attachments): an agency or municipality sends a letter to one or more recipients;
- ``GET /correspondence``: the ids of the caller's letters (as recipient, or as sender);
- ``GET /correspondence/{id}`` (overview) and ``/details`` (with the status history);
- ``GET /correspondence/{id}/content``: the letter as accessible HTML (the recipient's first
  look marks it read); ``/pdf``: the same as PDF (a felles addition);
- ``GET /correspondence/{id}/attachment/{attachmentId}/download``;
- ``POST /correspondence/{id}/markasread`` and ``/confirm`` (a task done).

Field names are Altinn's (``idempotentKey``, ``content.messageTitle`` …). felles adds
``correspondence.kind`` (vedtak, informasjon, oppgave) and ``correspondence.contentVariants``
(the same letter in the other languages: nb, nn, en). Callers: see ``callers``. An answer
never holds a recipient's address; errors are problem+json, and bad input changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from felles.kernel.clock import aware, get_clock
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.web import ACCESS_RESPONSES, Caller, DatabaseDep, problem_doc, require_access
from felles.mailbox import operations, queries
from felles.mailbox.callers import Party, party_of, sender_of
from felles.mailbox.content import LANGUAGES, MAX_BODY, MAX_SUMMARY, MAX_TITLE, Content
from felles.mailbox.recipients import ORGANISATION_URN, urn_of
from felles.mailbox.rendering import render_html, render_pdf
from felles.mailbox.texts import CHANNEL, status_text

PREFIX: Final = "/correspondence/api/v1"
MAX_RECIPIENTS: Final = 100
#: How far ahead a due date may be (a guard against dates no database can hold).
MAX_DUE_AHEAD: Final = timedelta(days=5 * 366)

router = APIRouter(prefix=PREFIX, tags=["correspondence"])

Responses = dict[int | str, dict[str, Any]]
READ: Final[Responses] = ACCESS_RESPONSES | {
    403: problem_doc(
        "The operator's token, a token without the scope, or no right to act for "
        "the organisation in paaVegneAv"
    ),
    404: problem_doc("No such letter in the caller's mailbox or among its sent letters"),
    422: problem_doc("Invalid input"),
}
SEND: Final[Responses] = ACCESS_RESPONSES | {
    403: problem_doc("Not an organisation's system with altinn:correspondence.write"),
    409: problem_doc("The idempotentKey was used before; the problem names the letter"),
    413: problem_doc("The request is too large"),
    422: problem_doc("Invalid input: nothing was sent, read or stored"),
    503: problem_doc("The mailbox may not read what routing needs; nothing was sent"),
}
CHANGE: Final[Responses] = READ | {
    409: problem_doc("The letter needs no confirmation"),
}
LetterId = Annotated[
    str,
    Path(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description="The correspondence id (a UUID)",
    ),
]
AttachmentId = Annotated[
    str,
    Path(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description="The attachment id (a UUID)",
    ),
]
Language = Literal["nb", "nn", "en"]
OnBehalfOf = Annotated[
    str | None,
    Query(
        alias="paaVegneAv",
        pattern=r"^\d{9}$",
        description="A person reads the mailbox of an organisation they act for (a role)",
    ),
]
LanguageQuery = Annotated[Language | None, Query(description="nb, nn or en")]


def _party(
    database: DatabaseDep,
    caller: Annotated[Caller, Depends(require_access())],
    on_behalf_of: OnBehalfOf = None,
) -> Party:
    return party_of(database, caller, on_behalf_of)


def _sender(caller: Annotated[Caller, Depends(require_access())]) -> str:
    return sender_of(caller)


PartyDep = Annotated[Party, Depends(_party)]
SenderDep = Annotated[str, Depends(_sender)]


# ------------------------------------------------------------------------------------------
# Bodies and answers (Altinn's names)
# ------------------------------------------------------------------------------------------


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ContentIn(_Camel):
    language: Language
    message_title: str = Field(min_length=1, max_length=MAX_TITLE)
    message_summary: str | None = Field(default=None, max_length=MAX_SUMMARY)
    message_body: str = Field(
        min_length=1,
        max_length=MAX_BODY,
        description="Structured text: paragraphs, '# ' headings, '- ' lists, '> ' quotes, "
        "'| a | b |' tables, [text](https://…) links (see docs/mailbox.md)",
    )


class CorrespondenceIn(_Camel):
    resource_id: str | None = Field(
        default=None, max_length=100, description="Accepted for Altinn clients; not used"
    )
    senders_reference: str | None = Field(default=None, max_length=100)
    message_sender: str | None = Field(default=None, max_length=200)
    kind: Literal["vedtak", "informasjon", "oppgave"] = Field(
        default="informasjon", description="felles: a decision, information, or a task"
    )
    content: ContentIn
    content_variants: list[ContentIn] = Field(
        default_factory=list,
        max_length=len(LANGUAGES) - 1,
        description="felles: the same letter in the other languages (nb, nn, en)",
    )
    due_date_time: datetime | None = None
    is_confirmation_needed: bool | None = Field(
        default=None, description="Default: true for a task (oppgave), else false"
    )


class InitializeIn(_Camel):
    correspondence: CorrespondenceIn
    recipients: list[Annotated[str, Field(min_length=9, max_length=60)]] = Field(
        min_length=1,
        max_length=MAX_RECIPIENTS,
        description="urn:altinn:person:identifier-no:<fnr> or "
        "urn:altinn:organization:identifier-no:<orgnr>",
    )
    idempotent_key: str | None = Field(default=None, min_length=1, max_length=100)


class InitializedOne(_Camel):
    correspondence_id: str
    status: str
    recipient: str


class InitializedOut(_Camel):
    correspondences: list[InitializedOne]
    attachment_ids: list[str]


class AttachmentOut(_Camel):
    id: str
    file_name: str
    display_name: str | None = None
    data_type: str
    size: int
    checksum: str


class ContentOut(_Camel):
    language: str
    message_title: str
    message_summary: str | None = None
    message_body: str
    attachments: list[AttachmentOut]


class StatusOut(_Camel):
    status: str
    status_text: str
    status_changed: datetime


class OverviewOut(_Camel):
    correspondence_id: str
    status: str
    status_text: str
    status_changed: datetime
    sender: str
    message_sender: str
    senders_reference: str | None = None
    recipient: str
    kind: str
    created: datetime
    due_date_time: datetime | None = None
    is_confirmation_needed: bool
    content: ContentOut
    content_languages: list[str]
    channel: str | None = None
    channel_text: str | None = None


class DetailsOut(OverviewOut):
    status_history: list[StatusOut]


class IdsOut(_Camel):
    ids: list[str]


# ------------------------------------------------------------------------------------------
# Sending
# ------------------------------------------------------------------------------------------


def _letters(
    sender: str, body: InitializeIn, attachments: list[operations.Attachment]
) -> list[operations.Letter]:
    item = body.correspondence
    variants = [item.content, *item.content_variants]
    contents = [
        Content(v.language, v.message_title, v.message_body, v.message_summary) for v in variants
    ]
    if item.due_date_time is not None and aware(item.due_date_time) > (
        get_clock().now() + MAX_DUE_AHEAD
    ):
        raise InvalidInput("dueDateTime is more than five years ahead")
    if len(set(body.recipients)) != len(body.recipients):
        raise InvalidInput("Name each recipient once")
    if body.idempotent_key is not None and len(body.recipients) > 1:
        raise InvalidInput("An idempotentKey is for one recipient (as in Altinn)")
    return [
        operations.Letter(
            sender_orgnr=sender,
            recipient=recipient,
            contents=contents,
            kind=item.kind,
            idempotent_key=body.idempotent_key,
            senders_reference=item.senders_reference,
            message_sender=item.message_sender,
            due=item.due_date_time,
            confirmation_needed=item.is_confirmation_needed,
            attachments=attachments,
        )
        for recipient in body.recipients
    ]


def _send(
    database: DatabaseDep,
    sender: str,
    body: InitializeIn,
    attachments: list[operations.Attachment],
) -> InitializedOut:
    letters = _letters(sender, body, attachments)
    valid = [operations.validate(letter) for letter in letters]  # all checked before any read
    with database.unit_of_work() as uow:
        if body.idempotent_key is not None:
            existing = operations.find_by_key(uow, sender, body.idempotent_key.strip())
            if existing is not None:
                raise Conflict(
                    "This idempotentKey was used before; nothing was sent",
                    correspondenceId=existing,
                )
        # One KRR read for all the recipients; the reads are logged in this transaction.
        ids = operations.send_letters(uow, letters)
        uow.commit()
    with database.read_session() as session:
        answers = []
        for letter_id, checked in zip(ids, valid, strict=True):
            answers.append(
                InitializedOne(
                    correspondence_id=letter_id,
                    status=queries.status_of(session, letter_id) or "",
                    recipient=checked.recipient.urn,
                )
            )
        found = {letter_id: queries.details(session, letter_id) for letter_id in ids}
    attachment_ids = [
        a.id for letter_id in ids if (d := found[letter_id]) is not None for a in d.attachments
    ]
    return InitializedOut(correspondences=answers, attachment_ids=attachment_ids)


@router.post(
    "/correspondence",
    response_model=InitializedOut,
    responses=SEND,
    summary="Send a letter (initialize a correspondence) to one or more recipients",
)
def initialize(body: InitializeIn, database: DatabaseDep, sender: SenderDep) -> InitializedOut:
    return _send(database, sender, body, [])


async def _read_upload(upload: StarletteUpload) -> operations.Attachment:
    data = await upload.read(operations.MAX_ATTACHMENT_BYTES + 1)
    if len(data) > operations.MAX_ATTACHMENT_BYTES:
        raise InvalidInput(f"An attachment is larger than {operations.MAX_ATTACHMENT_BYTES} bytes")
    media_type = (upload.content_type or "application/octet-stream").split(";")[0].strip()
    return operations.Attachment(
        file_name=upload.filename or "vedlegg", data=data, media_type=media_type
    )


MULTIPART: Final = "multipart/form-data"
_UPLOAD_BODY: Final = {
    "requestBody": {
        "required": True,
        "content": {
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "required": ["correspondence"],
                    "properties": {
                        "correspondence": {
                            "type": "string",
                            "maxLength": 2 * MAX_BODY,
                            "description": "The initialize request's JSON body",
                        },
                        "attachments": {
                            "type": "array",
                            "maxItems": operations.MAX_ATTACHMENTS,
                            "items": {"type": "string", "format": "binary"},
                        },
                    },
                }
            }
        },
    }
}


async def _multipart(request: Request) -> tuple[InitializeIn, list[operations.Attachment]]:
    """The upload's parts, read from the body the kernel has read already (FastAPI's own
    form parameters would consume the stream before the kernel's NUL check reads it)."""
    await request.body()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != MULTIPART:
        raise InvalidInput(f"The body must be {MULTIPART}")
    try:
        form = await request.form(
            max_files=operations.MAX_ATTACHMENTS, max_fields=5, max_part_size=2 * MAX_BODY
        )
    except Exception:
        raise InvalidInput("The multipart body cannot be read") from None
    text = form.get("correspondence")
    if not isinstance(text, str):
        raise InvalidInput("correspondence: give the initialize request's JSON as a form field")
    try:
        body = InitializeIn.model_validate_json(text)
    except ValidationError as error:
        # Name where, never what: the JSON may hold identity numbers.
        where = sorted({".".join(str(p) for p in e["loc"]) for e in error.errors()})
        raise InvalidInput(f"correspondence: invalid at {', '.join(where) or 'the top'}") from None
    files = [item for item in form.getlist("attachments") if isinstance(item, StarletteUpload)]
    if len(files) != len(form.getlist("attachments")):
        raise InvalidInput("attachments: each must be a file")
    return body, [await _read_upload(item) for item in files]


@router.post(
    "/correspondence/upload",
    response_model=InitializedOut,
    responses=SEND,
    openapi_extra=_UPLOAD_BODY,
    summary="Send a letter with attachments (multipart: the correspondence JSON and files)",
)
async def upload(request: Request, database: DatabaseDep, sender: SenderDep) -> InitializedOut:
    body, files = await _multipart(request)
    # The send reads and writes the database: off the event loop, as a sync route would be.
    return await run_in_threadpool(_send, database, sender, body, files)


# ------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------


def _visible(found: queries.LetterDetails | None, party: Party) -> queries.LetterDetails:
    """The letter when the caller may see it: its recipient (once it is in the mailbox) or
    its sender's system. Anything else is 404, so ids cannot be probed."""
    if found is not None:
        row = found.row
        if row.recipient == party.mailbox and row.status in queries.IN_MAILBOX:
            return found
        if party.sender is not None and row.sender_orgnr == party.sender:
            return found
    raise NotFound("No such letter in this mailbox")


def _content_out(found: queries.LetterDetails, language: str | None) -> ContentOut:
    shown = found.content(language)
    return ContentOut(
        language=shown.language,
        message_title=shown.title,
        message_summary=shown.summary,
        message_body=shown.body,
        attachments=[
            AttachmentOut(
                id=a.id,
                file_name=a.file_name,
                display_name=a.display_name,
                data_type=a.media_type,
                size=a.size,
                checksum=a.checksum,
            )
            for a in found.attachments
        ],
    )


def _overview_fields(found: queries.LetterDetails, language: str | None) -> dict[str, Any]:
    row = found.row
    shown = language or found.content(language).language
    return {
        "correspondence_id": row.id,
        "status": row.status,
        "status_text": status_text(row.status, shown),
        "status_changed": aware(row.status_changed),
        "sender": ORGANISATION_URN + row.sender_orgnr,
        "message_sender": found.sender_name,
        "senders_reference": row.senders_reference,
        "recipient": urn_of(row.recipient_kind, row.recipient),
        "kind": row.kind,
        "created": aware(row.created),
        "due_date_time": aware(row.due) if row.due is not None else None,
        "is_confirmation_needed": row.is_confirmation_needed,
        "content": _content_out(found, language),
        "content_languages": sorted(found.contents),
        "channel": row.channel,
        "channel_text": CHANNEL[row.channel][shown] if row.channel in CHANNEL else None,
    }


@router.get(
    "/correspondence",
    response_model=IdsOut,
    responses=READ,
    summary="The ids of the caller's letters, newest first (as recipient, or as sender)",
)
def list_letters(
    database: DatabaseDep,
    party: PartyDep,
    role: Annotated[Literal["recipient", "sender"], Query()] = "recipient",
    status: Annotated[
        Literal["Published", "Read", "Confirmed", "Reserved", "Failed"] | None, Query()
    ] = None,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> IdsOut:
    with database.read_session() as session:
        if role == "sender":
            if party.sender is None:
                raise InvalidInput("role=sender is for an organisation's system")
            sent = queries.sent_by(session, party.sender, status=status, limit=limit, offset=offset)
            return IdsOut(ids=sent)
        if status in ("Reserved", "Failed"):
            return IdsOut(ids=[])
        page = queries.inbox(session, party.mailbox, status=status, limit=limit, offset=offset)
        return IdsOut(ids=[item.id for item in page.items])


@router.get(
    "/correspondence/{correspondenceId}",
    response_model=OverviewOut,
    response_model_exclude_none=True,
    responses=READ,
    summary="A letter's overview: status and content in the language asked for",
)
def overview(
    database: DatabaseDep,
    party: PartyDep,
    correspondence_id: Annotated[LetterId, Path(alias="correspondenceId")],
    language: LanguageQuery = None,
) -> OverviewOut:
    with database.read_session() as session:
        found = _visible(queries.details(session, correspondence_id), party)
        return OverviewOut(**_overview_fields(found, language))


@router.get(
    "/correspondence/{correspondenceId}/details",
    response_model=DetailsOut,
    response_model_exclude_none=True,
    responses=READ,
    summary="A letter's details: the overview and its status history",
)
def details(
    database: DatabaseDep,
    party: PartyDep,
    correspondence_id: Annotated[LetterId, Path(alias="correspondenceId")],
    language: LanguageQuery = None,
) -> DetailsOut:
    with database.read_session() as session:
        found = _visible(queries.details(session, correspondence_id), party)
        fields = _overview_fields(found, language)
        shown = language or found.content(language).language
        history = [
            StatusOut(
                status=h.status, status_text=status_text(h.status, shown), status_changed=h.at
            )
            for h in found.history
        ]
        return DetailsOut(**fields, status_history=history)


#: A letter holds personal data: never cached, and no scripts or fetches when opened.
_PRIVATE: Final = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}


def _open(database: DatabaseDep, party: Party, letter_id: str) -> queries.LetterDetails:
    """The letter for reading; the recipient's first look marks it read (as in Altinn)."""
    with database.unit_of_work() as uow:
        found = _visible(queries.details(uow.session, letter_id), party)
        if found.row.recipient == party.mailbox and found.row.status == "Published":
            operations.mark_read(uow, letter_id, recipient=party.mailbox, actor=party.actor)
            uow.commit()
    with database.read_session() as session:
        return _visible(queries.details(session, letter_id), party)


@router.get(
    "/correspondence/{correspondenceId}/content",
    response_class=Response,
    responses=READ
    | {200: {"description": "The letter as an HTML document", "content": {"text/html": {}}}},
    summary="The letter as accessible HTML in the language asked for (marks it read)",
)
def content_html(
    database: DatabaseDep,
    party: PartyDep,
    correspondence_id: Annotated[LetterId, Path(alias="correspondenceId")],
    language: LanguageQuery = None,
) -> Response:
    found = _open(database, party, correspondence_id)
    html = render_html(queries.sheet(found, language))
    return Response(html, media_type="text/html; charset=utf-8", headers=_PRIVATE)


@router.get(
    "/correspondence/{correspondenceId}/pdf",
    response_class=Response,
    responses=READ
    | {200: {"description": "The letter as PDF", "content": {"application/pdf": {}}}},
    summary="The letter as PDF in the language asked for (marks it read; felles addition)",
)
def content_pdf(
    database: DatabaseDep,
    party: PartyDep,
    correspondence_id: Annotated[LetterId, Path(alias="correspondenceId")],
    language: LanguageQuery = None,
) -> Response:
    found = _open(database, party, correspondence_id)
    pdf = render_pdf(queries.sheet(found, language))
    return Response(pdf, media_type="application/pdf", headers=_PRIVATE)


@router.get(
    "/correspondence/{correspondenceId}/attachment/{attachmentId}/download",
    response_class=Response,
    responses=READ
    | {200: {"description": "The attachment's bytes", "content": {"application/octet-stream": {}}}},
    summary="Download an attachment of a letter",
)
def download(
    database: DatabaseDep,
    party: PartyDep,
    correspondence_id: Annotated[LetterId, Path(alias="correspondenceId")],
    attachment_id: Annotated[AttachmentId, Path(alias="attachmentId")],
) -> Response:
    with database.read_session() as session:
        _visible(queries.details(session, correspondence_id), party)
        row = queries.attachment_data(session, correspondence_id, attachment_id)
        data, name, media_type = row.data, row.file_name, row.media_type
    safe = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in name)
    headers = _PRIVATE | {"Content-Disposition": f'attachment; filename="{safe}"'}
    # Served as bytes whatever the sender called it, so a browser never runs it.
    return Response(
        data,
        media_type="application/octet-stream",
        headers=headers | {"X-Felles-Data-Type": media_type},
    )


def _recipient_only(found: queries.LetterDetails | None, party: Party) -> None:
    if found is None or found.row.recipient != party.mailbox:
        raise NotFound("No such letter in this mailbox")


@router.post(
    "/correspondence/{correspondenceId}/markasread",
    response_model=str,
    responses=READ,
    summary="Mark a letter read (the recipient)",
)
def markasread(
    database: DatabaseDep,
    party: PartyDep,
    correspondence_id: Annotated[LetterId, Path(alias="correspondenceId")],
) -> str:
    with database.unit_of_work() as uow:
        _recipient_only(queries.details(uow.session, correspondence_id), party)
        operations.mark_read(uow, correspondence_id, recipient=party.mailbox, actor=party.actor)
        uow.commit()
    return correspondence_id


@router.post(
    "/correspondence/{correspondenceId}/confirm",
    response_model=str,
    responses=CHANGE,
    summary="Confirm a letter: a task (oppgave) is done (the recipient)",
)
def confirm(
    database: DatabaseDep,
    party: PartyDep,
    correspondence_id: Annotated[LetterId, Path(alias="correspondenceId")],
) -> str:
    with database.unit_of_work() as uow:
        _recipient_only(queries.details(uow.session, correspondence_id), party)
        operations.confirm(uow, correspondence_id, recipient=party.mailbox, actor=party.actor)
        uow.commit()
    return correspondence_id
