"""HTTP API of the access log: a person's own log, "who has used my data, and why".

``GET /innsynslogg/api/v1/personer/{personidentifikator}/innsyn?fra=&til=&side=&antall=``
answers the entries whose data subject is the person — the uses by people acting for them
(``fullmaktId``) included — oldest first, a page at a time, with the consumer's name from
Enhetsregisteret. Entries hold field names, never values.

The operator's bearer token reads any person's log; a person's access token from felles'
ID-porten reads their own, or that of someone they act for (``_subject``, through the
decision point); an organisation's token reads none.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

from felles.access.log import queries
from felles.access.log.model import LogEntryRow
from felles.access.own_data import readable_subject
from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput
from felles.kernel.ids import PersonIdStr
from felles.kernel.web import Caller, DatabaseDep, problem_doc, require_access
from felles.registries.enhetsregisteret.queries import units_status

PREFIX: Final = "/innsynslogg/api/v1"
#: The access log as the decision point knows it (``felles.access.datasets``).
LOG_FIELD: Final = "innsynslogg.innsyn.innsyn"
MAX_PAGE: Final = 10_000
MAX_SIZE: Final = 100

Responses = dict[int | str, dict[str, Any]]
RESPONSES: Final[Responses] = {
    401: problem_doc("No or invalid bearer token"),
    403: problem_doc("A person sees only their own log"),
    422: problem_doc("Invalid input (identity number, dates, page); nothing was read"),
}

router = APIRouter(prefix=PREFIX, tags=["innsynslogg"])


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_string(value: Any) -> Any:
    """A day is written YYYY-MM-DD; pydantic alone would also take a number (Unix time)."""
    if isinstance(value, str) and _DAY.fullmatch(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_day_string)]


class _Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Konsument(_Schema):
    organisasjonsnummer: str
    navn: str | None = Field(description="From Enhetsregisteret; null if not registered there")


class Innsyn(_Schema):
    """One release of the person's data: to whom, who acted, what (field names), why."""

    sekvensnummer: int = Field(description="The entry's place in the hash-chained log")
    tidspunkt: datetime
    konsument: Konsument
    aktoer: str | None = Field(
        description="The person who acted: the consumer's employee, or someone with a fullmakt"
    )
    fullmakt_id: str | None = Field(description="The delegation used, when acting for the person")
    datasett: str
    felter: list[str] = Field(description="Names of the fields released (never their values)")
    formaal: str = Field(description="The purpose")
    hjemmel: str | None = Field(description="The legal basis, if the release rested on one")
    samtykke_id: str | None = Field(description="The consent, if the release rested on one")
    foresporsel_id: str = Field(description="The consumer's request id")


class Side(_Schema):
    nummer: int
    stoerrelse: int
    totalt_antall: int
    totalt_antall_sider: int


class Innsynslogg(_Schema):
    """A page of the person's access log, oldest first."""

    personidentifikator: str
    innsyn: list[Innsyn]
    side: Side


def _subject(database: Database, personidentifikator: str, caller: Caller) -> str:
    """The person whose log is read (``felles.access.own_data``)."""
    return readable_subject(
        database, personidentifikator, caller, field=LOG_FIELD, purpose="innsyn"
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@router.get(
    "/personer/{personidentifikator}/innsyn",
    summary="Who has used the person's data, and why",
    response_model=Innsynslogg,
    response_model_by_alias=True,
    responses=RESPONSES,
)
def person_log(
    database: DatabaseDep,
    caller: Annotated[Caller, Depends(require_access())],
    personidentifikator: Annotated[
        PersonIdStr, Path(description="The person's fødselsnummer or D-nummer")
    ],
    fra: Annotated[Day | None, Query(description="From this day (UTC), inclusive")] = None,
    til: Annotated[Day | None, Query(description="To this day (UTC), inclusive")] = None,
    side: Annotated[int, Query(ge=0, le=MAX_PAGE, description="Page number, from 0")] = 0,
    antall: Annotated[int, Query(ge=1, le=MAX_SIZE, description="Entries per page")] = 20,
) -> Innsynslogg:
    """The entries about the person from ``fra`` to ``til`` (days, both inclusive), oldest
    first: consumer, the person acting, dataset and field names, purpose, legal basis or
    consent, request id."""
    if fra is not None and til is not None and til < fra:
        raise InvalidInput("til must not be before fra")
    subjekt = _subject(database, personidentifikator, caller)
    start = _start_of(fra) if fra is not None else None
    end = _start_of(til) + timedelta(days=1) if til is not None and til < date.max else None
    with database.read_session() as session:
        page = queries.entries_about(
            session, subjekt=subjekt, fra=start, til=end, page=side, size=antall
        )
        names = {
            orgnr: status.navn
            for orgnr, status in units_status(
                session, orgnrs={e.konsument for e in page.entries}
            ).items()
        }
    return Innsynslogg(
        personidentifikator=subjekt,
        innsyn=[_innsyn(entry, names) for entry in page.entries],
        side=Side(
            nummer=side,
            stoerrelse=antall,
            totalt_antall=page.total,
            totalt_antall_sider=-(-page.total // antall),
        ),
    )


def _innsyn(entry: LogEntryRow, names: dict[str, str]) -> Innsyn:
    when = entry.tidspunkt
    return Innsyn(
        sekvensnummer=entry.sekvensnummer,
        tidspunkt=when if when.tzinfo is not None else when.replace(tzinfo=UTC),
        konsument=Konsument(organisasjonsnummer=entry.konsument, navn=names.get(entry.konsument)),
        aktoer=entry.aktoer,
        fullmakt_id=entry.fullmakt_id,
        datasett=entry.datasett,
        felter=list(entry.felter),
        formaal=entry.formaal,
        hjemmel=entry.hjemmel,
        samtykke_id=entry.samtykke_id,
        foresporsel_id=entry.foresporsel_id,
    )
