"""felles' signing keys: one active, rotated-out ones kept in the JWKS for a grace period.

The first key is made when the first token is signed (or the JWKS first asked for).
``rotate_keys`` makes a new active key and retires the old one: tokens it signed still
validate until ``expires`` (``FELLES_IDENTITY_KEY_GRACE`` after the rotation), which must be
longer than any token's lifetime.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from felles.identity import crypto, events
from felles.identity.model import SigningKey
from felles.kernel import caches
from felles.kernel.clock import get_clock
from felles.kernel.db import Database, UnitOfWork
from felles.kernel.settings import get_settings

ALG: Final = "RS256"
KEY_BITS: Final = 2048

_private: dict[str, RSAKey] = {}
_private_lock = threading.Lock()


def _new_key(now: datetime) -> SigningKey:
    kid = f"felles-{now:%Y%m%d}-{uuid.uuid4().hex[:12]}"
    key = RSAKey.generate_key(KEY_BITS, parameters={"kid": kid, "alg": ALG, "use": "sig"})
    with _private_lock:
        _private[kid] = key
    return SigningKey(
        kid=kid,
        alg=ALG,
        public_jwk=key.as_dict(private=False),
        private_key=crypto.encrypt(key.as_pem(private=True)),
        created=now,
        retired=None,
        expires=None,
    )


def _active(session: Session) -> SigningKey | None:
    query = select(SigningKey).where(SigningKey.retired.is_(None))
    return session.scalars(query.order_by(SigningKey.created.desc()).limit(1)).first()


def rotate_keys(uow: UnitOfWork) -> SigningKey:
    """Make a new active signing key; the active ones retire and stay in the JWKS for the
    grace period. Returns the new key."""
    now = get_clock().now()
    grace = timedelta(seconds=get_settings().identity_key_grace)
    session = uow.session
    retiring = list(
        session.scalars(select(SigningKey).where(SigningKey.retired.is_(None)).with_for_update())
    )
    previous = max(retiring, key=lambda k: k.created) if retiring else None
    for key in retiring:
        key.retired = now
        key.expires = now + grace
    new = _new_key(now)
    session.add(new)
    session.flush()
    events.noekkel_rotert(
        uow,
        kid=new.kid,
        previous_kid=previous.kid if previous else None,
        previous_expires=previous.expires if previous else None,
    )
    return new


def ensure_active_key(database: Database) -> SigningKey:
    """The active signing key, made (in its own unit of work) if there is none."""
    with database.read_session() as session:
        key = _active(session)
    if key is not None:
        return key
    with database.unit_of_work() as uow:
        key = _active(uow.session) or rotate_keys(uow)
        uow.commit()
        return key


def _private_key(row: SigningKey) -> RSAKey:
    with _private_lock:
        key = _private.get(row.kid)
    if key is None:
        key = RSAKey.import_key(crypto.decrypt(row.private_key))
        with _private_lock:
            _private[row.kid] = key
    return key


def sign(uow: UnitOfWork, claims: dict[str, Any], *, typ: str = "JWT") -> str:
    """A JWT with ``claims``, signed with the active key (``kid`` in the header); the first
    key is made in the same unit of work if there is none."""
    row = _active(uow.session) or rotate_keys(uow)
    header = {"alg": row.alg, "kid": row.kid, "typ": typ}
    return jwt.encode(header, claims, _private_key(row), algorithms=[row.alg])


def published_keys(session: Session) -> list[SigningKey]:
    """The keys in the JWKS: the active one and the retired ones still within grace."""
    now = get_clock().now()
    query = select(SigningKey).where(or_(SigningKey.retired.is_(None), SigningKey.expires > now))
    found = session.scalars(query.order_by(SigningKey.created.desc(), SigningKey.kid))
    return sorted(found, key=lambda key: key.retired is not None)  # the active key first


#: Public keys by (database, kid): their key, when they stop validating, when read (monotonic).
_verifying: dict[tuple[str, str], tuple[RSAKey, datetime | None, float]] = caches.registered({})
VERIFY_CACHE_SECONDS: Final = 30.0


def verification_key(session: Session, kid: str) -> RSAKey | None:
    """The public key ``kid`` if it validates tokens now, else None.

    Read once and kept for ``VERIFY_CACHE_SECONDS`` (every API request checks a token; the
    key table changes only at rotation). A kept key still stops validating at its
    ``expires``, by the felles clock; a rotation reaches a process within the cache time.
    """
    cache_key = (caches.database_key(session), kid)
    hit = _verifying.get(cache_key)
    if hit is None or time.monotonic() - hit[2] > VERIFY_CACHE_SECONDS:
        row = session.get(SigningKey, kid)
        if row is None:
            return None
        expires = row.expires
        if expires is not None and expires.tzinfo is None:  # SQLite keeps UTC, naive
            expires = expires.replace(tzinfo=UTC)
        hit = (RSAKey.import_key(row.public_jwk), expires, time.monotonic())
        _verifying[cache_key] = hit
    key, expires, _ = hit
    if expires is not None and expires <= get_clock().now():
        return None
    return key


def jwks(database: Database) -> dict[str, Any]:
    """The public JWKS (RFC 7517): never a private member."""
    ensure_active_key(database)
    with database.read_session() as session:
        keys = published_keys(session)
    public = [{k: v for k, v in key.public_jwk.items() if k in _PUBLIC} for key in keys]
    return {"keys": public}


_PUBLIC: Final = frozenset({"kty", "kid", "use", "alg", "n", "e", "crv", "x", "y"})


def verification_keys(session: Session) -> KeySet:
    """The published keys as a joserfc KeySet, to check felles' own tokens against."""
    return KeySet([RSAKey.import_key(key.public_jwk) for key in published_keys(session)])
