"""Settings of notifications, read from the environment with their own prefixes.

The kernel's settings belong to the kernel; this block reads its own: the SMTP server
(``FELLES_SMTP_*``) and the rest (``FELLES_NOTIFICATIONS_*``).
"""

from __future__ import annotations

from functools import cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmtpSettings(BaseSettings):
    """Where e-mail goes: ``FELLES_SMTP_HOST``, ``_PORT``, ``_USERNAME``, ``_PASSWORD``,
    ``_STARTTLS``, ``_TIMEOUT``."""

    model_config = SettingsConfigDict(env_prefix="FELLES_SMTP_", env_file=None, extra="ignore")

    host: str = Field(default="127.0.0.1", description="The SMTP server")
    port: int = Field(default=1025, ge=1, le=65535, description="Its port")
    username: str | None = Field(default=None, description="Log in with this user, if set")
    password: SecretStr | None = None
    starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS")
    timeout: float = Field(default=10.0, gt=0, description="Seconds before giving up")


class NotificationSettings(BaseSettings):
    """``FELLES_NOTIFICATIONS_FROM_ADDRESS``, ``_SMS_SENDER``, ``_PORTAL_URL``,
    ``_POLL_INTERVAL``."""

    model_config = SettingsConfigDict(
        env_prefix="FELLES_NOTIFICATIONS_", env_file=None, extra="ignore"
    )

    from_address: str = Field(
        default="ikke-svar@varsling.felles.example", description="The From of every e-mail"
    )
    sms_sender: str = Field(default="Felles", max_length=11, description="The SMS sender name")
    portal_url: str = Field(
        default="http://localhost:8000/", description="Where the default texts send people"
    )
    poll_interval: float = Field(default=1.0, gt=0, description="Seconds between idle rounds")


@cache
def smtp_settings() -> SmtpSettings:
    return SmtpSettings()


@cache
def notification_settings() -> NotificationSettings:
    return NotificationSettings()
