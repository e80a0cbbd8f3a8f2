"""Identity: OIDC clients, signing keys, sessions, Maskinporten clients

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "identity_signing_key",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("alg", sa.String(length=10), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("created", _TS, nullable=False),
        sa.Column("retired", _TS, nullable=True),
        sa.Column("expires", _TS, nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_identity_signing_key")),
    )
    op.create_table(
        "identity_oidc_client",
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=200), nullable=False),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("post_logout_redirect_uris", sa.JSON(), nullable=False),
        sa.Column("token_endpoint_auth_method", sa.String(length=30), nullable=False),
        sa.Column("client_secret_hmac", sa.String(length=64), nullable=True),
        sa.Column("jwks", sa.JSON(), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("registered", _TS, nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_identity_oidc_client")),
    )
    op.create_table(
        "identity_maskinporten_client",
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("orgnr", sa.String(length=9), nullable=False),
        sa.Column("jwks", sa.JSON(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("registered", _TS, nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_identity_maskinporten_client")),
    )
    op.create_index(
        "ix_identity_maskinporten_client_orgnr", "identity_maskinporten_client", ["orgnr"]
    )
    op.create_table(
        "identity_session",
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("pid", sa.String(length=11), nullable=False),
        sa.Column("acr", sa.String(length=40), nullable=False),
        sa.Column("started", _TS, nullable=False),
        sa.Column("ended", _TS, nullable=True),
        sa.PrimaryKeyConstraint("sid", name=op.f("pk_identity_session")),
    )
    op.create_table(
        "identity_authorization_code",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("pid", sa.String(length=11), nullable=False),
        sa.Column("acr", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("nonce", sa.Text(), nullable=True),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("auth_time", _TS, nullable=False),
        sa.Column("expires", _TS, nullable=False),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_identity_authorization_code")),
    )
    op.create_index(
        "ix_identity_authorization_code_expires", "identity_authorization_code", ["expires"]
    )
    op.create_table(
        "identity_seen_jti",
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("jti", sa.String(length=255), nullable=False),
        sa.Column("expires", _TS, nullable=False),
        sa.PrimaryKeyConstraint("client_id", "jti", name=op.f("pk_identity_seen_jti")),
    )
    op.create_index("ix_identity_seen_jti_expires", "identity_seen_jti", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_identity_seen_jti_expires", table_name="identity_seen_jti")
    op.drop_table("identity_seen_jti")
    op.drop_index(
        "ix_identity_authorization_code_expires", table_name="identity_authorization_code"
    )
    op.drop_table("identity_authorization_code")
    op.drop_table("identity_session")
    op.drop_index(
        "ix_identity_maskinporten_client_orgnr", table_name="identity_maskinporten_client"
    )
    op.drop_table("identity_maskinporten_client")
    op.drop_table("identity_oidc_client")
    op.drop_table("identity_signing_key")
