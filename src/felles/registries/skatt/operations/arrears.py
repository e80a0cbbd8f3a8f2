"""Restanser: claims of Skatteetaten against people and organisations, and their payment.

A claim names its debtor (skyldner: a person by fødselsnummer/D-nummer, an organisation by
organisasjonsnummer), its kind (kravtype), the amount in whole NOK (more than 0) and the due
date; it is an arrear from its due date until it is paid. Kinds are those of Skatteetaten's
restanse API: ``skatt`` (for a person: restskatt), and for organisations also
``arbeidsgiveravgift``, ``merverdiavgift`` and ``forskuddstrekk``.

Rules: a person is registered in Folkeregisteret, an organisation in Enhetsregisteret
(``NotFound``); the due date lies from 2000 to two years ahead; a claim is paid once
(``Conflict`` the second time), on a day not in the future and not before 2000.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from sqlalchemy import select

from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.web import MAX_BIGINT
from felles.registries.enhetsregisteret.queries import units_status
from felles.registries.folkeregister.queries import get_person
from felles.registries.skatt import events
from felles.registries.skatt.model import Restanse
from felles.registries.skatt.operations.common import (
    MAX_DAYS_AHEAD,
    check_amount,
    check_date,
    parse_orgnr,
    parse_person,
)

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

KRAVTYPER: Final = {
    "skatt": "Skatt (for a person: restskatt)",
    "arbeidsgiveravgift": "Arbeidsgiveravgift",
    "merverdiavgift": "Merverdiavgift",
    "forskuddstrekk": "Forskuddstrekk",
}
#: The kinds of claim a person can have (the others are an employer's or a business's).
PERSON_KRAVTYPER: Final = frozenset({"skatt"})
NOT_REGISTERED: Final = "No claim is registered with this restanseId"


def _debtor(uow: UnitOfWork, skyldner: str) -> tuple[str, str]:
    """The debtor's normalised identifier and type (person | enhet); NotFound if unknown."""
    if isinstance(skyldner, str) and len(skyldner.strip()) == 9:
        orgnr = parse_orgnr(skyldner, role="skyldner")
        if orgnr not in units_status(uow.session, orgnrs=[orgnr]):
            raise NotFound("skyldner: no organisation with this organisasjonsnummer is registered")
        return orgnr, "enhet"
    ident = parse_person(skyldner, role="skyldner")
    person = get_person(uow.session, ident=ident)
    if person is None:
        raise NotFound("skyldner: no person is registered with this identifikasjonsnummer")
    return person.ident, "person"


def register_arrears(
    uow: UnitOfWork, *, skyldner: str, kravtype: str, beloep: int, forfallsdato: date
) -> Restanse:
    """Register a claim against a person or an organisation (an arrear once overdue)."""
    if kravtype not in KRAVTYPER:
        raise InvalidInput(f"kravtype must be one of {', '.join(KRAVTYPER)}")
    check_amount(beloep, field="beloep", minimum=1)
    check_date(forfallsdato, field="forfallsdato", days_ahead=MAX_DAYS_AHEAD)
    debtor, debtor_type = _debtor(uow, skyldner)
    if debtor_type == "person" and kravtype not in PERSON_KRAVTYPER:
        raise InvalidInput(f"a person cannot owe {kravtype}; only an organisation can")
    restanse = Restanse(
        skyldner=debtor,
        skyldnertype=debtor_type,
        kravtype=kravtype,
        beloep=beloep,
        forfallsdato=forfallsdato,
        betalt_dato=None,
        registrert=get_clock().now(),
    )
    uow.session.add(restanse)
    uow.session.flush()
    events.restanse_registrert(uow, restanse)
    return restanse


def settle_arrears(uow: UnitOfWork, *, restanse_id: int, betalt_dato: date) -> Restanse:
    """Record that the claim was paid on ``betalt_dato``; it is no longer an arrear after it."""
    if isinstance(restanse_id, bool) or not isinstance(restanse_id, int):
        raise InvalidInput("restanseId must be a whole number")
    if not 1 <= restanse_id <= MAX_BIGINT:
        raise InvalidInput(f"restanseId must lie between 1 and {MAX_BIGINT}")
    check_date(betalt_dato, field="betaltDato")
    query = (
        select(Restanse)
        .where(Restanse.id == restanse_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    restanse = uow.session.scalar(query)
    if restanse is None:
        raise NotFound(NOT_REGISTERED)
    if restanse.betalt_dato is not None:
        raise Conflict("The claim is already paid")
    restanse.betalt_dato = betalt_dato
    uow.session.flush()
    events.restanse_betalt(uow, restanse)
    return restanse
