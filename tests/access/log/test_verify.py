"""Tampering with the access log: verify names the first broken entry or checkpoint.

Each test writes 12 entries (signed checkpoints at 5 and 10), changes the tables as someone
with database access who disabled the append-only triggers, and checks what verify says.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text
from typer.testing import CliRunner

from felles.access.log import chain
from felles.access.log.model import LogEntryRow
from felles.access.log.operations import append
from felles.access.log.verify import Verification, verify
from felles.cli import app as cli
from felles.kernel.db import Database
from tests.access.log.conftest import BJOERN, at, entry, tamper

ENTRIES = 12


@pytest.fixture
def log(database: Database) -> Database:
    with database.unit_of_work() as uow:
        append(uow, [entry(foresporsel_id=f"r{i}", tidspunkt=at(8, i)) for i in range(ENTRIES)])
        uow.commit()
    assert verify(database).ok
    return database


def _broken_entry(result: Verification, number: int) -> None:
    assert not result.ok
    assert result.broken_entry == number, result.summary()


def _broken_checkpoint(result: Verification, number: int) -> None:
    assert not result.ok
    assert (result.broken_entry, result.broken_checkpoint) == (None, number), result.summary()


def test_an_intact_log_is_ok(log: Database) -> None:
    result = verify(log)
    assert (result.ok, result.entries, result.checkpoints) == (True, ENTRIES, 2)
    assert result.summary().startswith("OK: 12 entries")


def test_a_changed_field(log: Database) -> None:
    tamper(log, "UPDATE innsyn_logg SET konsument = '974760673' WHERE sekvensnummer = 7")
    _broken_entry(verify(log), 7)


def test_a_changed_list_of_fields(log: Database) -> None:
    tamper(log, """UPDATE innsyn_logg SET felter = '["navn"]' WHERE sekvensnummer = 3""")
    _broken_entry(verify(log), 3)


def test_a_changed_hash(log: Database) -> None:
    tamper(log, f"UPDATE innsyn_logg SET hash = '{'a' * 64}' WHERE sekvensnummer = 4")
    _broken_entry(verify(log), 4)


def test_a_deleted_entry(log: Database) -> None:
    tamper(log, "DELETE FROM innsyn_logg WHERE sekvensnummer = 6")
    result = verify(log)
    _broken_entry(result, 6)
    assert "missing" in result.reason


def test_a_deleted_entry_with_the_rest_renumbered(log: Database) -> None:
    tamper(
        log,
        "DELETE FROM innsyn_logg WHERE sekvensnummer = 6",
        "UPDATE innsyn_logg SET sekvensnummer = sekvensnummer + 1000 WHERE sekvensnummer > 6",
        "UPDATE innsyn_logg SET sekvensnummer = sekvensnummer - 1001 WHERE sekvensnummer > 1000",
    )
    _broken_entry(verify(log), 6)


def _copy_of(database: Database, number: int) -> dict[str, object]:
    with database.read_session() as session:
        row = session.get(LogEntryRow, number)
        assert row is not None
        return {c.key: getattr(row, c.key) for c in LogEntryRow.__table__.columns}


def _insert(database: Database, row: dict[str, object]) -> None:
    """Insert a row through SQLAlchemy (types converted): the log takes INSERTs."""
    with database.unit_of_work() as uow:
        uow.session.add(LogEntryRow(**row))
        uow.commit()


def test_a_forged_entry_appended(log: Database) -> None:
    forged = _copy_of(log, ENTRIES) | {
        "sekvensnummer": ENTRIES + 1,
        "subjekt": BJOERN,
        "hash": "b" * 64,
    }
    _insert(log, forged)
    _broken_entry(verify(log), ENTRIES + 1)


def test_a_forged_entry_inserted_in_the_middle(log: Database) -> None:
    tamper(
        log,
        "UPDATE innsyn_logg SET sekvensnummer = sekvensnummer + 1000 WHERE sekvensnummer >= 3",
        "UPDATE innsyn_logg SET sekvensnummer = sekvensnummer - 999 WHERE sekvensnummer > 1000",
    )
    forged = _copy_of(log, 2) | {"sekvensnummer": 3, "formaal": "Forged"}
    forged["hash"] = chain.entry_hash(str(_copy_of(log, 2)["hash"]), forged)  # a "valid" hash
    _insert(log, forged)
    # The forged entry fits after entry 2; the one pushed to 4 no longer fits after it.
    _broken_entry(verify(log), 4)


def test_two_entries_swapped(log: Database) -> None:
    tamper(
        log,
        "UPDATE innsyn_logg SET sekvensnummer = 1008 WHERE sekvensnummer = 8",
        "UPDATE innsyn_logg SET sekvensnummer = 8 WHERE sekvensnummer = 9",
        "UPDATE innsyn_logg SET sekvensnummer = 9 WHERE sekvensnummer = 1008",
    )
    _broken_entry(verify(log), 8)


def test_a_rewrite_with_every_hash_recomputed_is_caught_by_the_checkpoint(log: Database) -> None:
    """Someone who knows the algorithm but not the key changes entry 7 and re-chains."""
    with log.read_session() as session:
        rows = session.scalars(select(LogEntryRow).order_by(LogEntryRow.sekvensnummer)).all()
        values = [{c.key: getattr(r, c.key) for c in LogEntryRow.__table__.columns} for r in rows]
    values[6]["formaal"] = "Something harmless"
    previous = chain.GENESIS
    statements = []
    for row in values:
        previous = chain.entry_hash(previous, row)
        statements.append(
            f"UPDATE innsyn_logg SET hash = '{previous}' WHERE sekvensnummer = "
            f"{row['sekvensnummer']}"
        )
    tamper(
        log,
        "UPDATE innsyn_logg SET formaal = 'Something harmless' WHERE sekvensnummer = 7",
        *statements,
        f"UPDATE innsyn_kjede SET hash = '{previous}'",
    )
    result = verify(log)
    _broken_checkpoint(result, 10)
    assert "6–10" in result.reason  # the rewrite lies after checkpoint 5, up to 10


def test_the_tail_cut_through_a_checkpoint(log: Database) -> None:
    tamper(log, "DELETE FROM innsyn_logg WHERE sekvensnummer >= 9")
    result = verify(log)
    _broken_entry(result, 9)
    assert "checkpoint names entry 10" in result.reason


def test_the_tail_cut_after_the_last_checkpoint(log: Database) -> None:
    tamper(log, "DELETE FROM innsyn_logg WHERE sekvensnummer > 10")
    _broken_entry(verify(log), 11)


def test_the_tail_and_its_checkpoint_cut(log: Database) -> None:
    tamper(
        log,
        "DELETE FROM innsyn_logg WHERE sekvensnummer > 7",
        "DELETE FROM innsyn_sjekkpunkt WHERE sekvensnummer = 10",
    )
    _broken_entry(verify(log), 8)  # the chain head still says 12


def test_a_checkpoint_with_another_hash(log: Database) -> None:
    tamper(log, f"UPDATE innsyn_sjekkpunkt SET hash = '{'c' * 64}' WHERE sekvensnummer = 5")
    result = verify(log)
    _broken_checkpoint(result, 5)
    assert "signature is not valid" in result.reason


def test_a_checkpoint_signed_with_another_key(log: Database) -> None:
    """A forger re-chains after changing entry 2 and signs new checkpoints with own key."""
    impostor = chain.SigningKey(Ed25519PrivateKey.generate(), "")
    impostor = chain.SigningKey(impostor.private, chain.key_id(impostor.public))
    with log.read_session() as session:
        hash5 = session.scalar(select(LogEntryRow.hash).where(LogEntryRow.sekvensnummer == 5))
    assert hash5 is not None
    when = at(12)
    signature = chain.sign_checkpoint(impostor, sekvensnummer=5, hash=hash5, tidspunkt=when)
    tamper(
        log,
        "UPDATE innsyn_sjekkpunkt SET noekkel_id = :key, signatur = :signature, "
        "tidspunkt = :when WHERE sekvensnummer = 5",
        key=impostor.id,
        signature=signature,
        when=when,
    )
    result = verify(log)
    _broken_checkpoint(result, 5)
    assert "unknown key" in result.reason
    # … and with the id of the real key, the signature does not verify.
    tamper(
        log,
        "UPDATE innsyn_sjekkpunkt SET noekkel_id = :key WHERE sekvensnummer = 5",
        key=chain.signing_key().id,
    )
    _broken_checkpoint(verify(log), 5)


def test_a_checkpoint_with_another_time(log: Database) -> None:
    with log.read_session() as session:
        row = session.execute(text("SELECT tidspunkt FROM innsyn_sjekkpunkt LIMIT 1")).scalar()
    assert row is not None
    later = at(23) + timedelta(days=1)
    tamper(log, "UPDATE innsyn_sjekkpunkt SET tidspunkt = :later", later=later)
    _broken_checkpoint(verify(log), 5)


def test_felles_audit_verify(log: Database) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 12 entries" in result.output
    checkpoint = runner.invoke(cli, ["audit", "checkpoint"])
    assert checkpoint.exit_code == 0 and "entry 12" in checkpoint.output
    tamper(log, "UPDATE innsyn_logg SET formaal = 'x' WHERE sekvensnummer = 2")
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN at entry 2" in broken.output
