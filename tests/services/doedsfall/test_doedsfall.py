"""Death and inheritance end to end: a death in Folkeregisteret, the worker runs the court's
and NAV's services, and the heirs have task letters with the estate overview — every read
through the distributor, in the access log under its basis."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from felles.access.log.model import LogEntryRow
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow, read_events
from felles.registries.folkeregister.operations import register_death
from felles.services.doedsfall import (
    GRAVFERD,
    NAV_ORGNR,
    SKIFTE,
    TINGRETT_ORGNR,
    gravferd,
    skifte,
    ytelser,
)
from felles.services.model import Sak, SakHendelse
from tests.registries.folkeregister.conftest import HEMMELIGVEIEN, SECRET_STREET, Register
from tests.services.doedsfall.conftest import (
    DEATH,
    assess,
    body,
    death_consumers,
    letters,
    make_family,
    own_property,
    run,
)


def log_entries(database: Database) -> list[LogEntryRow]:
    with database.read_session() as session:
        found = list(session.scalars(select(LogEntryRow).order_by(LogEntryRow.sekvensnummer)))
        session.expunge_all()
        return found


def test_a_married_parent_dies_and_the_adult_heirs_get_the_task(
    database: Database, register: Register
) -> None:
    family = make_family(register)
    own_property(register, (family.mor, family.far))
    assess(register, family.mor, loennsinntekt=612_000, bruttoformue=2_400_000, gjeld=900_000)
    family.die()
    run(database, death_consumers())

    court = letters(database, sender_orgnr=TINGRETT_ORGNR)
    assert {letter.recipient for letter in court} == {family.far, family.voksen}  # not the baby
    assert all(letter.kind == "oppgave" and letter.is_confirmation_needed for letter in court)
    assert {letter.due.date() for letter in court if letter.due} == {date(2025, 7, 29)}
    by_recipient = {letter.recipient: letter for letter in court}
    spouse = body(database, by_recipient[family.far].id)
    child = body(database, by_recipient[family.voksen].id)
    assert "Uskifte" in spouse and "Uskifte" not in child
    assert "Privat skifte" in child and "Offentlig skifte" in child
    assert "29. juli 2025" in child and "arveloven § 19" in child
    # The estate overview: the property by cadastral number and the tax summary's figures.
    for text in (spouse, child):
        assert "0301-12/34/0/0" in text and "1/2" in text
        assert "612\u00a0000 kr" in text and "2\u00a0400\u00a0000 kr" in text
        assert "900\u00a0000 kr" in text and "2024" in text
    assert "Storgata" not in spouse  # no address, not even the property's
    assert "Uskifte" in body(database, by_recipient[family.far].id, "nn")
    assert "Undivided possession" in body(database, by_recipient[family.far].id, "en")

    # The court's case is open for the death; the access log shows its reads under its basis.
    with database.read_session() as session:
        [sak] = session.scalars(select(Sak).where(Sak.service_id == SKIFTE.id))
        assert (sak.subject, sak.status) == (family.mor, "under_behandling")
    logged = [e for e in log_entries(database) if e.konsument == TINGRETT_ORGNR]
    assert {e.formaal for e in logged} == {"skifte"}
    by_subject = {(e.subjekt, e.datasett): e.hjemmel for e in logged}
    assert by_subject[(family.mor, "eiendom.eierskap")] == "doedsfall-tingrett-avdoede"
    assert by_subject[(family.mor, "skatt.skatteoppgjoer.sammendrag")] == (
        "doedsfall-tingrett-avdoede"
    )
    assert by_subject[(family.far, "folkeregister.person.basis")] == "doedsfall-tingrett-ektefelle"
    assert by_subject[(family.voksen, "folkeregister.person.basis")] == "doedsfall-tingrett-barn"


def test_nav_closes_the_deceased_mothers_barnetrygd_with_history_and_event(
    database: Database, register: Register
) -> None:
    family = make_family(register)
    family.die()
    run(database, death_consumers())

    with database.read_session() as session:
        stopped = {sak.subject: sak for sak in ytelser.stopped(session, family.mor)}
        sak = stopped[family.baby]  # (the adult child's case from her own birth is closed too)
        assert (sak.subject, sak.part, sak.status) == (family.baby, family.mor, "avsluttet")
        [closing] = session.scalars(
            select(SakHendelse).where(
                SakHendelse.sak_id == sak.id, SakHendelse.to_status == "avsluttet"
            )
        )
        assert closing.from_status == "vedtatt"
        assert closing.actor == "system:doedsfall-stans-ytelser"
        closed = select(OutboxRow).where(
            OutboxRow.type == "no.felles.sak.avsluttet", OutboxRow.subject == family.baby
        )
        [event] = session.scalars(closed)
        assert event.data["aarsak"] == "DOEDSFALL" and event.data["sakId"] == sak.id


def test_a_dead_childs_barnetrygd_is_closed_too(database: Database, register: Register) -> None:
    family = make_family(register)
    family.die(family.baby, date(2025, 5, 31))
    run(database, death_consumers())
    with database.read_session() as session:
        [sak] = ytelser.stopped(session, family.baby)
        assert (sak.subject, sak.status) == (family.baby, "avsluttet")
    # The baby has no adult heirs of its own here: nobody is asked to choose probate.
    assert letters(database, sender_orgnr=TINGRETT_ORGNR) == []


def test_gravferdsstoenad_may_apply_and_the_spouse_is_asked_to_apply(
    database: Database, register: Register
) -> None:
    family = make_family(register)
    family.die()
    run(database, death_consumers())
    [letter] = letters(database, sender_orgnr=NAV_ORGNR, kind="oppgave")
    assert letter.recipient == family.far
    assert letter.due is not None and letter.due.date() == date(2025, 11, 30)  # six months
    text = body(database, letter.id)
    assert "28\u00a0677 kr" in text and "behovsprøvd" in text and "§ 22-13" in text
    logged = {e.hjemmel for e in log_entries(database) if e.formaal == GRAVFERD.purpose}
    assert logged == {
        "doedsfall-nav-gravferdsstoenad-avdoede",
        "doedsfall-nav-gravferdsstoenad-ektefelle",
        "doedsfall-nav-gravferdsstoenad-barn",
    }


def test_gravferdsstoenad_does_not_apply_to_someone_not_resident(
    database: Database, register: Register
) -> None:
    far = register.person(foedselsdato=date(1950, 1, 1), kjoenn="mann", adresse_id=None)
    register.run(register_death, ident=far, doedsdato=DEATH)
    run(database, death_consumers())
    assert letters(database, sender_orgnr=NAV_ORGNR) == []
    screening = gravferd.screen(
        foedselsdato=date(1950, 1, 1), doedsdato=DEATH, resident=False, today=DEATH
    )
    assert (screening.may_apply, screening.reason) == (False, gravferd.NOT_A_MEMBER)
    child = gravferd.screen(
        foedselsdato=date(2015, 1, 1), doedsdato=DEATH, resident=True, today=DEATH
    )
    assert child.may_apply and not child.means_tested and child.maximum == 28_677


def test_a_protected_address_never_leaks(database: Database, register: Register) -> None:
    family = make_family(register, adresse_id=HEMMELIGVEIEN, adressebeskyttelse="strengtFortrolig")
    family.die()
    run(database, death_consumers())
    sent = letters(database)
    assert family.far in {letter.recipient for letter in sent}
    for letter in sent:
        for language in ("nb", "nn", "en"):
            assert SECRET_STREET not in body(database, letter.id, language)
    with database.read_session() as session:
        for stored in read_events(session, limit=100_000):
            assert SECRET_STREET not in str(stored.event.data)
    assert all(SECRET_STREET not in str(e.felter) for e in log_entries(database))


def test_an_event_delivered_twice_sends_one_letter_per_heir(
    database: Database, register: Register
) -> None:
    family = make_family(register)
    family.die()
    with database.read_session() as session:
        deaths = [
            stored.event
            for stored in read_events(session, limit=100_000)
            if stored.event.type == "no.folkeregisteret.personErDoed"
        ]
    for _ in range(2):
        for handle in (skifte.handle_deaths, ytelser.handle_deaths, gravferd.handle_deaths):
            with database.unit_of_work() as uow:
                handle(uow, deaths)
                uow.commit()
    court = letters(database, sender_orgnr=TINGRETT_ORGNR)
    assert sorted(letter.recipient for letter in court) == sorted([family.far, family.voksen])
    assert len(letters(database, sender_orgnr=NAV_ORGNR, kind="oppgave")) == 1
    with database.read_session() as session:
        assert len(list(session.scalars(select(Sak).where(Sak.service_id == SKIFTE.id)))) == 1
        closings = select(SakHendelse).where(SakHendelse.to_status == "avsluttet")
        assert len(list(session.scalars(closings))) == len(ytelser.stopped(session, family.mor))
