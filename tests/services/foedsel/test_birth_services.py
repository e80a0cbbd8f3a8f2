"""A birth: the helsestasjon in the child's home municipality gets a fødselsmelding, and NAV
asks the mother to apply for foreldrepenger or engangsstønad on a prefilled form."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from felles.access.log.model import LogEntryRow
from felles.kernel.clock import aware
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow, read_events
from felles.mailbox.model import Forsendelse, Innhold
from felles.services.foedsel import foreldrepenger, helsestasjon
from felles.services.foedsel.births import foreldrepenger_key, helsestasjon_key
from tests.registries.folkeregister.conftest import HEMMELIGVEIEN, SECRET_STREET, Register
from tests.services.foedsel.conftest import (
    MOTHER_EMAIL,
    NAV,
    OSLO_KOMMUNE,
    birth,
    employed,
    parents,
    run_worker,
)

TRONDHEIM_KOMMUNE = "942110464"


def letter(database: Database, key: str) -> tuple[Forsendelse, dict[str, str]]:
    """The letter with ``key`` and its bodies by language."""
    with database.read_session() as session:
        [found] = session.scalars(select(Forsendelse).where(Forsendelse.idempotent_key == key))
        bodies = {
            c.language: f"{c.title}\n{c.summary}\n{c.body}"
            for c in session.scalars(select(Innhold).where(Innhold.forsendelse_id == found.id))
        }
        session.expunge(found)
    return found, bodies


def log_entries(database: Database, **where: str) -> list[LogEntryRow]:
    with database.read_session() as session:
        query = select(LogEntryRow)
        for name, value in where.items():
            query = query.where(getattr(LogEntryRow, name) == value)
        return list(session.scalars(query))


def test_the_municipality_is_told_and_an_employed_mother_asked_to_apply_for_foreldrepenger(
    database: Database, register: Register
) -> None:
    mor, far = parents(register)
    employer = employed(register, mor)
    child = birth(register, mor, far)
    run_worker(database)

    notice, text = letter(database, helsestasjon_key(child))
    assert (notice.recipient, notice.sender_orgnr, notice.kind) == (
        OSLO_KOMMUNE,
        OSLO_KOMMUNE,
        "informasjon",
    )
    assert notice.message_sender == "Oslo kommune"
    nb = text["nb"]
    assert "Emma Nordmann" in nb and "20. mai 2025" in nb
    assert "Storgata 1A" in nb  # an unprotected child: the home visit needs the address
    assert "Mor: Kari Nordmann" in nb and MOTHER_EMAIL in nb and "+4791234567" in nb
    assert "Far: Ola Nordmann" in nb and "ola@example.no" in nb
    assert "child born 20 May 2025" in text["en"]
    reads = log_entries(database, konsument=OSLO_KOMMUNE, formaal="helsestasjon")
    assert {entry.subjekt for entry in reads} == {child, mor, far}
    assert {entry.datasett for entry in reads if entry.subjekt == mor} == {
        "folkeregister.person.basis",
        "krr.kontakt",
    }

    task, text = letter(database, foreldrepenger_key(child))
    assert (task.recipient, task.sender_orgnr, task.kind) == (mor, NAV, "oppgave")
    assert task.senders_reference == "foreldrepenger"
    assert task.due is not None and aware(task.due) == datetime(2025, 8, 20, 22, 0, tzinfo=UTC)
    nb = text["nb"]
    assert "Søk om foreldrepenger" in nb
    assert "NAV har fylt ut 7 opplysninger" in nb and "Du fyller ut 3 selv" in nb
    assert "- Fornavn: Kari (fra Skatteetaten; hjemmel: folketrygdloven kapittel 14" in nb
    assert f"Arbeidsgiver (organisasjonsnummer): {employer} (fra Arbeids- og velferdsetaten" in nb
    assert "Stillingsprosent: 100\u00a0%" in nb
    assert "Dekningsgrad" in nb and "20. august 2025" in nb
    assert "NAV har ikke fattet noe vedtak" in nb
    nav_reads = log_entries(database, konsument=NAV, subjekt=mor)
    assert {entry.formaal for entry in nav_reads} == {"foreldrepenger"}
    assert {entry.datasett for entry in nav_reads} == {
        "folkeregister.person.basis",
        "folkeregister.familie",
        "arbeid.inntekt.siste-36-mnd",
        "arbeid.arbeidsforhold",
    }


def test_a_mother_without_enough_work_is_asked_to_apply_for_engangsstoenad(
    database: Database, register: Register
) -> None:
    mor, far = parents(register)
    employed(register, mor, months=5)  # five months of pay: short of six of the last ten
    child = birth(register, mor, far)
    run_worker(database)

    task, text = letter(database, foreldrepenger_key(child))
    assert task.senders_reference == "engangsstoenad"
    assert task.due is not None and task.due.date() == datetime(2025, 11, 20).date()
    nb = text["nb"]
    assert "Søk om engangsstønad" in nb and "92\u00a0648 kr" in nb
    assert "NAV har fylt ut 4 opplysninger" in nb and "Du fyller ut 1 selv" in nb
    assert "folketrygdloven § 14-17" in nb
    assert "Arbeidsgiver" not in nb  # not the engangsstønad basis's to read
    purposes = {e.formaal for e in log_entries(database, konsument=NAV, subjekt=mor)}
    assert purposes == {"foreldrepenger", "engangsstoenad"}  # screened, then the form


def test_a_strictly_confidential_mother_leaks_nothing(
    database: Database, register: Register, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mor, far = parents(register, adresse_id=HEMMELIGVEIEN, adressebeskyttelse="strengtFortrolig")
    child = birth(register, mor, far)
    run_worker(database)

    notice, text = letter(database, helsestasjon_key(child))
    assert notice.recipient == TRONDHEIM_KOMMUNE
    assert "Adressen er beskyttet" in text["nb"] and "address is protected" in text["en"]
    assert "Emma Nordmann" in text["nb"]
    letter(database, foreldrepenger_key(child))  # the mother's task was written too
    with database.read_session() as session:
        bodies = [c.body for c in session.scalars(select(Innhold))]
        events = [str(row.data) for row in session.scalars(select(OutboxRow))]
        released = [
            entry
            for entry in session.scalars(select(LogEntryRow))
            if entry.konsument in (TRONDHEIM_KOMMUNE, NAV)
        ]
    for text_ in [*bodies, *events, caplog.text]:
        assert SECRET_STREET not in text_ and "7011" not in text_
    assert not [e for e in released if "bostedsadresse" in e.felter]
    assert mor not in caplog.text and child not in caplog.text


def test_an_event_delivered_twice_writes_one_letter_each(
    database: Database, register: Register
) -> None:
    mor, far = parents(register)
    child = birth(register, mor, far)
    with database.read_session() as session:
        events = [s.event for s in read_events(session) if s.event.type.endswith("endringIFoedsel")]
    counts = []
    for _ in range(2):
        with database.unit_of_work() as uow:
            helsestasjon.handle_births(uow, events + events)
            foreldrepenger.handle_births(uow, events)
            uow.commit()
        counts.append(len(log_entries(database)))
    with database.read_session() as session:
        keys = list(session.scalars(select(Forsendelse.idempotent_key)))
    assert sorted(keys) == sorted([helsestasjon_key(child), foreldrepenger_key(child)])
    assert counts[0] == counts[1]  # the second delivery read nothing
