"""Commands that change KRR. They validate first, then write and emit one event each.

Every command takes the caller's unit of work and never commits: the caller does, once.

Who may act on a registration, as in the real register:

* ``register_contact`` and ``reserve`` are what a person does when logging in to the
  self-service: they create the registration when there is none and reactivate a deleted
  (SLETTET) one;
* every other command needs an active (AKTIV) registration: none gives NotFound, a deleted
  one gives Conflict.

A command that would change nothing (reserving a reserved person, removing a mailbox that is
not there) is refused with Conflict, so every successful command is exactly one event.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.ids import InvalidIdentifier, parse_organisasjonsnummer, parse_person_identifier
from felles.registries.krr import events, queries
from felles.registries.krr.model import KontaktInfo

SPRAAK: Final = frozenset({"nb", "nn", "en", "se"})

# The two digital mailbox providers public agencies have agreements with. Digipost (Posten
# Norge AS) is 984661185. e-Boks is 922020175 today: Digdir's attribute list for KRR names
# "984661185, 922020175" as postkasseleverandoeradresse, and NAV's and Altinn's integrations
# map 922020175 to e-Boks. 996460320 is e-Boks' earlier orgnr (still in older clients and
# Digdir's statistics as the "old" e-Boks number); it is accepted so that data using it loads.
# All three pass the mod-11 check digit.
DIGIPOST: Final = "984661185"
EBOKS: Final = "922020175"
EBOKS_TIDLIGERE: Final = "996460320"
POSTKASSELEVERANDOERER: Final = {DIGIPOST: "Digipost", EBOKS: "e-Boks", EBOKS_TIDLIGERE: "e-Boks"}

MAX_EPOST_LENGTH = 200  # the column's size
MAX_POSTKASSEADRESSE_LENGTH = 100
_EMAIL_LOCAL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$"
)
_DOMAIN_LABEL = re.compile(r"^(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?$")
_TOP_LEVEL = re.compile(r"^[^\W\d_]{2,63}$")
_MOBILE = re.compile(r"^[49]\d{7}$")


# -------------------------------------------------------------------------- validation


def _identifier(personidentifikator: str) -> str:
    """The normalised 11 digits; the error names what is wrong, never the number."""
    try:
        return str(parse_person_identifier(personidentifikator))
    except InvalidIdentifier as error:
        raise InvalidInput(f"personidentifikator: {error.message}") from None


def validated_epostadresse(epostadresse: str) -> str:
    """A real-world sane e-mail address: local@domain.tld, no spaces, at most 200 characters."""
    address = epostadresse.strip()
    local, at, domain = address.rpartition("@")
    labels = domain.split(".")
    valid = (
        at == "@"
        and len(address) <= MAX_EPOST_LENGTH
        and len(local) <= 64
        and _EMAIL_LOCAL.match(local) is not None
        and len(labels) >= 2
        and all(_DOMAIN_LABEL.match(label) for label in labels)
        and _TOP_LEVEL.match(labels[-1]) is not None
    )
    if not valid:
        raise InvalidInput("epostadresse is not a valid e-mail address (name@domain.tld)")
    return address


def validated_mobiltelefonnummer(mobiltelefonnummer: str) -> str:
    """A Norwegian mobile number as +47 and 8 digits starting with 4 or 9."""
    digits = re.sub(r"[\s-]", "", mobiltelefonnummer)
    for prefix in ("+47", "0047"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 8:
            digits = digits[len(prefix) :]
    if not _MOBILE.match(digits):
        raise InvalidInput(
            "mobiltelefonnummer must be a Norwegian mobile number: "
            "8 digits starting with 4 or 9, optionally after +47"
        )
    return "+47" + digits


def validated_spraak(spraak: str) -> str:
    """One of KRR's languages: nb, nn, en, se."""
    code = spraak.strip().lower()
    if code not in SPRAAK:
        raise InvalidInput(f"spraak must be one of {', '.join(sorted(SPRAAK))}")
    return code


def validated_leverandoer(leverandoer_orgnr: str) -> str:
    """The orgnr of one of the digital mailbox providers (Digipost, e-Boks)."""
    try:
        orgnr = str(parse_organisasjonsnummer(leverandoer_orgnr))
    except InvalidIdentifier as error:
        raise InvalidInput(f"postkasseleverandoeradresse: {error.message}") from None
    if orgnr not in POSTKASSELEVERANDOERER:
        known = ", ".join(f"{n} ({name})" for n, name in POSTKASSELEVERANDOERER.items())
        raise InvalidInput(f"{orgnr} is not a digital mailbox provider; known: {known}")
    return orgnr


