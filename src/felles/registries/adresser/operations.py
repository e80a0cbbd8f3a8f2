"""Commands that change the address register. They validate first, then write and emit.

Every command takes the caller's unit of work and never commits: the caller does, once.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.exc import IntegrityError

from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict, InvalidInput
from felles.registries.adresser import events, queries
from felles.registries.adresser.model import Vegadresse

MAX_ADRESSEKODE = 99_999  # street codes are at most five digits
MAX_HUSNUMMER = 9_999
MAX_BRUKSENHETER = 9_999
_LETTER = re.compile(r"^[A-ZÆØÅ]$")
_KOMMUNENUMMER = re.compile(r"^\d{4}$")


def _validated_letter(husbokstav: str | None) -> str | None:
    if husbokstav is None or husbokstav == "":
        return None
    letter = husbokstav.strip().upper()
    if not _LETTER.match(letter):
        raise InvalidInput("husbokstav must be a single letter A-Å")
    return letter


def _validate_numbers(*, adressekode: int, husnummer: int, antall_bruksenheter: int) -> None:
    if not 1 <= adressekode <= MAX_ADRESSEKODE:
        raise InvalidInput(f"adressekode must be 1-{MAX_ADRESSEKODE}")
    if not 1 <= husnummer <= MAX_HUSNUMMER:
        raise InvalidInput(f"husnummer must be 1-{MAX_HUSNUMMER}")
    if not 1 <= antall_bruksenheter <= MAX_BRUKSENHETER:
        raise InvalidInput(f"antall_bruksenheter must be 1-{MAX_BRUKSENHETER}")


def _validated_street_name(adressenavn: str) -> str:
    name = " ".join(adressenavn.split())
    if not name:
        raise InvalidInput("adressenavn must not be empty")
    if len(name) > 100:
        raise InvalidInput("adressenavn must be at most 100 characters")
    return name


def _validated_poststed(*, kommunenummer: str, postnummer: str) -> str:
    """The post town for a postal code that exists and serves street addresses in the kommune."""
    if not _KOMMUNENUMMER.match(kommunenummer):
        raise InvalidInput("kommunenummer must be four digits")
    if queries.find_kommune(kommunenummer=kommunenummer) is None:
        raise InvalidInput(f"kommunenummer {kommunenummer} is not a Norwegian municipality")
    code = queries.find_postnummer(postnummer=postnummer)
    if code is None:
        raise InvalidInput(f"postnummer {postnummer} does not exist")
    if not code.carries_addresses:
        raise InvalidInput(f"postnummer {postnummer} is not used for street addresses")
    if code.kommunenummer != kommunenummer:
        raise InvalidInput(
            f"postnummer {postnummer} belongs to municipality {code.kommunenummer}, "
            f"not {kommunenummer}"
        )
    return code.poststed


def _refuse_duplicates(uow: UnitOfWork, *, address: Vegadresse, adressenavn: str) -> None:
    session = uow.session
    registered_name = queries.street_name(
        session, kommunenummer=address.kommunenummer, adressekode=address.adressekode
    )
    if registered_name is not None and registered_name != adressenavn:
        raise Conflict(
            f"adressekode {address.adressekode} is already the street {registered_name!r} "
            f"in municipality {address.kommunenummer}"
        )
    existing = queries.get_by_street_and_number(
        session,
        kommunenummer=address.kommunenummer,
        adressekode=address.adressekode,
        husnummer=address.husnummer,
        husbokstav=address.husbokstav,
    )
    if existing is not None:
        raise Conflict(f"the address already exists (id {existing.id})")


def event_data(address: Vegadresse) -> dict[str, Any]:
    """The address as event data (addresses are open data)."""
    return {
        "adresseIdentifikatorFraMatrikkelen": address.id,
        "kommunenummer": address.kommunenummer,
        "adressenavn": address.adressenavn,
        "adressekode": address.adressekode,
        "nummer": address.husnummer,
        "bokstav": address.husbokstav,
        "postnummer": address.postnummer,
        "poststed": address.poststed,
        "antallBruksenheter": address.antall_bruksenheter,
    }


def _insert(uow: UnitOfWork, address: Vegadresse) -> None:
    """Insert in a savepoint; a concurrent insert of the same id or address is a Conflict."""
    try:
        with uow.session.begin_nested():
            uow.session.add(address)
    except IntegrityError:
        raise Conflict(
            "another registration of this address or id happened at the same time; try again"
        ) from None


def register_vegadresse(
    uow: UnitOfWork,
    *,
    kommunenummer: str,
    adressenavn: str,
    adressekode: int,
    husnummer: int,
    husbokstav: str | None = None,
    postnummer: str,
    antall_bruksenheter: int = 1,
) -> Vegadresse:
    """Register a new street address with the next free id; emits adresseOpprettet."""
    name = _validated_street_name(adressenavn)
    letter = _validated_letter(husbokstav)
    _validate_numbers(
        adressekode=adressekode, husnummer=husnummer, antall_bruksenheter=antall_bruksenheter
    )
    poststed = _validated_poststed(kommunenummer=kommunenummer, postnummer=postnummer)
    address = Vegadresse(
        id=queries.next_id(uow.session),
        kommunenummer=kommunenummer,
        adressenavn=name,
        adressekode=adressekode,
        husnummer=husnummer,
        husbokstav=letter,
        postnummer=postnummer,
        poststed=poststed,
        antall_bruksenheter=antall_bruksenheter,
    )
    _refuse_duplicates(uow, address=address, adressenavn=name)
    _insert(uow, address)
    events.emit(uow, type=events.ADRESSE_OPPRETTET, adresse_id=address.id, data=event_data(address))
    return address
