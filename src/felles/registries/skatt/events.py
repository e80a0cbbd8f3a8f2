"""Events Skatteetaten emits (CloudEvents, written to the outbox with the change).

Source ``/skatteetaten``. Assessment events are named after Skatteetaten's skatteoppgjør (whose
real hendelsesliste tells consumers that a person's skatteoppgjør for a year is new or
changed), arrear events after innkreving (collection):

* ``no.skatteetaten.skatteoppgjoer.skatteoppgjoerFastsatt`` — a person's first assessment of an
  income year; subject the person's identity number;
* ``no.skatteetaten.skatteoppgjoer.skatteoppgjoerEndret`` — a new assessment of the year
  (endret skatteoppgjør) replaced the earlier one (``erstatterVersjon``);
* ``no.skatteetaten.innkreving.restanseRegistrert`` — a claim against a person or an
  organisation is registered; subject the debtor's identifier;
* ``no.skatteetaten.innkreving.restanseBetalt`` — the claim is paid.

Data names what changed (identifiers, year, version, kind of claim, dates) and never an amount
of income, wealth, tax or debt: a consumer that needs them asks the APIs, which will be
access-controlled and logged.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final

from felles.kernel.clock import get_clock
from felles.kernel.events import Event

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork
    from felles.registries.skatt.model import Restanse, Skatteoppgjoer

SOURCE: Final = "/skatteetaten"

SKATTEOPPGJOER_FASTSATT: Final = "no.skatteetaten.skatteoppgjoer.skatteoppgjoerFastsatt"
SKATTEOPPGJOER_ENDRET: Final = "no.skatteetaten.skatteoppgjoer.skatteoppgjoerEndret"
RESTANSE_REGISTRERT: Final = "no.skatteetaten.innkreving.restanseRegistrert"
RESTANSE_BETALT: Final = "no.skatteetaten.innkreving.restanseBetalt"

TYPES: Final = (
    SKATTEOPPGJOER_FASTSATT,
    SKATTEOPPGJOER_ENDRET,
    RESTANSE_REGISTRERT,
    RESTANSE_BETALT,
)

# Keys that would carry money; never in data.
_FORBIDDEN: Final = frozenset(
    {
        "beloep",
        "loennsinntekt",
        "kapitalinntekt",
        "renteutgifter",
        "bruttoformue",
        "gjeld",
        "nettoformue",
        "utlignetSkatt",
        "pensjonsgivendeInntekt",
    }
)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _emit(uow: UnitOfWork, *, type: str, subject: str, data: dict[str, Any]) -> Event:
    leaked = _FORBIDDEN & data.keys()
    if leaked:
        raise ValueError(f"these must not be put in events: {sorted(leaked)}")
    event = Event(
        type=type,
        source=SOURCE,
        subject=subject,
        data={key: _json(value) for key, value in data.items()},
        time=get_clock().now(),
    )
    uow.emit(event)
    return event


def skatteoppgjoer_fastsatt(uow: UnitOfWork, oppgjoer: Skatteoppgjoer) -> Event:
    """The person's first assessment of the income year."""
    data = {
        "personidentifikator": oppgjoer.personidentifikator,
        "inntektsaar": oppgjoer.inntektsaar,
        "versjon": oppgjoer.versjon,
        "skatteoppgjoersdato": oppgjoer.skatteoppgjoersdato,
    }
    return _emit(uow, type=SKATTEOPPGJOER_FASTSATT, subject=oppgjoer.personidentifikator, data=data)


def skatteoppgjoer_endret(uow: UnitOfWork, oppgjoer: Skatteoppgjoer, *, erstatter: int) -> Event:
    """A new assessment of the year replaced version ``erstatter``."""
    data = {
        "personidentifikator": oppgjoer.personidentifikator,
        "inntektsaar": oppgjoer.inntektsaar,
        "versjon": oppgjoer.versjon,
        "erstatterVersjon": erstatter,
        "skatteoppgjoersdato": oppgjoer.skatteoppgjoersdato,
    }
    return _emit(uow, type=SKATTEOPPGJOER_ENDRET, subject=oppgjoer.personidentifikator, data=data)


def _restanse_data(restanse: Restanse) -> dict[str, Any]:
    return {
        "restanseId": restanse.id,
        "skyldner": restanse.skyldner,
        "skyldnertype": restanse.skyldnertype,
        "kravtype": restanse.kravtype,
        "forfallsdato": restanse.forfallsdato,
    }


def restanse_registrert(uow: UnitOfWork, restanse: Restanse) -> Event:
    return _emit(
        uow, type=RESTANSE_REGISTRERT, subject=restanse.skyldner, data=_restanse_data(restanse)
    )


def restanse_betalt(uow: UnitOfWork, restanse: Restanse) -> Event:
    data = _restanse_data(restanse) | {"betaltDato": restanse.betalt_dato}
    return _emit(uow, type=RESTANSE_BETALT, subject=restanse.skyldner, data=data)
