"""Settings read from the environment (prefix ``FELLES_``), one object for the whole process."""

from __future__ import annotations

from functools import cache

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``FELLES_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="FELLES_", env_file=None, extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/felles.db",
        description="SQLAlchemy URL; sqlite:///path or postgresql+psycopg://host/db",
    )
    admin_token: SecretStr = Field(
        default=SecretStr("felles-admin-dev-token"),
        description="Bearer token for operators until identity and access exist",
    )
    # The dispatcher's poll interval when it runs as a loop (seconds).
    dispatch_interval: float = 0.5
    log_level: str = "INFO"
    # Echo SQL statements; never on in production (statements can carry personal data).
    sql_echo: bool = False

    # Identity (felles.identity): the OpenID Connect provider (as ID-porten) and machine tokens
    # (as Maskinporten). Issuers are ``{identity_base_url}/idporten`` and ``/maskinporten``.
    identity_base_url: str = Field(
        default="http://localhost:8000",
        description="The public base URL of felles; the identity issuers are derived from it",
    )
    identity_secret: SecretStr = Field(
        default=SecretStr("felles-identity-dev-secret"),
        description="Server secret: pairwise sub, encryption of signing keys, login requests",
    )
    identity_default_audience: str = Field(
        default="felles",
        description="The aud of access tokens that name no resource; require_scope expects it",
    )
    identity_token_lifetime: int = Field(
        default=120, ge=10, description="Lifetime of access and ID tokens (seconds)"
    )
    identity_key_grace: int = Field(
        default=86400,
        ge=0,
        description="How long a rotated-out signing key stays in the JWKS (seconds)",
    )
    oidc_discovery_url: str = Field(
        default="",
        description="Where relying parties (the portal) read the OIDC provider's discovery "
        "document; empty means felles' own, e.g. https://idporten.no/.well-known/"
        "openid-configuration for the real ID-porten",
    )

    # The access log's signed checkpoints (decision 0024). The Ed25519 signing key lives
    # outside the database: given here (PEM, PKCS#8), or else read from the key file, which is
    # generated once (mode 0600) when it does not exist.
    access_log_signing_key: SecretStr | None = Field(
        default=None, description="Ed25519 private key (PEM) for access-log checkpoints"
    )
    access_log_key_file: str = Field(
        default="./var/access-log-ed25519.pem",
        description="Where the checkpoint key is kept when not given in the environment",
    )
    # A signed checkpoint is made after every this many access-log entries (0: on demand only).
    access_log_checkpoint_every: int = Field(default=10_000, ge=0)

    @model_validator(mode="after")
    def _default_discovery_url(self) -> Settings:
        if not self.oidc_discovery_url:
            base = self.identity_base_url.rstrip("/")
            self.oidc_discovery_url = f"{base}/idporten/.well-known/openid-configuration"
        return self


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