def validated_postkasseadresse(postkasseadresse: str) -> str:
    """A mailbox address at the provider, e.g. 'ola.nordmann#9YDT'."""
    address = postkasseadresse.strip()
    if (
        not address
        or len(address) > MAX_POSTKASSEADRESSE_LENGTH
        or any(c.isspace() for c in address)
    ):
        raise InvalidInput(
            f"postkasseadresse must be 1-{MAX_POSTKASSEADRESSE_LENGTH} characters without spaces"
        )
    return address


# ---------------------------------------------------------------------------- helpers


def _now() -> datetime:
    return get_clock().now()


def _active(uow: UnitOfWork, personidentifikator: str) -> KontaktInfo:
    """The person's AKTIV registration, or NotFound / Conflict."""
    row = queries.get_registration(uow.session, personidentifikator=personidentifikator)
    if row is None:
        raise NotFound("the person is not registered in KRR")
    if queries.status_of(row) != queries.AKTIV:
        raise Conflict("the person's KRR registration is deleted (SLETTET)")
    return row


def _activate(
    uow: UnitOfWork, row: KontaktInfo | None, ident: str, now: datetime
) -> tuple[KontaktInfo, bool]:
    """The registration, created or reactivated; True when it was not AKTIV before."""
    if row is None:
        row = _new_registration(ident, now)
        uow.session.add(row)
        return row, True
    if queries.status_of(row) == queries.AKTIV:
        return row, False
    row.status = queries.AKTIV
    row.endret = now
    return row, True


def _new_registration(ident: str, now: datetime) -> KontaktInfo:
    return KontaktInfo(
        personidentifikator=ident,
        status=queries.AKTIV,
        reservasjon=False,
        opprettet=now,
        endret=now,
    )


def _clear(row: KontaktInfo) -> None:
    """Remove every detail of a registration (what deletion leaves behind is the status)."""
    row.reservasjon = False
    row.reservasjonstidspunkt = None
    row.epostadresse = row.epostadresse_oppdatert = row.epostadresse_sist_verifisert = None
    row.mobiltelefonnummer = None
    row.mobiltelefonnummer_oppdatert = row.mobiltelefonnummer_sist_verifisert = None
    row.postkasseadresse = row.postkasseleverandoeradresse = None
    row.spraak = row.spraak_oppdatert = None


def _emit(uow: UnitOfWork, type: str, ident: str, data: dict[str, Any]) -> None:
    events.emit(uow, type=type, personidentifikator=ident, data=data)


# --------------------------------------------------------------------------- commands


def register_contact(
    uow: UnitOfWork,
    *,
    personidentifikator: str,
    epostadresse: str | None = None,
    mobiltelefonnummer: str | None = None,
    spraak: str | None = None,
) -> KontaktInfo:
    """Register or update contact details; None leaves a detail as it is."""
    ident = _identifier(personidentifikator)
    email = None if epostadresse is None else validated_epostadresse(epostadresse)
    mobile = (
        None if mobiltelefonnummer is None else validated_mobiltelefonnummer(mobiltelefonnummer)
    )
    language = None if spraak is None else validated_spraak(spraak)
    row = queries.get_registration(uow.session, personidentifikator=ident)
    if queries.status_of(row) == queries.AKTIV and email is mobile is language is None:
        raise InvalidInput("give at least one of epostadresse, mobiltelefonnummer and spraak")
    now = _now()
    row, created = _activate(uow, row, ident, now)
    if email is not None:
        row.epostadresse, row.epostadresse_oppdatert = email, now
    if mobile is not None:
        row.mobiltelefonnummer, row.mobiltelefonnummer_oppdatert = mobile, now
    if language is not None:
        row.spraak, row.spraak_oppdatert = language, now
    row.endret = now
    _emit(
        uow,
        events.KONTAKTINFORMASJON_ENDRET,
        ident,
        {
            "status": queries.AKTIV,
            "nyRegistrering": created,
            "epostadresseOppdatert": email is not None,
            "mobiltelefonnummerOppdatert": mobile is not None,
            "spraakOppdatert": language is not None,
            "harEpostadresse": row.epostadresse is not None,
            "harMobiltelefonnummer": row.mobiltelefonnummer is not None,
        },
    )
    return row


