"""Events A-ordningen emits (CloudEvents, written to the outbox with the change).

Source ``/aordningen``. Employment events are named after Aa-registeret (NAV), report events
after the a-melding (received by Skatteetaten on behalf of A-ordningen):

* ``no.nav.aareg.arbeidsforholdOpprettet`` — an employment is registered;
* ``no.nav.aareg.arbeidsforholdEndret`` — its details (position %, occupation) change from a
  date (``gyldigFra``);
* ``no.nav.aareg.arbeidsforholdAvsluttet`` — it is given an end date;
* ``no.skatteetaten.amelding.maanedRapportert`` — an employer reports a month, for the first
  time or again (``versjon``, ``erstatterVersjon``); subject: the employer's orgnr;
* ``no.skatteetaten.amelding.inntektEndret`` — one per person whose pay for the month from that
  employer the report changed: reported, reported again, or (``rapportert`` false) no longer
  reported because the new report leaves them out.

The subject is the employee's identity number unless said otherwise.

Data carries the identifiers a consumer needs to look the change up (``navArbeidsforholdId``,
identity numbers, orgnrs, the month) and the dates of the change; never an amount of pay,
withholding tax, position percentage or occupation, and nothing else about the person. A
consumer that needs those asks the APIs, which will be access-controlled and logged.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final

from felles.kernel.clock import get_clock
from felles.kernel.events import Event

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork
    from felles.registries.aordningen.model import AMelding, Arbeidsforhold

SOURCE: Final = "/aordningen"

ARBEIDSFORHOLD_OPPRETTET: Final = "no.nav.aareg.arbeidsforholdOpprettet"
ARBEIDSFORHOLD_ENDRET: Final = "no.nav.aareg.arbeidsforholdEndret"
ARBEIDSFORHOLD_AVSLUTTET: Final = "no.nav.aareg.arbeidsforholdAvsluttet"
MAANED_RAPPORTERT: Final = "no.skatteetaten.amelding.maanedRapportert"
INNTEKT_ENDRET: Final = "no.skatteetaten.amelding.inntektEndret"

TYPES: Final = (
    ARBEIDSFORHOLD_OPPRETTET,
    ARBEIDSFORHOLD_ENDRET,
    ARBEIDSFORHOLD_AVSLUTTET,
    MAANED_RAPPORTERT,
    INNTEKT_ENDRET,
)

# Keys that would carry money, details of the work or more about the person; never in data.
_FORBIDDEN: Final = frozenset(
    {
        "beloep",
        "forskuddstrekk",
        "inntekt",
        "inntektListe",
        "stillingsprosent",
        "avtaltStillingsprosent",
        "yrke",
        "navn",
        "adresse",
    }
)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _emit(uow: UnitOfWork, *, type: str, subject: str, data: dict[str, Any]) -> Event:
    leaked = _FORBIDDEN & data.keys()
    if leaked:
        raise ValueError(f"these must not be put in events: {sorted(leaked)}")
    now = get_clock().now()
    event = Event(
        type=type,
        source=SOURCE,
        subject=subject,
        data={key: _json(value) for key, value in data.items()},
        time=now,
    )
    uow.emit(event)
    return event


def _arbeidsforhold_data(arbeidsforhold: Arbeidsforhold) -> dict[str, Any]:
    return {
        "navArbeidsforholdId": arbeidsforhold.id,
        "arbeidstaker": arbeidsforhold.arbeidstaker,
        "opplysningspliktig": arbeidsforhold.opplysningspliktig,
        "arbeidssted": arbeidsforhold.arbeidssted,
        "arbeidsforholdtype": arbeidsforhold.type,
    }


def arbeidsforhold_opprettet(uow: UnitOfWork, arbeidsforhold: Arbeidsforhold) -> Event:
    data = _arbeidsforhold_data(arbeidsforhold) | {
        "endringstype": "Opprettelse",
        "startdato": arbeidsforhold.startdato,
        "sluttdato": arbeidsforhold.sluttdato,
    }
    return _emit(uow, type=ARBEIDSFORHOLD_OPPRETTET, subject=arbeidsforhold.arbeidstaker, data=data)


def arbeidsforhold_endret(
    uow: UnitOfWork, arbeidsforhold: Arbeidsforhold, *, gyldig_fra: date
) -> Event:
    data = _arbeidsforhold_data(arbeidsforhold) | {
        "endringstype": "Endring",
        "entitetsendringer": ["Ansettelsesdetaljer"],
        "gyldigFra": gyldig_fra,
        "navVersjon": arbeidsforhold.versjon,
    }
    return _emit(uow, type=ARBEIDSFORHOLD_ENDRET, subject=arbeidsforhold.arbeidstaker, data=data)


def arbeidsforhold_avsluttet(uow: UnitOfWork, arbeidsforhold: Arbeidsforhold) -> Event:
    data = _arbeidsforhold_data(arbeidsforhold) | {
        "endringstype": "Endring",
        "entitetsendringer": ["Ansettelsesperiode"],
        "sluttdato": arbeidsforhold.sluttdato,
        "sluttaarsak": arbeidsforhold.sluttaarsak,
        "navVersjon": arbeidsforhold.versjon,
    }
    return _emit(uow, type=ARBEIDSFORHOLD_AVSLUTTET, subject=arbeidsforhold.arbeidstaker, data=data)


def maaned_rapportert(uow: UnitOfWork, melding: AMelding, *, erstatter: int | None) -> Event:
    data = {
        "opplysningspliktig": melding.opplysningspliktig,
        "kalendermaaned": melding.kalendermaaned,
        "versjon": melding.versjon,
        "erstatterVersjon": erstatter,
        "antallInntektsmottakere": melding.antall_inntektsmottakere,
    }
    return _emit(uow, type=MAANED_RAPPORTERT, subject=melding.opplysningspliktig, data=data)


def inntekt_endret(
    uow: UnitOfWork, melding: AMelding, *, norskident: str, rapportert: bool
) -> Event:
    data = {
        "norskident": norskident,
        "opplysningspliktig": melding.opplysningspliktig,
        "kalendermaaned": melding.kalendermaaned,
        "versjon": melding.versjon,
        "rapportert": rapportert,
    }
    return _emit(uow, type=INNTEKT_ENDRET, subject=norskident, data=data)
