"""Fixtures for the mailbox's tests: people in Folkeregisteret and KRR, organisations,
senders' Maskinporten tokens and people's ID-porten logins, and readers of what was stored.

The HTTP tests run against an application with the blocks the mailbox needs (identity, the
mailbox's router, the kernel's problem handlers, the access log): the same parts
``felles.app.create_app`` mounts, without the blocks that are being built beside it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from felles.access.log.model import LogEntryRow
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow
from felles.mailbox.content import Content
from felles.mailbox.model import (
    Forsendelse,
    Innhold,
    Leveranse,
    StatusHendelse,
    Utskrift,
    Vedlegg,
)
from felles.mailbox.operations import Letter
from felles.registries.krr.operations import register_contact, reserve, set_digital_mailbox
from tests.identity.conftest import BASE, base_url, login  # noqa: F401 (fixtures)
from tests.registries.folkeregister.conftest import Register, seed_addresses
from tests.sharing.conftest import Machines, register_org

NAV = "889640782"
DIGIPOST = "984661185"
CORRESPONDENCE = "/correspondence/api/v1/correspondence"
WRITE = "altinn:correspondence.write"
READ = "altinn:correspondence.read"


def build_app(database: Database) -> FastAPI:
    """The application parts the mailbox's API needs, mounted as ``felles.app`` does."""
    from felles import __version__
    from felles.access.log.registry_reads import record_registry_reads
    from felles.identity.api import router as identity_router
    from felles.identity.tokens import app_validator
    from felles.kernel.web import RefuseNul, install_access_log, install_problem_handlers
    from felles.mailbox.api import router as correspondence_router

    app = FastAPI(title="felles", version=__version__, dependencies=[RefuseNul])
    app.state.database = database
    app.state.token_validator = app_validator
    app.state.release_recorder = record_registry_reads
    install_problem_handlers(app)
    install_access_log(app)
    app.include_router(identity_router)
    app.include_router(correspondence_router)
    return app


@pytest.fixture
def app_client(database: Database) -> Iterator[TestClient]:
    with TestClient(build_app(database), base_url=BASE) as test_client:
        yield test_client


@pytest.fixture
def machines(app_client: TestClient) -> Machines:
    return Machines(app_client)


@dataclass
class People:
    """People in Folkeregisteret with what KRR says about them."""

    database: Database
    register: Register

    def person(self, **values: Any) -> str:
        return self.register.person(**values)

    def digital(self, *, spraak: str = "nb", **values: Any) -> str:
        """Registered in KRR, not reserved, no digital mailbox: the felles inbox."""
        ident = self.person(**values)
        self.register.run(
            register_contact,
            personidentifikator=ident,
            epostadresse="kari@example.com",
            spraak=spraak,
        )
        return ident

    def reserved(self, **values: Any) -> str:
        ident = self.person(**values)
        self.register.run(reserve, personidentifikator=ident)
        return ident

    def with_provider(self, **values: Any) -> str:
        ident = self.digital(**values)
        self.register.run(
            set_digital_mailbox,
            personidentifikator=ident,
            postkasseadresse="kari.nordmann#1234",
            leverandoer_orgnr=DIGIPOST,
        )
        return ident


@pytest.fixture
def people(database: Database, clock: SimulatedClock) -> People:
    seed_addresses(database)
    return People(database, Register(database, clock))


@pytest.fixture
def organisation(database: Database) -> str:
    return register_org(database, navn="Fjellbekk Bakeri AS", form="AS")


def letter(recipient: str, **values: Any) -> Letter:
    """A letter from NAV in bokmål and nynorsk; ``values`` override."""
    defaults: dict[str, Any] = {
        "sender_orgnr": NAV,
        "recipient": recipient,
        "kind": "vedtak",
        "contents": (
            Content(
                "nb",
                "Vedtak om barnetrygd",
                "# Hva vi har bestemt\nDu får barnetrygd.\n\n- fra juni\n- til mai",
                "Du får barnetrygd",
            ),
            Content("nn", "Vedtak om barnetrygd", "# Kva vi har bestemt\nDu får barnetrygd."),
        ),
    }
    return Letter(**(defaults | values))


def due_in(days: int) -> datetime:
    return datetime(2025, 6, 1, 12, 0, tzinfo=UTC) + timedelta(days=days)


def body(recipient: str, **correspondence: Any) -> dict[str, Any]:
    """An initialize request body (Altinn's JSON) for ``recipient`` (a URN or a number)."""
    item: dict[str, Any] = {
        "resourceId": "felles-digital-post",
        "sendersReference": "sak-123",
        "kind": "informasjon",
        "content": {
            "language": "nb",
            "messageTitle": "Informasjon om barnehageplass",
            "messageSummary": "Du har fått plass",
            "messageBody": (
                "Du har fått plass i barnehagen.\n\n| Barnehage | Fra |\n| Solsikken | august |"
            ),
        },
        "contentVariants": [
            {
                "language": "en",
                "messageTitle": "About your kindergarten place",
                "messageBody": "You have been offered a place.",
            }
        ],
    }
    item |= correspondence
    urn = recipient if recipient.startswith("urn:") else _urn(recipient)
    return {"correspondence": item, "recipients": [urn]}


def _urn(ident: str) -> str:
    kind = "organization" if len(ident) == 9 else "person"
    return f"urn:altinn:{kind}:identifier-no:{ident}"


def snapshot(database: Database) -> tuple[int, ...]:
    """Counts that anything the mailbox writes would change: its tables, its events, the
    access log (logins and tokens write events of their own, which are not counted)."""
    with database.read_session() as session:
        counts = [
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (
                Forsendelse,
                Innhold,
                StatusHendelse,
                Vedlegg,
                Utskrift,
                Leveranse,
                LogEntryRow,
            )
        ]
        events = select(func.count()).where(OutboxRow.type.like("no.altinn.correspondence.%"))
        counts.append(session.scalar(events) or 0)
        return tuple(counts)


def rows(database: Database, model: Any, **where: Any) -> list[Any]:
    with database.read_session() as session:
        found = list(session.scalars(select(model).filter_by(**where)))
        session.expunge_all()
        return found


def event_types(database: Database, prefix: str = "no.altinn.correspondence.") -> list[str]:
    with database.read_session() as session:
        query = select(OutboxRow.type).where(OutboxRow.type.like(f"{prefix}%"))
        return list(session.scalars(query.order_by(OutboxRow.seq)))


def log_entries(database: Database) -> list[LogEntryRow]:
    with database.read_session() as session:
        found = list(session.scalars(select(LogEntryRow).order_by(LogEntryRow.sekvensnummer)))
        session.expunge_all()
        return found


def pdf_text(pdf: bytes) -> str:
    """The text a PDF shows (fpdf2's core-font strings), from its content streams."""
    texts: list[str] = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            raw = zlib.decompress(stream)
        except zlib.error:
            raw = stream
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", raw):
            texts.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1"))
    return "\n".join(texts)
