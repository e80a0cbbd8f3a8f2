"""Process logging with a last line of defence against personal data.

Code must not log personal data in the first place (decision 0007). As a safety net, every
record passes a filter that masks anything shaped like an identity number (11 digits) or an
e-mail address before any handler sees it.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

_IDENTITY_NUMBER = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
MASK = "***********"


def redact(text: str) -> str:
    """``text`` with identity numbers and e-mail addresses masked."""
    return _EMAIL.sub("***@***", _IDENTITY_NUMBER.sub(MASK, text))


class RedactingFilter(logging.Filter):
    """Masks personal identifiers in the rendered message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        for key in ("exc_text",):
            value: Any = getattr(record, key, None)
            if isinstance(value, str):
                setattr(record, key, redact(value))
        return True


class CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is emitted, not the stream it was at
    set-up: tools and test runners replace and close stderr, and a handler holding the old
    one would fail on every record after that."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr with timestamps; every handler gets the redacting filter."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[CurrentStderrHandler()],
        force=True,
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    # Alembic narrates every migration check at INFO; commands need only its warnings.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(RedactingFilter())