def verify_contact(uow: UnitOfWork, *, personidentifikator: str) -> KontaktInfo:
    """The person confirms the registered e-mail and mobile number (sets *_sist_verifisert)."""
    ident = _identifier(personidentifikator)
    row = _active(uow, ident)
    if row.epostadresse is None and row.mobiltelefonnummer is None:
        raise Conflict("the person has no e-mail address or mobile number to confirm")
    now = _now()
    if row.epostadresse is not None:
        row.epostadresse_sist_verifisert = now
    if row.mobiltelefonnummer is not None:
        row.mobiltelefonnummer_sist_verifisert = now
    row.endret = now
    _emit(
        uow,
        events.KONTAKTINFORMASJON_BEKREFTET,
        ident,
        {
            "epostadresseBekreftet": row.epostadresse is not None,
            "mobiltelefonnummerBekreftet": row.mobiltelefonnummer is not None,
        },
    )
    return row


def reserve(uow: UnitOfWork, *, personidentifikator: str) -> KontaktInfo:
    """Reserve the person against digital communication (reservasjon JA)."""
    ident = _identifier(personidentifikator)
    row = queries.get_registration(uow.session, personidentifikator=ident)
    if row is not None and queries.status_of(row) == queries.AKTIV and row.reservasjon:
        raise Conflict("the person is already reserved")
    now = _now()
    row, created = _activate(uow, row, ident, now)
    row.reservasjon, row.reservasjonstidspunkt, row.endret = True, now, now
    _emit(
        uow,
        events.RESERVASJON_ENDRET,
        ident,
        {"reservasjon": "JA", "status": queries.AKTIV, "nyRegistrering": created},
    )
    return row


def unreserve(uow: UnitOfWork, *, personidentifikator: str) -> KontaktInfo:
    """Withdraw the person's reservation (reservasjon NEI)."""
    ident = _identifier(personidentifikator)
    row = _active(uow, ident)
    if not row.reservasjon:
        raise Conflict("the person is not reserved")
    row.reservasjon, row.reservasjonstidspunkt, row.endret = False, None, _now()
    _emit(
        uow,
        events.RESERVASJON_ENDRET,
        ident,
        {"reservasjon": "NEI", "status": queries.AKTIV, "nyRegistrering": False},
    )
    return row


def set_digital_mailbox(
    uow: UnitOfWork, *, personidentifikator: str, postkasseadresse: str, leverandoer_orgnr: str
) -> KontaktInfo:
    """Choose or change the person's digital mailbox at Digipost or e-Boks."""
    ident = _identifier(personidentifikator)
    address = validated_postkasseadresse(postkasseadresse)
    orgnr = validated_leverandoer(leverandoer_orgnr)
    row = _active(uow, ident)
    if row.reservasjon:
        # As the register answers a mailbox provider: RESERVERT.
        raise Conflict("the person is reserved against digital communication")
    row.postkasseadresse, row.postkasseleverandoeradresse, row.endret = address, orgnr, _now()
    _emit(
        uow,
        events.DIGITAL_POST_ENDRET,
        ident,
        {"digitalPostkasse": True, "postkasseleverandoeradresse": orgnr},
    )
    return row


def remove_digital_mailbox(uow: UnitOfWork, *, personidentifikator: str) -> KontaktInfo:
    """Remove the person's digital mailbox."""
    ident = _identifier(personidentifikator)
    row = _active(uow, ident)
    if row.postkasseadresse is None:
        raise Conflict("the person has no digital mailbox")
    row.postkasseadresse = row.postkasseleverandoeradresse = None
    row.endret = _now()
    _emit(
        uow,
        events.DIGITAL_POST_ENDRET,
        ident,
        {"digitalPostkasse": False, "postkasseleverandoeradresse": None},
    )
    return row


def delete_registration(uow: UnitOfWork, *, personidentifikator: str) -> KontaktInfo:
    """Delete the registration: status SLETTET, every contact detail removed."""
    ident = _identifier(personidentifikator)
    row = _active(uow, ident)
    _clear(row)
    row.status, row.endret = queries.SLETTET, _now()
    _emit(uow, events.REGISTRERING_SLETTET, ident, {"status": queries.SLETTET})
    return row
