"""What every Enhetsregisteret command shares: input checks, numbers, and the change record.

Every command validates all of its input first and raises a kernel ``Problem`` before
anything is written: ``InvalidInput`` (422) for impossible input (a bad check digit, an
unknown NACE code or organisation form, a date in the future), ``NotFound`` (404) for a unit
or person that does not exist, ``Conflict`` (409) for a request the register's current state
does not allow (a deleted unit, a second bankruptcy, a role for a dead person). Then it
changes rows through ``uow.session`` and calls ``record``, which adds the change-feed row and
emits the CloudEvent in the same transaction. Nothing commits here.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import select

from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.ids import InvalidIdentifier, parse_organisasjonsnummer, random_synthetic_orgnr
from felles.registries.adresser import queries as adresser
from felles.registries.enhetsregisteret import events, reference
from felles.registries.enhetsregisteret.document import normalise_name
from felles.registries.enhetsregisteret.model import MAX_NAVN, Enhet, Oppdatering

NY: Final = "Ny"
ENDRING: Final = "Endring"
SLETTING: Final = "Sletting"
FJERNET: Final = "Fjernet"
ENDRINGSTYPER: Final = (NY, ENDRING, SLETTING, FJERNET)

MAALFORMER: Final = frozenset({"Bokmål", "Nynorsk"})
MAX_ANSATTE: Final = 1_000_000
MAX_ADRESSELINJER: Final = 3
MAX_ADRESSELINJE: Final = 100
MAX_HJEMMESIDE: Final = 200
MAX_TEKSTLINJER: Final = 10
MAX_TEKSTLINJE: Final = 500
_POSTNUMMER: Final = re.compile(r"\d{4}")
_LANDKODE: Final = re.compile(r"[A-Z]{2}")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")

# Orders and random draws of numbers; the simulator may pass its own seeded Random.
_rng = random.Random()


# ------------------------------------------------------------------------------------------
# Input values
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Adresse:
    """An address as given by the caller; ``poststed`` and ``kommune`` are looked up."""

    adresse: Sequence[str] = ()
    postnummer: str | None = None
    poststed: str | None = None
    kommunenummer: str | None = None
    landkode: str = "NO"


def checked_orgnr(value: str, *, field: str = "organisasjonsnummer") -> str:
    """The normalised 9 digits; InvalidInput (with what is wrong) otherwise."""
    try:
        return parse_organisasjonsnummer(value).value
    except InvalidIdentifier as error:
        raise InvalidInput(f"{field}: {error.message}", reason=error.reason) from None


def checked_text(value: str, *, field: str, max_length: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(f"{field} must not be empty")
    if len(text) > max_length:
        raise InvalidInput(f"{field} is longer than {max_length} characters")
    if _CONTROL.search(text):
        raise InvalidInput(f"{field} must not contain control characters")
    return text


def checked_navn(navn: str) -> str:
    text = checked_text(navn, field="navn", max_length=MAX_NAVN)
    if not normalise_name(text):
        raise InvalidInput("navn must contain at least one letter or digit")
    return text


def checked_lines(lines: Sequence[str] | None, *, field: str) -> list[str] | None:
    if lines is None:
        return None
    if len(lines) > MAX_TEKSTLINJER:
        raise InvalidInput(f"{field} has more than {MAX_TEKSTLINJER} lines")
    return [checked_text(line, field=field, max_length=MAX_TEKSTLINJE) for line in lines]


def checked_organisasjonsform(kode: str, *, underenhet: bool) -> reference.Organisasjonsform:
    form = reference.organisasjonsformer().get(kode)
    if form is None:
        raise InvalidInput(f"organisasjonsform: unknown code {kode[:10]!r}")
    if form.er_underenhet != underenhet:
        kind = "a sub-unit (BEDR, AAFY)" if underenhet else "a main entity"
        raise InvalidInput(f"organisasjonsform {kode} cannot be used for {kind}")
    return form


def checked_naeringskode(kode: str | None, *, field: str = "naeringskode") -> str | None:
    if kode is None:
        return None
    if kode not in reference.naeringskoder():
        raise InvalidInput(
            f"{field}: unknown SN2007 code {kode[:10]!r} (give a five-digit code like 62.010)"
        )
    return kode


def checked_kommunenummer(kommunenummer: str, *, field: str = "kommunenummer") -> str:
    if adresser.find_kommune(kommunenummer=kommunenummer) is None:
        raise InvalidInput(f"{field}: no municipality has the number {kommunenummer[:10]!r}")
    return kommunenummer


def checked_date(day: date | None, *, field: str) -> date | None:
    if day is not None and day > get_clock().today():
        raise InvalidInput(f"{field} is in the future")
    return day


def checked_antall_ansatte(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_ANSATTE:
        raise InvalidInput(f"antallAnsatte must be between 0 and {MAX_ANSATTE}")
    return value


def checked_hjemmeside(value: str | None) -> str | None:
    if value is None:
        return None
    return checked_text(value, field="hjemmeside", max_length=MAX_HJEMMESIDE)


def checked_maalform(value: str) -> str:
    if value not in MAALFORMER:
        raise InvalidInput("maalform must be 'Bokmål' or 'Nynorsk'")
    return value


def address_json(
    adresse: Adresse | None, *, kommunenummer: str | None, field: str
) -> dict[str, Any] | None:
    """The stored address object, checked and completed from the reference registers."""
    if adresse is None and kommunenummer is None:
        return None
    adresse = adresse or Adresse(kommunenummer=kommunenummer)
    if kommunenummer is not None and adresse.kommunenummer not in (None, kommunenummer):
        raise InvalidInput(f"{field}.kommunenummer differs from kommunenummer")
    if not _LANDKODE.fullmatch(adresse.landkode):
        raise InvalidInput(f"{field}.landkode must be an ISO 3166 alpha-2 code, e.g. 'NO'")
    if len(adresse.adresse) > MAX_ADRESSELINJER:
        raise InvalidInput(f"{field}.adresse has more than {MAX_ADRESSELINJER} lines")
    lines = [
        checked_text(line, field=f"{field}.adresse", max_length=MAX_ADRESSELINJE)
        for line in adresse.adresse
    ]
    if adresse.landkode != "NO":
        poststed = (
            checked_text(adresse.poststed, field=f"{field}.poststed", max_length=60)
            if adresse.poststed
            else None
        )
        return {"adresse": lines, "poststed": poststed, "landkode": adresse.landkode}
    return _norwegian_address(adresse, lines, kommunenummer, field)


def _norwegian_address(
    adresse: Adresse, lines: list[str], kommunenummer: str | None, field: str
) -> dict[str, Any]:
    poststed: str | None = None
    kommune = kommunenummer or adresse.kommunenummer
    if adresse.postnummer is not None:
        if not _POSTNUMMER.fullmatch(adresse.postnummer):
            raise InvalidInput(f"{field}.postnummer must be four digits")
        posten = adresser.find_postnummer(postnummer=adresse.postnummer)
        if posten is None:
            raise InvalidInput(f"{field}.postnummer is not in Posten's register")
        poststed = posten.poststed
        kommune = kommune or posten.kommunenummer
    if kommune is None:
        raise InvalidInput(f"{field} needs a postnummer or a kommunenummer")
    checked_kommunenummer(kommune, field=f"{field}.kommunenummer")
    return {
        "adresse": lines,
        "postnummer": adresse.postnummer,
        "poststed": poststed,
        "kommunenummer": kommune,
        "kommune": adresser.kommunenavn(kommunenummer=kommune),
        "landkode": "NO",
        "land": "Norge",
    }


# ------------------------------------------------------------------------------------------
# Units in the register
# ------------------------------------------------------------------------------------------


def unit_or_raise(uow: UnitOfWork, orgnr: str, *, role: str = "the unit") -> Enhet:
    unit = uow.session.scalar(select(Enhet).where(Enhet.organisasjonsnummer == orgnr))
    if unit is None:
        raise NotFound(f"{role}: no unit is registered with organisasjonsnummer {orgnr}")
    return unit


def main_entity_or_raise(uow: UnitOfWork, orgnr: str, *, role: str = "the entity") -> Enhet:
    """A main entity that is not deleted; NotFound or Conflict otherwise."""
    unit = unit_or_raise(uow, orgnr, role=role)
    if unit.er_underenhet:
        raise Conflict(f"{role}: {orgnr} is a sub-unit (underenhet), not a main entity")
    require_not_deleted(unit, role=role)
    return unit


def sub_unit_or_raise(uow: UnitOfWork, orgnr: str) -> Enhet:
    unit = unit_or_raise(uow, orgnr, role="the sub-unit")
    if not unit.er_underenhet:
        raise Conflict(f"{orgnr} is a main entity (enhet), not a sub-unit")
    require_not_deleted(unit, role="the sub-unit")
    return unit


def require_not_deleted(unit: Enhet, *, role: str) -> None:
    if unit.slettedato is not None:
        raise Conflict(f"{role}: {unit.organisasjonsnummer} was deleted on {unit.slettedato}")


def orgnr_is_free(uow: UnitOfWork, orgnr: str) -> bool:
    query = select(Enhet.id).where(Enhet.organisasjonsnummer == orgnr)
    return uow.session.scalar(query) is None


def new_orgnr(uow: UnitOfWork, organisasjonsnummer: str | None, rng: random.Random | None) -> str:
    """The number asked for (checked, free) or a fresh synthetic one (decision 0014)."""
    if organisasjonsnummer is not None:
        orgnr = checked_orgnr(organisasjonsnummer)
        if not orgnr_is_free(uow, orgnr):
            raise Conflict(f"organisasjonsnummer {orgnr} is already registered")
        return orgnr
    draw = rng or _rng
    while True:
        candidate = random_synthetic_orgnr(draw)
        if orgnr_is_free(uow, candidate):
            return candidate


def now() -> datetime:
    return get_clock().now()


def today() -> date:
    return get_clock().today()


# ------------------------------------------------------------------------------------------
# The change record: a feed row and its CloudEvent, in the caller's transaction
# ------------------------------------------------------------------------------------------


def record(uow: UnitOfWork, unit: Enhet, endringstype: str, name: str, **data: Any) -> None:
    """Add the change-feed row for ``unit`` and emit the event that carries its id."""
    when = now()
    row = Oppdatering(
        organisasjonsnummer=unit.organisasjonsnummer,
        er_underenhet=unit.er_underenhet,
        endringstype=endringstype,
        dato=when,
    )
    uow.session.add(row)
    uow.session.flush()  # assigns oppdateringsid (and writes the unit's row first)
    events.emit(
        uow,
        name=name,
        organisasjonsnummer=unit.organisasjonsnummer,
        oppdateringsid=row.oppdateringsid,
        endringstype=endringstype,
        dato=when,
        erUnderenhet=unit.er_underenhet,
        **data,
    )
