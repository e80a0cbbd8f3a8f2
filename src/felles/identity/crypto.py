"""What felles derives from ``FELLES_IDENTITY_SECRET``: key encryption, pairwise ``sub``,
client-secret digests and signed login requests. The secret itself is never logged."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from felles.kernel.settings import get_settings


def _derive(purpose: str) -> bytes:
    secret = get_settings().identity_secret.get_secret_value().encode()
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(secret)


@cache
def _fernet(fingerprint: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive("felles identity signing keys")))


def _fingerprint() -> str:
    secret = get_settings().identity_secret.get_secret_value().encode()
    return hashlib.sha256(secret).hexdigest()


def encrypt(data: bytes) -> str:
    """``data`` encrypted and authenticated (Fernet) under a key derived from the secret."""
    return _fernet(_fingerprint()).encrypt(data).decode()


def decrypt(token: str) -> bytes:
    """The data of :func:`encrypt`; ValueError when the secret has changed since."""
    try:
        return _fernet(_fingerprint()).decrypt(token.encode())
    except InvalidToken:
        raise ValueError("cannot decrypt: FELLES_IDENTITY_SECRET has changed") from None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _mac(purpose: str, message: str) -> bytes:
    return hmac.new(_derive(purpose), message.encode(), hashlib.sha256).digest()


def pairwise_sub(sector: str, pid: str) -> str:
    """The person's ``sub`` for one sector: stable, unlinkable across sectors (ID-porten's
    pairwise subject)."""
    return b64url(_mac("felles identity pairwise sub", f"{sector}\x1f{pid}"))


def secret_digest(client_secret: str) -> str:
    """What is stored for a client secret: an HMAC, hex."""
    return _mac("felles identity client secret", client_secret).hex()


def secret_matches(client_secret: str, digest: str) -> bool:
    return hmac.compare_digest(secret_digest(client_secret), digest)


def sign_blob(value: dict[str, Any]) -> str:
    """``value`` as a tamper-proof string (base64url JSON and an HMAC)."""
    body = b64url(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{b64url(_mac('felles identity login request', body))}"


def open_blob(blob: str) -> dict[str, Any] | None:
    """The value of :func:`sign_blob`, or None when it was changed or is not one."""
    body, _, mac = blob.partition(".")
    if not body or not hmac.compare_digest(
        mac.encode(), b64url(_mac("felles identity login request", body)).encode()
    ):
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
