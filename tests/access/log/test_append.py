"""Appending to the access log: the chain, checkpoints, minimal entries, concurrency."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from felles.access.log import chain
from felles.access.log.model import ChainHead, Checkpoint, LogEntryRow
from felles.access.log.operations import append, make_checkpoint
from felles.access.log.verify import verify
from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput
from tests.access.log.conftest import ANNE, BJOERN, CHECKPOINT_EVERY, NAV, at, entry


def test_a_batch_is_chained_and_numbered_in_order(database: Database) -> None:
    with database.unit_of_work() as uow:
        first = append(uow, [entry(tidspunkt=at(9)), entry(BJOERN, tidspunkt=at(10))])
        second = append(uow, [entry(tidspunkt=at(11))])
        uow.commit()
    assert (first.first, first.last, second.first, second.last) == (1, 2, 3, 3)
    with database.read_session() as session:
        rows = session.scalars(select(LogEntryRow).order_by(LogEntryRow.sekvensnummer)).all()
        head = session.get(ChainHead, 1)
    assert [r.subjekt for r in rows] == [ANNE, BJOERN, ANNE]
    assert head is not None and (head.sekvensnummer, head.hash) == (3, second.hash)
    assert rows[1].hash == first.hash and rows[2].hash == second.hash
    assert rows[0].felter == ["bostedsadresse", "navn"]  # sorted, names only
    assert verify(database).ok


def test_the_hash_follows_the_documented_canonical_serialisation(database: Database) -> None:
    with database.unit_of_work() as uow:
        appended = append(uow, [entry(felter=["navn", "navn", "adresse"], tidspunkt=at(9))])
        uow.commit()
    content = {
        "aktoer": "saksbehandler-17",
        "datasett": "folkeregisteret/person",
        "felter": ["adresse", "navn"],
        "foresporsel_id": "req-1",
        "formaal": "Behandling av søknad om dagpenger",
        "fullmakt_id": None,
        "hjemmel": "folketrygdloven § 21-4",
        "konsument": NAV,
        "samtykke_id": None,
        "sekvensnummer": 1,
        "subjekt": ANNE,
        "tidspunkt": "2025-06-01T09:00:00.000000Z",
    }
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256(bytes(32) + body.encode("utf-8")).hexdigest()
    assert appended.hash == expected


def test_checkpoints_are_signed_at_every_interval(database: Database) -> None:
    with database.unit_of_work() as uow:
        appended = append(uow, [entry(foresporsel_id=f"r{i}") for i in range(12)])
        uow.commit()
    assert appended.checkpoints == (CHECKPOINT_EVERY, 2 * CHECKPOINT_EVERY)
    with database.unit_of_work() as uow:
        on_demand = make_checkpoint(uow)
        again = make_checkpoint(uow)
        uow.commit()
    assert on_demand is not None and on_demand.sekvensnummer == 12
    assert again is not None and again.signatur == on_demand.signatur
    with database.read_session() as session:
        stored = session.scalars(select(Checkpoint.sekvensnummer)).all()
    assert sorted(stored) == [5, 10, 12]
    assert verify(database).ok


def test_nothing_to_checkpoint_in_an_empty_log(database: Database) -> None:
    with database.unit_of_work() as uow:
        assert make_checkpoint(uow) is None
    assert verify(database).ok


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"hjemmel": None}, "legal basis"),
        ({"felter": ["inntekt=600000"]}, "no values"),
        ({"felter": ["adresse Storgata 1"]}, "no values"),
        ({"felter": []}, "felter"),
        ({"subjekt": "12345678901"}, "identifier"),
        ({"konsument": "123"}, "identifier"),
        ({"formaal": " "}, "formaal"),
        ({"foresporsel_id": "x" * 65}, "foresporsel_id"),
        ({"datasett": "a b"}, "datasett"),
    ],
)
def test_an_incomplete_or_too_talkative_entry_is_refused(
    database: Database, overrides: dict[str, object], why: str
) -> None:
    with database.unit_of_work() as uow, pytest.raises(InvalidInput, match=why):
        append(uow, [entry(), entry(**overrides)])
    with database.read_session() as session:
        assert session.scalar(select(LogEntryRow.sekvensnummer)) is None


def test_a_consent_instead_of_a_legal_basis_is_enough(database: Database) -> None:
    with database.unit_of_work() as uow:
        append(uow, [entry(hjemmel=None, samtykke_id="samtykke-42")])
        uow.commit()
    assert verify(database).ok


def test_the_database_refuses_changes_to_the_log(database: Database) -> None:
    if not database.is_postgresql:
        pytest.skip("the append-only trigger is PostgreSQL's (SQLite has one writer)")
    with database.unit_of_work() as uow:
        append(uow, [entry(foresporsel_id=f"r{i}") for i in range(5)])
        uow.commit()
    for statement in (
        "UPDATE innsyn_logg SET formaal = 'x' WHERE sekvensnummer = 1",
        "DELETE FROM innsyn_logg WHERE sekvensnummer = 1",
        "DELETE FROM innsyn_sjekkpunkt",
    ):
        with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as c:
            c.execute(text(statement))
    assert verify(database).ok


def test_concurrent_appends_keep_one_chain(database: Database) -> None:
    """Two sessions append at once, batch after batch: the numbers interleave, no fork."""
    batches, size = 40, 7
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(subjekt: str) -> None:
        try:
            start.wait()
            for n in range(batches):
                with database.unit_of_work() as uow:
                    append(uow, [entry(subjekt, foresporsel_id=f"{n}-{i}") for i in range(size)])
                    uow.commit()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(who,)) for who in (ANNE, BJOERN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    result = verify(database)
    assert result.ok, result.summary()
    assert result.entries == 2 * batches * size
    with database.read_session() as session:
        subjects = session.scalars(
            select(LogEntryRow.subjekt).order_by(LogEntryRow.sekvensnummer)
        ).all()
    # each batch is contiguous in the chain
    for offset in range(0, len(subjects), size):
        assert len(set(subjects[offset : offset + size])) == 1
    assert chain.GENESIS == "0" * 64
