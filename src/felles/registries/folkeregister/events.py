"""Event types Folkeregisteret emits: the real ``hendelsetype`` names, as CloudEvents.

Every event is about one person: ``subject`` is that person's identifikasjonsnummer, and
``data`` carries what a consumer of the real hendelsesliste gets (``hendelsetype``,
``folkeregisteridentifikator``, ``ajourholdstidspunkt``) plus a few small fields that save a
lookup. ``data`` never carries a street address, and for a person with adressebeskyttelse
fortrolig or strengtFortrolig not even the municipality (see ``operations.register_move``).
Names follow ``/work/shared/reference/registries.md`` and Skatteetaten's Hendelsestype list.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final

from felles.kernel.clock import get_clock
from felles.kernel.events import Event

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork
    from felles.registries.folkeregister.model import Person

SOURCE: Final = "/folkeregisteret"
TYPE_PREFIX: Final = "no.folkeregisteret."

PERSON_ER_OPPRETTET: Final = "personErOpprettet"
PERSON_ER_DOED: Final = "personErDoed"
PERSON_ER_BOSATT: Final = "personErBosatt"
PERSON_ER_UTFLYTTET: Final = "personErUtflyttet"
PERSON_ER_OPPHOERT: Final = "personErOpphoert"
ENDRING_I_FOEDSEL: Final = "endringIFoedsel"
ENDRING_I_DOEDSFALL: Final = "endringIDoedsfall"
ENDRING_I_SIVILSTAND: Final = "endringISivilstand"
ENDRING_I_FAMILIERELASJON: Final = "endringIFamilierelasjon"
ENDRING_I_FORELDREANSVAR: Final = "endringIForeldreansvar"
ENDRING_I_NAVN: Final = "endringINavn"
ENDRING_I_BOSTEDSADRESSE: Final = "endringIBostedsadresse"
ENDRING_I_INNFLYTTING: Final = "endringIInnflytting"
ENDRING_I_UTFLYTTING: Final = "endringIUtflytting"
ENDRING_I_STATSBORGERSKAP: Final = "endringIStatsborgerskap"
ENDRING_I_ADRESSEBESKYTTELSE: Final = "endringIAdressebeskyttelse"
ENDRING_I_STATUS: Final = "endringIStatus"
ENDRING_I_VERGEMAAL: Final = "endringIVergemaal"

HENDELSETYPER: Final = frozenset(
    {
        PERSON_ER_OPPRETTET,
        PERSON_ER_DOED,
        PERSON_ER_BOSATT,
        PERSON_ER_UTFLYTTET,
        PERSON_ER_OPPHOERT,
        ENDRING_I_FOEDSEL,
        ENDRING_I_DOEDSFALL,
        ENDRING_I_SIVILSTAND,
        ENDRING_I_FAMILIERELASJON,
        ENDRING_I_FORELDREANSVAR,
        ENDRING_I_NAVN,
        ENDRING_I_BOSTEDSADRESSE,
        ENDRING_I_INNFLYTTING,
        ENDRING_I_UTFLYTTING,
        ENDRING_I_STATSBORGERSKAP,
        ENDRING_I_ADRESSEBESKYTTELSE,
        ENDRING_I_STATUS,
        ENDRING_I_VERGEMAAL,
    }
)

# Keys that would place a person; never allowed in event data (checked in ``hendelse``).
_ADDRESS_KEYS: Final = frozenset(
    {
        "adressenavn",
        "husnummer",
        "husbokstav",
        "adressekode",
        "bruksenhetsnummer",
        "postnummer",
        "poststed",
        "vegadresse",
        "adresseIdentifikatorFraMatrikkelen",
    }
)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def event_type(hendelsetype: str) -> str:
    """The CloudEvents ``type`` for a hendelsetype."""
    return f"{TYPE_PREFIX}{hendelsetype}"


def hendelse(uow: UnitOfWork, person: Person, hendelsetype: str, **extra: Any) -> Event:
    """Emit one Folkeregisteret event about ``person`` in ``uow`` and return it."""
    if hendelsetype not in HENDELSETYPER:
        raise ValueError(f"unknown hendelsetype {hendelsetype!r}")
    leaked = _ADDRESS_KEYS & extra.keys()
    if leaked:
        raise ValueError(f"address fields must not be put in events: {sorted(leaked)}")
    now = get_clock().now()
    data: dict[str, Any] = {
        "hendelsetype": hendelsetype,
        "folkeregisteridentifikator": person.ident,
        "ajourholdstidspunkt": now.isoformat(),
    }
    data.update({key: _json_value(value) for key, value in extra.items() if value is not None})
    event = Event(
        type=event_type(hendelsetype), source=SOURCE, subject=person.ident, data=data, time=now
    )
    uow.emit(event)
    return event
