"""Tables of identity: signing keys, registered clients, logins and seen assertion ids.

* ``identity_signing_key`` — felles' own signing keys. The private key is stored encrypted
  (Fernet, a key derived from ``FELLES_IDENTITY_SECRET``) and never served or logged; the
  public JWK is served in the JWKS. The key without ``retired`` is the active one; a key
  retired by a rotation stays in the JWKS until ``expires`` (the grace period).
* ``identity_oidc_client`` — relying parties of the OIDC provider (as ID-porten's clients):
  redirect URIs, how the client authenticates at the token endpoint, the sector its pairwise
  ``sub`` is computed for. A client secret is stored only as an HMAC.
* ``identity_maskinporten_client`` — machine clients (as Maskinporten's): the organisation,
  its public keys (JWKS) and the scopes it may ask for.
* ``identity_session`` — one login (``sid``); ``ended`` when the person logs out.
* ``identity_authorization_code`` — an authorization code, stored as its SHA-256 only, until
  it is exchanged (once) or expires.
* ``identity_seen_jti`` — the ``jti`` of every JWT assertion accepted, until the assertion
  expires: a replay is refused in every process because the check is a primary key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base


class SigningKey(Base):
    __tablename__ = "identity_signing_key"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    alg: Mapped[str] = mapped_column(String(10))
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    private_key: Mapped[str] = mapped_column(Text)  # Fernet token of the PKCS#8 PEM
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OidcClient(Base):
    __tablename__ = "identity_oidc_client"

    client_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    client_name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(200))
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    post_logout_redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(30))
    client_secret_hmac: Mapped[str | None] = mapped_column(String(64))
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    registered: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MaskinportenClient(Base):
    __tablename__ = "identity_maskinporten_client"

    client_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    client_name: Mapped[str] = mapped_column(String(200))
    orgnr: Mapped[str] = mapped_column(String(9), index=True)
    jwks: Mapped[dict[str, Any]] = mapped_column(JSON)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    registered: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdportenSession(Base):
    __tablename__ = "identity_session"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    pid: Mapped[str] = mapped_column(String(11))
    acr: Mapped[str] = mapped_column(String(40))
    started: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuthorizationCode(Base):
    __tablename__ = "identity_authorization_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100))
    redirect_uri: Mapped[str] = mapped_column(Text)
    sid: Mapped[str] = mapped_column(String(64))
    pid: Mapped[str] = mapped_column(String(11))
    acr: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(Text)
    code_challenge: Mapped[str] = mapped_column(String(128))
    locale: Mapped[str] = mapped_column(String(5))
    auth_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_identity_authorization_code_expires", "expires"),)


class SeenJti(Base):
    __tablename__ = "identity_seen_jti"

    client_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_identity_seen_jti_expires", "expires"),)
