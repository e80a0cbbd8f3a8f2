"""Settings read from the environment (prefix ``FELLES_``), one object for the whole process."""

from __future__ import annotations

from functools import cache

from pydantic import Field, SecretStr
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


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
