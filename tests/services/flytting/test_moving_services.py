"""The moving services end to end: a move in Folkeregisteret, the worker runs the services,
and each agency's read of the move is in the person's access log — Posten, NAV, the old
municipality, and the new one with a letter to a family with children."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from felles.access.decision import MachinePrincipal
from felles.access.log.model import LogEntryRow
from felles.kernel.bus import DatabaseTransport
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow, read_events
from felles.mailbox import queries as mailbox
from felles.mailbox.model import Forsendelse, Innhold, Utskrift
from felles.registries.adresser.model import Vegadresse
from felles.registries.krr import operations as krr
from felles.services.flytting import (
    BASIS,
    FAMILIE,
    NAV,
    NAV_ORGNR,
    NY_KOMMUNE,
    POSTEN,
    POSTEN_ORGNR,
    TIDLIGERE_KOMMUNE,
)
from felles.services.flytting.service import handle_moved_to
from felles.sharing.reader import InternalReader
from felles.sharing.release import Refused, Released
from tests.registries.folkeregister.conftest import (
    HEMMELIGVEIEN,
    SECRET_STREET,
    SOLBAKKEN,
    STORGATA,
    Register,
)
from tests.services.flytting.conftest import (
    BERGEN_KOMMUNE,
    OSLO_KOMMUNE,
    family,
    move,
    run_worker,
)


def log(database: Database, subject: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    with database.read_session() as session:
        rows = session.scalars(
            select(LogEntryRow)
            .where(LogEntryRow.subjekt == subject)
            .order_by(LogEntryRow.sekvensnummer)
        )
        return [(e.konsument, e.formaal, e.datasett, tuple(e.felter)) for e in rows]


def letters(database: Database) -> list[Any]:
    with database.read_session() as session:
        found = list(session.scalars(select(Forsendelse).where(Forsendelse.origin.is_not(None))))
        session.expunge_all()
        return found


def test_a_family_moving_to_another_municipality_reaches_every_agency(
    database: Database, register: Register
) -> None:
    home = family(register)
    # The mother is in KRR (digital post, nynorsk); the father is not (his letter goes on paper).
    register.run(krr.register_contact, personidentifikator=home.mor, spraak="nn")
    move(register, home.mor, home.far, *home.children)
    run_worker(database)

    told = set(log(database, home.mor))
    assert (POSTEN_ORGNR, POSTEN.purpose, BASIS, ("bostedsadresse",)) in told
    assert (NAV_ORGNR, NAV.purpose, BASIS, ("bostedsadresse",)) in told
    assert (OSLO_KOMMUNE, TIDLIGERE_KOMMUNE.purpose, BASIS, ("bostedsadresse",)) in told
    assert (BERGEN_KOMMUNE, NY_KOMMUNE.purpose, FAMILIE, ("familierelasjon",)) in told
    # The children were read as the mother's (and the father's) children, for the letter.
    child_log = log(database, home.children[0])
    assert (
        BERGEN_KOMMUNE,
        NY_KOMMUNE.purpose,
        BASIS,
        ("bostedsadresse", "foedselsdato", "status"),
    ) in child_log

    # One letter to each parent from Bergen, none to the children (they have none of their own).
    sent = letters(database)
    assert sorted(letter.recipient for letter in sent) == sorted([home.mor, home.far])
    assert {letter.sender_orgnr for letter in sent} == {BERGEN_KOMMUNE}
    with database.read_session() as session:
        contents = {
            c.language: c
            for c in session.scalars(select(Innhold).where(Innhold.forsendelse_id == sent[0].id))
        }
    assert sorted(contents) == ["en", "nb", "nn"]
    assert "Bergen kommune" in contents["nb"].title
    assert "1 barn i barnehagealder" in contents["nb"].body
    assert "1 barn i grunnskolealder" in contents["nb"].body
    assert "1 child of kindergarten age" in contents["en"].body
    assert all("Fjordveien" not in c.body and "Storgata" not in c.body for c in contents.values())
    with database.read_session() as session:
        inbox = mailbox.inbox(session, home.mor, language="nn")
    assert inbox.total == 1


def test_a_single_person_gets_no_letter_but_every_agency_is_told(
    database: Database, register: Register
) -> None:
    alone = register.person(foedselsdato=date(1995, 1, 1))
    move(register, alone)
    run_worker(database)

    told = {(konsument, formaal) for konsument, formaal, _, _ in log(database, alone)}
    assert told == {
        (POSTEN_ORGNR, "adresseendring"),
        (NAV_ORGNR, "adresseoppdatering"),
        (OSLO_KOMMUNE, "utflytting"),
        (BERGEN_KOMMUNE, "tilflytting"),
    }
    assert letters(database) == []


def test_a_move_within_the_municipality_tells_no_municipality(
    database: Database, register: Register
) -> None:
    home = family(register, adresse_id=SOLBAKKEN)
    with database.unit_of_work() as uow:
        # A second address in Tromsø to move to.
        uow.session.add(
            Vegadresse(
                id=300000005,
                kommunenummer="5501",
                adressenavn="Storgata",
                adressekode=4568,
                husnummer=9,
                husbokstav=None,
                postnummer="9008",
                poststed="TROMSØ",
                antall_bruksenheter=1,
            )
        )
        uow.commit()
    move(register, home.mor, home.far, *home.children, adresse_id=300000005)
    run_worker(database)

    told = {(konsument, formaal) for konsument, formaal, _, _ in log(database, home.mor)}
    assert told == {(POSTEN_ORGNR, "adresseendring"), (NAV_ORGNR, "adresseoppdatering")}
    assert letters(database) == []


def test_a_protected_address_leaks_nowhere(
    database: Database, register: Register, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    home = family(register, adressebeskyttelse="strengtFortrolig")
    move(register, home.mor, home.far, *home.children, adresse_id=HEMMELIGVEIEN)
    run_worker(database)

    # Nobody read the new address: no agency's release is in anyone's log.
    for ident in (home.mor, home.far, *home.children):
        assert log(database, ident) == []
    assert letters(database) == []
    with database.read_session() as session:
        events = [(row.type, row.data) for row in session.scalars(select(OutboxRow))]
        prints = list(session.scalars(select(Utskrift)))
    moves = [data for kind, data in events if kind.endswith("endringIBostedsadresse")]
    assert moves and all(
        "kommunenummer" not in data and "fraKommunenummer" not in data for data in moves
    )
    ours = [str(data) for kind, data in events if not kind.startswith("no.brreg.")]
    assert not any(SECRET_STREET in text or "5001" in text for text in ours)
    assert prints == []
    assert SECRET_STREET not in caplog.text and "Trondheim" not in caplog.text
    assert not any(ident in caplog.text for ident in (home.mor, home.far, *home.children))


@pytest.mark.parametrize("level", ["fortrolig", "strengtFortrolig"])
def test_no_moving_basis_releases_a_protected_address(
    database: Database, register: Register, level: str
) -> None:
    """Checked at the decision point itself: even a municipality that asks is refused."""
    ident = register.person(adresse_id=HEMMELIGVEIEN, adressebeskyttelse=level)
    principals = {
        "adresseendring": POSTEN_ORGNR,
        "adresseoppdatering": NAV_ORGNR,
        "tilflytting": BERGEN_KOMMUNE,
        "utflytting": OSLO_KOMMUNE,
    }
    for purpose, orgnr in principals.items():
        reader = InternalReader(database, MachinePrincipal(orgnr=orgnr), purpose)
        outcome = reader.read(BASIS, [ident], fields=("bostedsadresse",))[ident]
        assert isinstance(outcome, Refused), purpose
        assert outcome.withheld == {"bostedsadresse": "protected-address"}
    # An unprotected neighbour's address is released to the same municipality.
    other = register.person(adresse_id=STORGATA)
    reader = InternalReader(database, MachinePrincipal(orgnr=OSLO_KOMMUNE), "utflytting")
    assert isinstance(reader.read(BASIS, [other], fields=("bostedsadresse",))[other], Released)


def test_an_event_delivered_twice_sends_one_letter_and_reads_once(
    database: Database, register: Register
) -> None:
    home = family(register)
    move(register, home.mor, home.far, *home.children)
    run_worker(database)
    before = log(database, home.mor)

    for service in (POSTEN, NAV, NY_KOMMUNE, TIDLIGERE_KOMMUNE):
        DatabaseTransport(database).rewind(service.consumer_name)
    run_worker(database)
    # And without the processed-events record: the handler itself again.
    with database.unit_of_work() as uow:
        moved = [
            stored.event
            for stored in read_events(uow.session, after_seq=0, limit=10_000)
            if stored.event.type in NY_KOMMUNE.trigger.event_types
        ]
        handle_moved_to(uow, moved)
        uow.commit()

    assert log(database, home.mor) == before
    assert len(letters(database)) == 2  # one per parent, as before
    with database.read_session() as session:
        count = select(func.count()).select_from(Forsendelse)
        assert session.scalar(count) == 2


def test_a_teenager_at_home_gives_no_letter(database: Database, register: Register) -> None:
    """Kindergarten is for ages 1-5 and school for 6-15 on the moving day: a 16-year-old
    alone is a household with a child, but the letter has nothing to say to it."""
    home = family(register, born=(date(2009, 1, 1),))
    move(register, home.mor, *home.children)
    run_worker(database)
    assert letters(database) == []
    assert (BERGEN_KOMMUNE, "tilflytting", FAMILIE, ("familierelasjon",)) in log(database, home.mor)
