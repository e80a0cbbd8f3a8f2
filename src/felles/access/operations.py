"""Commands of the access block: the consent lifecycle and fullmakter.

Each command takes the acting principal (``performed_by``): the person or organisation
(``decision.PersonPrincipal``/``MachinePrincipal``) or the operator (``OPERATOR``, today's admin
token). The rules of who may do what are here, so that the identity block's tokens can be
wired in without changing them:

* a consent request is made by the consumer it names (``til``);
* it is accepted or rejected by the person it asks (``fra``), at assurance level substantial
  or higher, and revoked by that person at any time while accepted;
* it is used by the consumer while accepted and unexpired;
* ``expire_consents`` marks requests past ``validTo`` expired (a sweep; the decision point
  never relies on it, it checks ``validTo`` itself);
* a fullmakt is given by the fullmaktsgiver and revoked by either party.

The operator may do all of it. Someone else is ``Forbidden`` (403); a state that does not
allow the change (accepting a revoked consent) is ``Conflict`` (409); bad input is
``InvalidInput`` (422). A refused command writes nothing and emits nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from sqlalchemy import select

from felles.access import events
from felles.access.datasets import AREAS, expand
from felles.access.decide import age_on, forget_consumer
from felles.access.decision import (
    OPERATOR,
    MachinePrincipal,
    Operator,
    PersonPrincipal,
    Principal,
)
from felles.access.legal_bases import ACR_LEVELS
from felles.access.model import Fullmakt, Samtykke, SamtykkeHendelse
from felles.access.queries import get_consent, get_fullmakt, utc
from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from felles.kernel.ids import orgnr_input, person_input
from felles.kernel.web import MAX_BIGINT
from felles.registries.enhetsregisteret.queries import unit_status
from felles.registries.folkeregister.queries import get_person

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

Actor = Principal | Operator

PERSON_URN: Final = "urn:altinn:person:identifier-no:"
ORGANIZATION_URN: Final = "urn:altinn:organization:identifier-no:"
OPERATOR_URN: Final = "urn:felles:operator"
LANGUAGES: Final = ("nb", "nn", "en")
MAX_RIGHTS: Final = 20
MAX_MESSAGE: Final = 1000
MAX_CONSENT_DAYS: Final = 3 * 366
MAX_FULLMAKT_YEARS: Final = 10
_PURPOSE: Final = re.compile(r"^[a-z][a-z0-9-]{1,59}$")
_UUID: Final = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
UNKNOWN_CONSENT: Final = "No consent request is registered with this id"
UNKNOWN_FULLMAKT: Final = "No fullmakt is registered with this id"


@dataclass(frozen=True, slots=True)
class ConsentRight:
    """One right asked for: data (field or dataset names) for a purpose (formaal)."""

    formaal: str
    data: Sequence[str]


def urn_of(actor: Actor) -> str:
    """The party URN recorded as ``performedBy``."""
    if isinstance(actor, PersonPrincipal):
        return PERSON_URN + actor.pid
    if isinstance(actor, MachinePrincipal):
        return ORGANIZATION_URN + actor.orgnr
    return OPERATOR_URN


def _is_person(actor: Actor, ident: str, *, min_acr: str = "idporten-loa-substantial") -> bool:
    return (
        isinstance(actor, PersonPrincipal)
        and actor.pid == ident
        and ACR_LEVELS.get(actor.acr, 0) >= ACR_LEVELS[min_acr]
    )


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise Forbidden(f"The principal may not {what}")


# ------------------------------------------------------------------------------------------
# Consent
# ------------------------------------------------------------------------------------------


def _check_message(melding: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(melding, Mapping) or not melding:
        raise InvalidInput(f"requestMessage must give a text in at least one of {LANGUAGES}")
    result: dict[str, str] = {}
    for language, text in melding.items():
        if language not in LANGUAGES:
            raise InvalidInput(f"requestMessage: language must be one of {', '.join(LANGUAGES)}")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_MESSAGE:
            raise InvalidInput(f"requestMessage.{language}: 1 to {MAX_MESSAGE} characters")
        result[language] = text
    return result


def _check_redirect(url: str) -> str:
    if not isinstance(url, str) or len(url) > 2000:
        raise InvalidInput("redirectUrl must be a URL of at most 2000 characters")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidInput("redirectUrl is not a valid URL") from None
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
        raise InvalidInput("redirectUrl must be an https URL")
    return url


def _check_rights(rights: Sequence[ConsentRight]) -> list[dict[str, object]]:
    if not rights or len(rights) > MAX_RIGHTS:
        raise InvalidInput(f"consentRights must hold 1 to {MAX_RIGHTS} rights")
    result: list[dict[str, object]] = []
    for right in rights:
        if not isinstance(right.formaal, str) or not _PURPOSE.match(right.formaal):
            raise InvalidInput("consentRights: formaal must be a lower-case purpose code")
        if not right.data:
            raise InvalidInput("consentRights: each right must name data")
        result.append({"formaal": right.formaal, "felter": sorted(expand(right.data))})
    return result


def _history(uow: UnitOfWork, samtykke: Samtykke, kind: str, actor: Actor) -> None:
    event = events.consent_event(uow, samtykke, kind, performed_by=urn_of(actor))
    uow.session.add(
        SamtykkeHendelse(
            hendelse_id=event.id,
            samtykke_id=samtykke.id,
            hendelsestype=kind,
            tidspunkt=event.time,
            utfoert_av=urn_of(actor),
        )
    )


def request_consent(
    uow: UnitOfWork,
    *,
    performed_by: Actor,
    fra: str,
    til: str,
    rettigheter: Sequence[ConsentRight],
    gyldig_til: datetime,
    melding: Mapping[str, str],
    redirect_url: str,
    consent_id: str | None = None,
) -> Samtykke:
    """Create a consent request from person ``fra`` to organisation ``til`` (status created)."""
    ident = person_input(fra, role="from")
    orgnr = orgnr_input(til, role="to")
    _require(
        isinstance(performed_by, Operator)
        or (isinstance(performed_by, MachinePrincipal) and performed_by.orgnr == orgnr),
        "request consent for another organisation",
    )
    if consent_id is not None:
        consent_id = consent_id.lower()
        if not _UUID.match(consent_id):
            raise InvalidInput("id must be a UUID")
    now = get_clock().now()
    if not isinstance(gyldig_til, datetime) or gyldig_til.tzinfo is None:
        raise InvalidInput("validTo must be a date-time with a time zone")
    if gyldig_til <= now:
        raise InvalidInput("validTo must be in the future")
    if gyldig_til > now + timedelta(days=MAX_CONSENT_DAYS):
        raise InvalidInput(f"validTo must be at most {MAX_CONSENT_DAYS} days ahead")
    rights = _check_rights(rettigheter)
    message = _check_message(melding)
    url = _check_redirect(redirect_url)
    person = get_person(uow.session, ident=ident)
    if person is None or person.doedsdato is not None:
        raise NotFound("from: no living person is registered with this identifikasjonsnummer")
    unit = unit_status(uow.session, orgnr=orgnr)
    if unit is None or unit.slettet:
        raise NotFound("to: no organisation is registered with this organisasjonsnummer")
    consent_id = consent_id or str(uuid.uuid4())
    if get_consent(uow.session, consent_id=consent_id) is not None:
        raise Conflict("A consent request with this id exists already")
    samtykke = Samtykke(
        id=consent_id,
        fra_ident=person.ident,
        til_orgnr=orgnr,
        rettigheter=rights,
        gyldig_til=gyldig_til,
        melding=message,
        redirect_url=url,
        status="created",
        opprettet=now,
    )
    uow.session.add(samtykke)
    uow.session.flush()
    _history(uow, samtykke, "created", performed_by)
    forget_consumer(orgnr)  # it holds a consent request now
    return samtykke


def _locked_consent(uow: UnitOfWork, consent_id: str) -> Samtykke:
    if not isinstance(consent_id, str) or not _UUID.match(consent_id.lower()):
        raise InvalidInput("the consent request id must be a UUID")
    query = (
        select(Samtykke)
        .where(Samtykke.id == consent_id.lower())
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    samtykke = uow.session.scalar(query)
    if samtykke is None:
        raise NotFound(UNKNOWN_CONSENT)
    return samtykke


def _expired(samtykke: Samtykke, now: datetime) -> bool:
    return utc(samtykke.gyldig_til) <= now


def _answer_request(
    uow: UnitOfWork, performed_by: Actor, consent_id: str, *, accept: bool
) -> Samtykke:
    """The person accepts (it holds until validTo or revocation) or rejects a new request."""
    samtykke = _locked_consent(uow, consent_id)
    _require(
        isinstance(performed_by, Operator) or _is_person(performed_by, samtykke.fra_ident),
        "answer a consent request made to someone else",
    )
    now = get_clock().now()
    verb = "accepted" if accept else "rejected"
    if samtykke.status != "created":
        raise Conflict(f"The consent request is {samtykke.status}; only a new one can be {verb}")
    if _expired(samtykke, now):
        raise Conflict("The consent request has expired")
    samtykke.status = verb
    if accept:
        samtykke.samtykket = now
    else:
        samtykke.avsluttet = now
    uow.session.flush()
    _history(uow, samtykke, verb, performed_by)
    return samtykke


def accept_consent(uow: UnitOfWork, *, performed_by: Actor, consent_id: str) -> Samtykke:
    """The person accepts the request: the consent holds until validTo or revocation."""
    return _answer_request(uow, performed_by, consent_id, accept=True)


def reject_consent(uow: UnitOfWork, *, performed_by: Actor, consent_id: str) -> Samtykke:
    """The person rejects the request."""
    return _answer_request(uow, performed_by, consent_id, accept=False)


def revoke_consent(uow: UnitOfWork, *, performed_by: Actor, consent_id: str) -> Samtykke:
    """The person withdraws an accepted consent; it no longer holds from now."""
    samtykke = _locked_consent(uow, consent_id)
    _require(
        isinstance(performed_by, Operator)
        or _is_person(performed_by, samtykke.fra_ident, min_acr="idporten-loa-low"),
        "revoke someone else's consent",
    )
    if samtykke.status != "accepted":
        raise Conflict(f"The consent is {samtykke.status}; only an accepted one can be revoked")
    samtykke.status = "revoked"
    samtykke.avsluttet = get_clock().now()
    uow.session.flush()
    _history(uow, samtykke, "revoked", performed_by)
    return samtykke


def use_consent(uow: UnitOfWork, *, performed_by: Actor, consent_id: str) -> Samtykke:
    """The consumer fetched data with the consent (called by the data distributor)."""
    samtykke = _locked_consent(uow, consent_id)
    _require(
        isinstance(performed_by, Operator)
        or (
            isinstance(performed_by, MachinePrincipal) and performed_by.orgnr == samtykke.til_orgnr
        ),
        "use a consent given to another organisation",
    )
    now = get_clock().now()
    if samtykke.status != "accepted" or _expired(samtykke, now):
        raise Conflict("The consent does not hold (not accepted, revoked or expired)")
    samtykke.sist_brukt = now
    uow.session.flush()
    _history(uow, samtykke, "used", performed_by)
    return samtykke


def expire_consents(uow: UnitOfWork, *, limit: int = 1000) -> list[Samtykke]:
    """Mark up to ``limit`` created or accepted requests past validTo as expired."""
    now = get_clock().now()
    query = (
        select(Samtykke)
        .where(Samtykke.status.in_(("created", "accepted")), Samtykke.gyldig_til <= now)
        .order_by(Samtykke.gyldig_til, Samtykke.id)
        .limit(limit)
        .with_for_update()
    )
    expired = list(uow.session.scalars(query))
    for samtykke in expired:
        samtykke.status = "expired"
        samtykke.avsluttet = utc(samtykke.gyldig_til)
    uow.session.flush()
    for samtykke in expired:
        _history(uow, samtykke, "expired", OPERATOR)
    return expired


# ------------------------------------------------------------------------------------------
# Fullmakt
# ------------------------------------------------------------------------------------------


def _adult(uow: UnitOfWork, ident: str, role: str, today: date) -> str:
    person = get_person(uow.session, ident=ident)
    if person is None or person.doedsdato is not None:
        raise NotFound(f"{role}: no living person is registered with this identifikasjonsnummer")
    if age_on(person.foedselsdato, today) < 18:
        raise Conflict(f"{role} must be 18 or older")
    return person.ident


def grant_fullmakt(
    uow: UnitOfWork,
    *,
    performed_by: Actor,
    fullmaktsgiver: str,
    fullmektig: str,
    omraader: Sequence[str],
    gyldig_fra: date,
    gyldig_til: date | None = None,
) -> Fullmakt:
    """The fullmaktsgiver lets the fullmektig act for them in ``omraader``."""
    giver = person_input(fullmaktsgiver, role="fullmaktsgiver")
    holder = person_input(fullmektig, role="fullmektig")
    _require(
        isinstance(performed_by, Operator) or _is_person(performed_by, giver),
        "give a fullmakt on someone else's behalf",
    )
    areas = sorted(set(omraader))
    if not areas or any(area not in AREAS for area in areas):
        raise InvalidInput(f"omraader must be one or more of {', '.join(AREAS)}")
    today = get_clock().today()
    if not isinstance(gyldig_fra, date) or isinstance(gyldig_fra, datetime):
        raise InvalidInput("gyldigFra must be a date")
    if gyldig_fra < today or gyldig_fra > today + timedelta(days=366):
        raise InvalidInput("gyldigFra must lie from today to a year ahead")
    if gyldig_til is not None:
        if not isinstance(gyldig_til, date) or isinstance(gyldig_til, datetime):
            raise InvalidInput("gyldigTil must be a date")
        if gyldig_til < gyldig_fra:
            raise InvalidInput("gyldigTil is before gyldigFra")
        if gyldig_til > gyldig_fra + timedelta(days=366 * MAX_FULLMAKT_YEARS):
            raise InvalidInput(f"a fullmakt lasts at most {MAX_FULLMAKT_YEARS} years")
    giver = _adult(uow, giver, "fullmaktsgiver", today)
    holder = _adult(uow, holder, "fullmektig", today)
    if giver == holder:
        raise InvalidInput("fullmaktsgiver and fullmektig must be different people")
    fullmakt = Fullmakt(
        fullmaktsgiver=giver,
        fullmektig=holder,
        omraader=",".join(areas),
        gyldig_fra=gyldig_fra,
        gyldig_til=gyldig_til,
        opprettet=get_clock().now(),
    )
    uow.session.add(fullmakt)
    uow.session.flush()
    events.fullmakt_event(uow, fullmakt, events.FULLMAKT_GITT, performed_by=urn_of(performed_by))
    return fullmakt


def revoke_fullmakt(uow: UnitOfWork, *, performed_by: Actor, fullmakt_id: int) -> Fullmakt:
    """Either party ends the fullmakt from now."""
    if isinstance(fullmakt_id, bool) or not isinstance(fullmakt_id, int):
        raise InvalidInput("fullmaktId must be a whole number")
    if not 1 <= fullmakt_id <= MAX_BIGINT:
        raise InvalidInput(f"fullmaktId must lie between 1 and {MAX_BIGINT}")
    if get_fullmakt(uow.session, fullmakt_id=fullmakt_id) is None:
        raise NotFound(UNKNOWN_FULLMAKT)
    query = (
        select(Fullmakt)
        .where(Fullmakt.id == fullmakt_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    fullmakt = uow.session.scalars(query).one()
    _require(
        isinstance(performed_by, Operator)
        or _is_person(performed_by, fullmakt.fullmaktsgiver, min_acr="idporten-loa-low")
        or _is_person(performed_by, fullmakt.fullmektig, min_acr="idporten-loa-low"),
        "revoke a fullmakt one is not party to",
    )
    if fullmakt.trukket is not None:
        raise Conflict("The fullmakt is revoked already")
    fullmakt.trukket = get_clock().now()
    fullmakt.trukket_av = urn_of(performed_by)
    uow.session.flush()
    events.fullmakt_event(uow, fullmakt, events.FULLMAKT_TRUKKET, performed_by=urn_of(performed_by))
    return fullmakt
