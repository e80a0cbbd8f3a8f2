"""Running the moving services: each agency reads the move through the distributor.

A read is the agency being told: the distributor decides it under the agency's legal basis
and purpose, and its access-log entry (appended last, in the consumer's own transaction) is
the proof the journey shows. A protected address is withheld by the decision point, so
Posten and NAV learn nothing of it, and the municipal services never see such a move (its
event names no municipality).

Every handler is idempotent beyond the bus's processed-events record: a person the agency
has already read about for this purpose since the move was registered is not read again,
and the municipality's letter has one idempotency key per person and moving day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from felles.access.decision import MachinePrincipal
from felles.kernel.clock import get_clock
from felles.kernel.db import Database, UnitOfWork
from felles.kernel.events import Event
from felles.mailbox.operations import Letter, send_letters
from felles.services.declaration import PublicService
from felles.services.flytting import BASIS, FAMILIE, NY_KOMMUNE, TIDLIGERE_KOMMUNE
from felles.services.flytting.letter import KINDERGARTEN_AGES, SCHOOL_AGES, welcome_letter
from felles.services.flytting.moves import Move, Municipality, moves_of, municipalities, told
from felles.services.reader import service_reader
from felles.services.runtime import ServiceHandler
from felles.sharing.reader import InternalReader
from felles.sharing.release import Outcome, Released

logger = logging.getLogger(__name__)

ADDRESS: Final = ("bostedsadresse",)
CHILD_FIELDS: Final = ("foedselsdato", "status", "bostedsadresse")
ADULT_AGE: Final = 18


def _released(outcome: Outcome | None) -> Released | None:
    return outcome if isinstance(outcome, Released) else None


def _since(moves: Sequence[Move]) -> dict[str, datetime]:
    return {move.ident: move.registered for move in moves}


def address_handler(service: PublicService) -> ServiceHandler:
    """Posten's and NAV's handler: read the movers' new address as ``service``'s owner."""

    def handle(uow: UnitOfWork, events: Sequence[Event]) -> None:
        moves = moves_of(events)
        done = told(
            uow.session,
            konsument=service.orgnr,
            formaal=service.purpose,
            datasett=BASIS,
            since=_since(moves),
        )
        todo = [move.ident for move in moves if move.ident not in done]
        if not todo:
            return
        reader = service_reader(uow.database, service)
        outcomes = reader.read(BASIS, todo, fields=ADDRESS)
        reader.flush(uow)
        logger.info("%s: %d of %d moves read", service.id, len(_told(outcomes)), len(outcomes))

    return handle


def _told(outcomes: Mapping[str, Outcome]) -> list[str]:
    return [subject for subject, outcome in outcomes.items() if isinstance(outcome, Released)]


def municipal_reader(database: Database, service: PublicService, orgnr: str) -> InternalReader:
    """A reader as the municipality ``orgnr`` (its bases are ``orgform:KOMM``'s), for
    ``service``'s purpose."""
    return InternalReader(
        database,
        MachinePrincipal(orgnr=orgnr, scopes=service.scopes),
        service.purpose,
        at=get_clock().now(),
    )


def _by_municipality(
    uow: UnitOfWork, moves: Sequence[Move], kommune_of: Mapping[str, str]
) -> dict[Municipality, list[Move]]:
    """The moves per municipality (``kommune_of``: ident → kommunenummer); a number with no
    municipality in Enhetsregisteret has nobody to tell."""
    found = municipalities(uow.session, set(kommune_of.values()))
    grouped: dict[Municipality, list[Move]] = defaultdict(list)
    for move in moves:
        municipality = found.get(kommune_of.get(move.ident, ""))
        if municipality is not None:
            grouped[municipality].append(move)
    return grouped


def handle_moved_from(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """The municipality moved from reads the move (its new address, with the day)."""
    service = TIDLIGERE_KOMMUNE
    moves = [m for m in moves_of(events) if m.fra_kommune and m.fra_kommune != m.til_kommune]
    kommune_of = {m.ident: m.fra_kommune for m in moves if m.fra_kommune is not None}
    readers = []
    for municipality, group in _by_municipality(uow, moves, kommune_of).items():
        done = told(
            uow.session,
            konsument=municipality.orgnr,
            formaal=service.purpose,
            datasett=BASIS,
            since=_since(group),
        )
        todo = [move.ident for move in group if move.ident not in done]
        if todo:
            reader = municipal_reader(uow.database, service, municipality.orgnr)
            reader.read(BASIS, todo, fields=ADDRESS)
            readers.append(reader)
    for reader in readers:
        reader.flush(uow)


def _dwelling(released: Released | None) -> str | None:
    """A key for the dwelling, to compare two people's; never stored or shown."""
    adresse = (released.data.get("bostedsadresse") if released else None) or {}
    matrikkel = adresse.get("adresseIdentifikatorFraMatrikkelen")
    return f"m:{matrikkel}" if matrikkel else None


def _children(released: Released | None) -> list[str]:
    relations = (released.data.get("familierelasjon") if released else None) or []
    return [r["relatertPerson"] for r in relations if r.get("relatertPersonsRolle") == "barn"]


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class Household:
    """The ages, on the moving day, of the mover's children under 18 living with them."""

    ages: tuple[int, ...]

    @property
    def kindergarten(self) -> int:
        return sum(1 for age in self.ages if age in KINDERGARTEN_AGES)

    @property
    def school(self) -> int:
        return sum(1 for age in self.ages if age in SCHOOL_AGES)


def household(
    reader: InternalReader, move: Move, basis: Released | None, familie: Released | None
) -> Household:
    """The mover's children under 18 at the new address, read as the municipality under
    the basis for a resident's children (``subjektrelasjon: barn``)."""
    home = _dwelling(basis)
    children = _children(familie)
    if home is None or not children:
        return Household(())
    outcomes = reader.read(BASIS, children, fields=CHILD_FIELDS, relatert_til=move.ident)
    ages = []
    for child in children:
        released = _released(outcomes.get(child))
        if released is None or _dwelling(released) != home:
            continue  # lives elsewhere, or the address is protected and was withheld
        status = (released.data.get("status") or {}).get("status")
        born = released.data.get("foedselsdato")
        if status != "bosatt" or not isinstance(born, str):
            continue
        age = _age(date.fromisoformat(born), move.flyttedato)
        if 0 <= age < ADULT_AGE:
            ages.append(age)
    return Household(tuple(sorted(ages)))


def handle_moved_to(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """The municipality moved to reads the mover's household and, for children of
    kindergarten or school age, sends a letter about both (one per person and moving day)."""
    service = NY_KOMMUNE
    moves = [m for m in moves_of(events) if m.til_kommune and m.til_kommune != m.fra_kommune]
    kommune_of = {m.ident: m.til_kommune for m in moves if m.til_kommune is not None}
    readers: list[InternalReader] = []
    letters: list[Letter] = []
    for municipality, group in _by_municipality(uow, moves, kommune_of).items():
        done = told(
            uow.session,
            konsument=municipality.orgnr,
            formaal=service.purpose,
            datasett=FAMILIE,
            since=_since(group),
        )
        todo = [move for move in group if move.ident not in done]
        if not todo:
            continue
        reader = municipal_reader(uow.database, service, municipality.orgnr)
        readers.append(reader)
        idents = [move.ident for move in todo]
        basis = reader.read(BASIS, idents, fields=ADDRESS)
        familie = reader.read(FAMILIE, idents, fields=("familierelasjon",))
        for move in todo:
            home = household(
                reader, move, _released(basis.get(move.ident)), _released(familie.get(move.ident))
            )
            if home.kindergarten or home.school:
                letters.append(welcome_letter(municipality, move, home.kindergarten, home.school))
    if letters:
        # The mailbox routes with its own reader (KRR) and logs those reads itself.
        send_letters(uow, letters)
    for reader in readers:
        reader.flush(uow)
