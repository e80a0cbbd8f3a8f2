"""Checking the access log: recompute the chain, check every checkpoint (``felles audit verify``).

The entries are read in sequence order, streamed, and each hash recomputed from the one
before (``chain.entry_hash``). The first of these stops the check and is reported:

* an entry missing (a gap in the sequence numbers: deleted, or moved away);
* an entry whose stored hash is not the recomputed one (its content, its hash or its place
  changed, or it was inserted);
* a checkpoint whose signature is not valid under the key (forged or altered), or whose
  signed hash differs from the recomputed chain there — the chain was rewritten consistently
  (every hash recomputed by someone without the key) somewhere up to that entry;
* a checkpoint, or the chain head, naming entries beyond the last one (the tail was cut).

Changes after the last checkpoint by someone who recomputes the hashes are not detectable
from the database alone; decision 0024 says why and what bounds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select

from felles.access.log import chain
from felles.access.log.model import ChainHead, Checkpoint, LogEntryRow
from felles.kernel.db import Database

READ_BATCH: Final = 10_000
_COLUMNS: Final = tuple(getattr(LogEntryRow, name) for name in (*chain.CANONICAL_FIELDS, "hash"))


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome: ``ok``, or the first broken entry or checkpoint and what is wrong."""

    ok: bool
    entries: int
    checkpoints: int
    broken_entry: int | None = None
    broken_checkpoint: int | None = None
    reason: str = ""

    def summary(self) -> str:
        if self.ok:
            return (
                f"OK: {self.entries} entries, hash chain intact, "
                f"{self.checkpoints} signed checkpoints valid"
            )
        where = (
            f"checkpoint at entry {self.broken_checkpoint}"
            if self.broken_entry is None
            else f"entry {self.broken_entry}"
        )
        return f"BROKEN at {where}: {self.reason}"


def count_entries(database: Database) -> int:
    with database.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(LogEntryRow)) or 0)


def verify(
    database: Database,
    *,
    public_key: Ed25519PublicKey | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Verification:
    """Recompute the chain and check the checkpoints; the first break found, or OK.

    ``public_key`` is the checkpoint key's public half (default: that of the configured
    key). ``on_progress`` is called with the number of entries read since the last call.
    """
    key = public_key or chain.signing_key().public
    expected_key = chain.key_id(key)
    with database.read_session() as session:
        checkpoints = {c.sekvensnummer: c for c in session.scalars(select(Checkpoint))}
        head = session.get(ChainHead, 1)
        rows = session.execute(
            select(*_COLUMNS)
            .order_by(LogEntryRow.sekvensnummer)
            .execution_options(yield_per=READ_BATCH)
        ).mappings()
        checked = 0
        previous = chain.GENESIS
        expected = 1
        unreported = 0

        def broken(
            entry: int | None, reason: str, *, checkpoint: int | None = None
        ) -> Verification:
            return Verification(
                ok=False,
                entries=checked,
                checkpoints=len(checkpoints),
                broken_entry=entry,
                broken_checkpoint=checkpoint,
                reason=reason,
            )

        for row in rows:
            number = row["sekvensnummer"]
            if number != expected:
                return broken(
                    expected,
                    f"entry {expected} is missing (the next entry is {number}): deleted or moved",
                )
            recomputed = chain.entry_hash(previous, row)
            if recomputed != row["hash"]:
                return broken(
                    number,
                    "its hash does not match its content and the entry before it: "
                    "changed, inserted, moved, or its hash altered",
                )
            checkpoint = checkpoints.get(number)
            if checkpoint is not None:
                problem = _checkpoint_problem(checkpoint, key, expected_key)
                if problem:
                    return broken(None, problem, checkpoint=number)
                if checkpoint.hash != recomputed:
                    earlier = max((c for c in checkpoints if c < number), default=0)
                    return broken(
                        None,
                        "the signed hash differs from the chain: entries "
                        f"{earlier + 1}–{number} were rewritten with recomputed hashes",
                        checkpoint=number,
                    )
            previous = recomputed
            checked += 1
            expected += 1
            unreported += 1
            if on_progress is not None and unreported >= READ_BATCH:
                on_progress(unreported)
                unreported = 0
        if on_progress is not None and unreported:
            on_progress(unreported)
    last = expected - 1
    beyond = sorted(c for c in checkpoints if c > last)
    if beyond:
        checkpoint = checkpoints[beyond[0]]
        problem = _checkpoint_problem(checkpoint, key, expected_key)
        if problem:
            return broken(None, problem, checkpoint=beyond[0])
        return broken(
            last + 1,
            f"the log ends at entry {last} but a signed checkpoint names entry {beyond[0]}: "
            "entries were cut from the end",
        )
    head_number = head.sekvensnummer if head is not None else 0
    head_hash = head.hash if head is not None else chain.GENESIS
    if head_number != last or head_hash != previous:
        return broken(
            min(head_number, last) + 1,
            f"the chain head names entry {head_number}, the log ends at entry {last} "
            "(entries cut from the end, or the head altered)",
        )
    return Verification(ok=True, entries=checked, checkpoints=len(checkpoints))


def _check_key(checkpoint: Checkpoint, expected_key: str) -> str:
    if checkpoint.noekkel_id != expected_key:
        return f"signed with an unknown key ({checkpoint.noekkel_id}, expected {expected_key})"
    return ""


def _checkpoint_problem(checkpoint: Checkpoint, key: Ed25519PublicKey, expected_key: str) -> str:
    """Why a checkpoint's signature is not to be trusted, or '' when it is."""
    unknown = _check_key(checkpoint, expected_key)
    if unknown:
        return unknown
    valid = chain.checkpoint_signature_valid(
        key,
        sekvensnummer=checkpoint.sekvensnummer,
        hash=checkpoint.hash,
        tidspunkt=checkpoint.tidspunkt,
        noekkel_id=checkpoint.noekkel_id,
        signatur=checkpoint.signatur,
    )
    return "" if valid else "its signature is not valid: the checkpoint was forged or altered"
