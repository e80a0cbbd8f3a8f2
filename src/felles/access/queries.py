"""Reads of the access block: consents, their history, fullmakter, as rows and as facts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session

from felles.access.decision import ConsentFact, DelegationFact
from felles.access.model import Fullmakt, Samtykke, SamtykkeHendelse
from felles.kernel.compiled import CompiledStatement, member
from felles.kernel.errors import NotFound

UNKNOWN_CONSENT = "No consent request is registered with this id"
UNKNOWN_FULLMAKT = "No fullmakt is registered with this id"


def utc(instant: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives naive values, which are UTC in felles)."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def get_consent(session: Session, *, consent_id: str) -> Samtykke | None:
    return session.get(Samtykke, consent_id)


def get_consent_or_raise(session: Session, *, consent_id: str) -> Samtykke:
    samtykke = get_consent(session, consent_id=consent_id)
    if samtykke is None:
        raise NotFound(UNKNOWN_CONSENT)
    return samtykke


def consent_history(session: Session, *, consent_id: str) -> list[SamtykkeHendelse]:
    query = (
        select(SamtykkeHendelse)
        .where(SamtykkeHendelse.samtykke_id == consent_id)
        .order_by(SamtykkeHendelse.id)
    )
    return list(session.scalars(query))


def consents_to(session: Session, *, subjects: Collection[str], consumer: str) -> list[Samtykke]:
    """Every consent request to ``consumer`` from any of ``subjects`` (any status)."""
    wanted = sorted(set(subjects))
    if not wanted:
        return []
    query = (
        select(Samtykke)
        .where(Samtykke.til_orgnr == consumer, Samtykke.fra_ident.in_(wanted))
        .order_by(Samtykke.opprettet, Samtykke.id)
    )
    return list(session.scalars(query))


def _consent_facts_select(postgresql: bool) -> Select[Any]:
    columns = (
        Samtykke.id,
        Samtykke.fra_ident,
        Samtykke.til_orgnr,
        Samtykke.rettigheter,
        Samtykke.gyldig_til,
        Samtykke.samtykket,
        Samtykke.status,
        Samtykke.avsluttet,
    )
    return (
        select(*columns)
        .where(
            Samtykke.til_orgnr == bindparam("consumer"),
            member(Samtykke.fra_ident, "subjects", postgresql=postgresql),
        )
        .order_by(Samtykke.opprettet, Samtykke.id)
    )


def _holds_consents_select(_postgresql: bool) -> Select[Any]:
    return select(Samtykke.id).where(Samtykke.til_orgnr == bindparam("consumer")).limit(1)


_HOLDS_CONSENTS: Final = CompiledStatement(_holds_consents_select)


def consumer_has_consent_requests(session: Session, *, consumer: str) -> bool:
    """Whether any consent request (of any status) was ever made to ``consumer``."""
    return bool(_HOLDS_CONSENTS.rows(session, tuple, consumer=consumer))


# The decision point reads these for every request whose legal bases leave fields uncovered.
_CONSENT_FACTS: Final = CompiledStatement(_consent_facts_select, lists=("subjects",))


def consent_facts_to(
    session: Session, *, subjects: Collection[str], consumer: str
) -> dict[str, list[ConsentFact]]:
    """``consents_to`` as the decision point sees them, by subject (one compiled statement)."""
    wanted = sorted(set(subjects))
    found: dict[str, list[ConsentFact]] = {}
    if not wanted:
        return found
    for row in _CONSENT_FACTS.rows(session, _ConsentRow._make, subjects=wanted, consumer=consumer):
        found.setdefault(row.fra_ident, []).append(consent_fact(row))
    return found


class _ConsentRow(NamedTuple):
    id: str
    fra_ident: str
    til_orgnr: str
    rettigheter: list[dict[str, Any]]
    gyldig_til: datetime
    samtykket: datetime | None
    status: str
    avsluttet: datetime | None


def consent_fact(row: Samtykke | _ConsentRow) -> ConsentFact:
    """The consent as the decision point sees it."""
    ended = row.avsluttet if row.status in ("revoked", "expired") else None
    return ConsentFact(
        id=row.id,
        subject=row.fra_ident,
        consumer=row.til_orgnr,
        rights=tuple((r["formaal"], frozenset(r["felter"])) for r in row.rettigheter),
        valid_to=utc(row.gyldig_til),
        accepted_at=utc(row.samtykket) if row.samtykket and row.status != "rejected" else None,
        ended_at=utc(ended) if ended else None,
    )


def get_fullmakt(session: Session, *, fullmakt_id: int) -> Fullmakt | None:
    return session.get(Fullmakt, fullmakt_id)


def get_fullmakt_or_raise(session: Session, *, fullmakt_id: int) -> Fullmakt:
    fullmakt = get_fullmakt(session, fullmakt_id=fullmakt_id)
    if fullmakt is None:
        raise NotFound(UNKNOWN_FULLMAKT)
    return fullmakt


def consents_from(session: Session, *, subject: str) -> list[Samtykke]:
    """Every consent request asked of ``subject``, newest first (the person's own list)."""
    query = (
        select(Samtykke)
        .where(Samtykke.fra_ident == subject)
        .order_by(Samtykke.opprettet.desc(), Samtykke.id)
    )
    return list(session.scalars(query))


def fullmakter_of(session: Session, *, person: str) -> list[Fullmakt]:
    """Every fullmakt ``person`` gave or holds, newest first."""
    query = (
        select(Fullmakt)
        .where(or_(Fullmakt.fullmaktsgiver == person, Fullmakt.fullmektig == person))
        .order_by(Fullmakt.id.desc())
    )
    return list(session.scalars(query))


def fullmakter_from_to(session: Session, *, giver: str, holder: str) -> list[Fullmakt]:
    query = (
        select(Fullmakt)
        .where(Fullmakt.fullmaktsgiver == giver, Fullmakt.fullmektig == holder)
        .order_by(Fullmakt.id)
    )
    return list(session.scalars(query))


def delegation_fact(row: Fullmakt) -> DelegationFact:
    return DelegationFact(
        id=row.id,
        giver=row.fullmaktsgiver,
        holder=row.fullmektig,
        areas=frozenset(row.omraader.split(",")),
        valid_from=row.gyldig_fra,
        valid_to=row.gyldig_til,
        created_at=utc(row.opprettet),
        revoked_at=utc(row.trukket) if row.trukket else None,
    )


def delegation_facts(rows: Sequence[Fullmakt]) -> tuple[DelegationFact, ...]:
    return tuple(delegation_fact(row) for row in rows)
