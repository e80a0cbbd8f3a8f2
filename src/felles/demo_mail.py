"""The demo's mail catcher: a real SMTP server on this machine that keeps each message it is
given as an ``.eml`` file, so ``felles demo`` can show the notifications it sends.

It accepts mail for any address and relays nothing. Each message is written whole to a
temporary name and then renamed, so a reader never sees half a message; the files are
numbered in the order they came (``000001-<time>.eml``). The From, To and Subject are in
the file as sent: the demo's people are synthetic, and a notification carries no more than
the greeting's name (decision 0035).
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any, Final, Self

from aiosmtpd.controller import Controller

HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8025
DEFAULT_DIRECTORY: Final = Path("var/demo-mail")


class EmlDirectory:
    """An aiosmtpd handler: each message's bytes as ``NNNNNN-<time>.eml`` in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        existing = [_number(path) for path in self.directory.glob("*.eml")]
        self._numbers = itertools.count(max(existing, default=0) + 1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self._lock:
            number = next(self._numbers)
        # The wall clock: when the message came here (its Date header is the sender's clock,
        # in the demo the simulated day).
        stamp = time.strftime("%Y%m%dT%H%M%S")
        final = self.directory / f"{number:06d}-{stamp}.eml"
        partial = final.with_suffix(".part")
        content = envelope.content
        partial.write_bytes(content if isinstance(content, bytes) else content.encode())
        os.replace(partial, final)
        return "250 Message accepted for delivery"


def _number(path: Path) -> int:
    head = path.name.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def free_port(host: str = HOST) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


class MailCatcher:
    """The SMTP server on ``HOST``: ``start()`` (on ``port``, or a free one when it is taken
    and ``fallback``), ``count()``, ``stop()``; also a context manager."""

    def __init__(
        self,
        directory: Path = DEFAULT_DIRECTORY,
        port: int = DEFAULT_PORT,
        *,
        fallback: bool = True,
    ) -> None:
        self.directory = directory
        self.port = port
        self.fallback = fallback
        self._controller: Controller | None = None

    def start(self) -> Self:
        if not port_is_free(self.port):
            if not self.fallback:
                raise OSError(f"port {self.port} on {HOST} is taken")
            self.port = free_port()
        # aiosmtpd logs every connection at INFO on "mail.log"; the demo's console is for people.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller = Controller(EmlDirectory(self.directory), hostname=HOST, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def messages(self) -> list[Path]:
        """The caught messages, oldest first."""
        return sorted(self.directory.glob("*.eml"))

    def count(self) -> int:
        return len(self.messages())

    def environment(self) -> dict[str, str]:
        """The settings that send ``felles.mailbox.notifications``' e-mail here."""
        return smtp_environment(self.port)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def smtp_environment(port: int, host: str = HOST) -> dict[str, str]:
    """``FELLES_SMTP_*`` for a local catcher: plain SMTP, no login."""
    return {
        "FELLES_SMTP_HOST": host,
        "FELLES_SMTP_PORT": str(port),
        "FELLES_SMTP_STARTTLS": "false",
        "FELLES_SMTP_USERNAME": "",
        "FELLES_SMTP_PASSWORD": "",
    }
