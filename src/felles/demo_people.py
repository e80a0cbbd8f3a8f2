"""The people ``felles demo`` suggests logging in as at Min side, each with what they will see.

Found in what the registries, the services, the mailbox and the journeys hold — after the
demo's first simulated days — so each line is true of the database being served. A person
with a protected address is listed without any address. Someone who was sent an e-mail
notice (``felles.mailbox.notifications``) is told so: the demo's mail catcher has it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.journeys.model import Reise
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow
from felles.mailbox.model import Forsendelse
from felles.mailbox.notifications.channels import Channel
from felles.mailbox.notifications.model import NotificationRow, OrderRow
from felles.mailbox.notifications.sending import SUCCEEDED
from felles.registries.folkeregister import examples as frg
from felles.registries.folkeregister.events import ENDRING_I_BOSTEDSADRESSE, event_type
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.queries import get_person
from felles.services.barnetrygd import SERVICE as BARNETRYGD
from felles.services.doedsfall import SKIFTE
from felles.services.model import Sak
from felles.synth.showcase import reserved_person, where_lives


@dataclass(frozen=True, slots=True)
class DemoPerson:
    role: str
    person: Person
    sees: str


def _parent_with_a_decision_letter(session: Session) -> Person | None:
    """The mother of the latest child whose barnetrygd was granted with a letter in Min side."""
    query = (
        select(Sak.part)
        .join(Reise, Reise.anchor == Sak.subject)
        .join(Forsendelse, Forsendelse.recipient == Sak.part)
        .where(
            Sak.service_id == BARNETRYGD.id,
            Sak.status == "vedtatt",
            Forsendelse.kind == "vedtak",
            Forsendelse.channel == "innboks",
        )
        .order_by(Sak.id.desc())
        .limit(1)
    )
    ident = session.scalar(query)
    return get_person(session, ident=ident) if ident else None


def _letter_on_paper(session: Session) -> Person | None:
    """Someone whose letter went on paper (reserved in KRR, or not registered there)."""
    ident = session.scalar(
        select(Forsendelse.recipient)
        .where(Forsendelse.channel == "papir", Forsendelse.recipient_kind == "person")
        .order_by(Forsendelse.created.desc())
        .limit(1)
    )
    return get_person(session, ident=ident) if ident else None


def _moved(session: Session) -> Person | None:
    """The latest person who moved in the simulation, unless their address is protected."""
    idents = session.scalars(
        select(OutboxRow.subject)
        .where(OutboxRow.type == event_type(ENDRING_I_BOSTEDSADRESSE))
        .order_by(OutboxRow.seq.desc())
        .limit(20)
    )
    for ident in idents:
        person = get_person(session, ident=ident) if ident else None
        if person is not None and person.adressebeskyttelse == "ugradert":
            return person
    return None


def _heir(session: Session) -> Person | None:
    """An heir with the probate court's task letter in Min side (an unprotected address)."""
    idents = session.scalars(
        select(Forsendelse.recipient)
        .where(
            Forsendelse.sender_orgnr == SKIFTE.orgnr,
            Forsendelse.kind == "oppgave",
            Forsendelse.channel == "innboks",
        )
        .order_by(Forsendelse.created.desc())
        .limit(20)
    )
    for ident in idents:
        person = get_person(session, ident=ident)
        if person is not None and person.adressebeskyttelse == "ugradert":
            return person
    return None


def _emailed(session: Session, ident: str) -> bool:
    """Whether an e-mail notice (of a letter or a task, or a reminder) went to ``ident``."""
    query = (
        select(NotificationRow.id)
        .join(OrderRow, OrderRow.id == NotificationRow.order_id)
        .where(
            OrderRow.recipient == ident,
            NotificationRow.channel == Channel.EMAIL.value,
            NotificationRow.status == SUCCEEDED,
        )
        .limit(1)
    )
    return session.scalar(query) is not None


#: Added to what a person will see when an e-mail notice went to them.
EMAIL_NOTICE = "; an e-mail notice of their post is in the demo's mail catcher (var/demo-mail/)"

Finder = Callable[[Session], Person | None]

FINDERS: tuple[tuple[str, Finder, str], ...] = (
    (
        "new parent",
        _parent_with_a_decision_letter,
        "Oversikt: the Få barn journey, barnetrygd granted without applying; the decision "
        "in Saker og vedtak and as a letter in Innboks; NAV's reads in Innsyn",
    ),
    (
        "letter on paper",
        _letter_on_paper,
        "a decision sent on paper (reserved in KRR, or not registered there): the case in "
        "Saker og vedtak, no letter in Innboks",
    ),
    (
        "reserved against digital post",
        reserved_person,
        "letters to them go on paper; Mine data shows the reservation from KRR",
    ),
    (
        "moved recently",
        _moved,
        "Oversikt: the Flytte journey — Posten, NAV and both municipalities told through "
        "the distributor (each read in Innsyn); Mine data: the new address",
    ),
    (
        "heir after a death",
        _heir,
        "Oversikt: Dødsfall og arv — the probate court's letter in Innboks with the estate "
        "overview and the choice of skifte within 60 days; mark it done there",
    ),
    ("widow", frg.widow, "Mine data: marital status and family from Folkeregisteret"),
    (
        "protected address (strengt fortrolig)",
        frg.protected_address,
        "Mine data; the address is never shown to anyone acting for them",
    ),
    (
        "family with 3+ children",
        frg.parent_of_many,
        "Velg hvem du representerer: act for each child under 18",
    ),
)


def demo_people(database: Database) -> list[DemoPerson]:
    found: list[DemoPerson] = []
    seen: set[str] = set()
    with database.read_session() as session:
        for role, finder, sees in FINDERS:
            person = finder(session)
            if person is not None and person.ident not in seen:
                seen.add(person.ident)
                notice = EMAIL_NOTICE if _emailed(session, person.ident) else ""
                found.append(DemoPerson(role, person, sees + notice))
        session.expunge_all()
    return found


def demo_people_table(database: Database) -> Table:
    table = Table(title="Log in at Min side as (TestID: type the fnr)")
    for column in ("who", "fnr", "name", "where", "what you will see"):
        table.add_column(column, overflow="fold")
    for found in demo_people(database):
        person = found.person
        name = " ".join(p for p in (person.fornavn, person.etternavn) if p)
        table.add_row(found.role, person.ident, name, where_lives(person), found.sees)
    return table
