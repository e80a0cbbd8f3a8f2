"""The hash chain and the checkpoint signatures of the access log (decision 0024).

**Canonical serialisation of an entry** — the bytes its hash covers: a JSON object with
exactly these members, keys sorted, no whitespace (separators ``,`` and ``:``), non-ASCII
characters as themselves, encoded as UTF-8::

    {"aktoer":…,"datasett":…,"felter":[…],"foresporsel_id":…,"formaal":…,"fullmakt_id":…,
     "hjemmel":…,"konsument":…,"samtykke_id":…,"sekvensnummer":N,"subjekt":…,"tidspunkt":…}

Absent optional members are ``null``; ``felter`` is the sorted list of distinct field names;
``tidspunkt`` is UTC with microseconds, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

**Chain**: ``hash(n) = SHA-256(bytes(hash(n-1)) || canonical(entry n))``, written as 64
lowercase hex digits; ``hash(0)`` is ``GENESIS`` (64 zeros). The sequence number is inside
the canonical content, so moving an entry changes its hash as well as its successor's.

**Checkpoint**: an Ed25519 signature over the canonical JSON (same rules) of
``{"hash":…,"noekkel_id":…,"sekvensnummer":N,"tidspunkt":…}``. ``noekkel_id`` is the first 16
hex digits of the SHA-256 of the raw 32-byte public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from felles.kernel.settings import get_settings

GENESIS: Final = "0" * 64
CANONICAL_FIELDS: Final = (
    "aktoer",
    "datasett",
    "felter",
    "foresporsel_id",
    "formaal",
    "fullmakt_id",
    "hjemmel",
    "konsument",
    "samtykke_id",
    "sekvensnummer",
    "subjekt",
    "tidspunkt",
)


def instant(value: datetime) -> str:
    """``value`` as canonical UTC text; a naive value (SQLite gives them back) is UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(content: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a JSON object: sorted keys, compact, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_content(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The members of an entry its hash covers, from a row (or the values about to be one)."""
    content = {name: row[name] for name in CANONICAL_FIELDS}
    content["tidspunkt"] = instant(row["tidspunkt"])
    content["felter"] = sorted(set(row["felter"]))
    return content


def entry_hash(previous: str, row: Mapping[Any, Any]) -> str:
    """The chain hash of an entry given the hash of the one before it."""
    digest = hashlib.sha256(bytes.fromhex(previous))
    digest.update(canonical(entry_content(row)))
    return digest.hexdigest()


_NUMBER_KEY: Final = b'"sekvensnummer":'


def entry_parts(row: Mapping[Any, Any]) -> tuple[bytes, bytes]:
    """An entry's canonical bytes before and after its sequence number, which is not known
    until the chain head is locked: ``before + str(n) + after`` is the canonical content of
    the entry numbered ``n``. Made before the lock, so that the lock is held for a hash of
    bytes only (the data distributor's group commit hashes in PostgreSQL, decision 0029).
    """
    content = canonical(entry_content({**row, "sekvensnummer": 0}))
    # Keys are sorted and unique, and a quote inside a string value is escaped, so the key
    # occurs once; its value is the 0 put there.
    start = content.index(_NUMBER_KEY) + len(_NUMBER_KEY)
    assert content[start : start + 1] == b"0"
    return content[:start], content[start + 1 :]


def hash_from_parts(previous: str, number: int, parts: tuple[bytes, bytes]) -> str:
    """``entry_hash`` of the entry numbered ``number`` from its ``entry_parts``."""
    before, after = parts
    return hashlib.sha256(
        bytes.fromhex(previous) + before + str(number).encode() + after
    ).hexdigest()


# ------------------------------------------------------------------------------------------
# The checkpoint key
# ------------------------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    id: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()


def _from_pem(pem: bytes) -> SigningKey:
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError("the access-log checkpoint key must be an Ed25519 private key")
    return SigningKey(private, key_id(private.public_key()))


def _from_file(path: Path) -> SigningKey:
    """The key in ``path``; generated and written there (mode 0600) if there is none."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(descriptor, "wb") as file:
                file.write(pem)
    return _from_pem(path.read_bytes())


_keys: dict[tuple[str | None, str], SigningKey] = {}
_keys_lock = threading.Lock()


def signing_key() -> SigningKey:
    """The checkpoint key from settings (``FELLES_ACCESS_LOG_SIGNING_KEY``) or its key file."""
    settings = get_settings()
    given = settings.access_log_signing_key
    pem = given.get_secret_value() if given is not None else None
    where = (pem, settings.access_log_key_file)
    with _keys_lock:
        if where not in _keys:
            _keys[where] = (
                _from_pem(pem.encode()) if pem else _from_file(Path(settings.access_log_key_file))
            )
        return _keys[where]


# ------------------------------------------------------------------------------------------
# Signing and checking checkpoints
# ------------------------------------------------------------------------------------------


def checkpoint_content(
    *, sekvensnummer: int, hash: str, tidspunkt: datetime, noekkel_id: str
) -> bytes:
    return canonical(
        {
            "hash": hash,
            "noekkel_id": noekkel_id,
            "sekvensnummer": sekvensnummer,
            "tidspunkt": instant(tidspunkt),
        }
    )


def sign_checkpoint(key: SigningKey, *, sekvensnummer: int, hash: str, tidspunkt: datetime) -> str:
    """The base64url signature (no padding) of a checkpoint."""
    message = checkpoint_content(
        sekvensnummer=sekvensnummer, hash=hash, tidspunkt=tidspunkt, noekkel_id=key.id
    )
    return base64.urlsafe_b64encode(key.private.sign(message)).rstrip(b"=").decode()


def checkpoint_signature_valid(
    public_key: Ed25519PublicKey,
    *,
    sekvensnummer: int,
    hash: str,
    tidspunkt: datetime,
    noekkel_id: str,
    signatur: str,
) -> bool:
    message = checkpoint_content(
        sekvensnummer=sekvensnummer, hash=hash, tidspunkt=tidspunkt, noekkel_id=noekkel_id
    )
    try:
        signature = base64.urlsafe_b64decode(signatur + "=" * (-len(signatur) % 4))
        public_key.verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
