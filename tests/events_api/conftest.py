"""Fixtures for event subscriptions: the application with the router mounted, organisations'
Maskinporten tokens, and a real HTTP receiver on 127.0.0.1 in a thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from felles.kernel.db import Database
from felles.subscriptions.api import PREFIX
from felles.subscriptions.api import router as events_router
from tests.identity.conftest import BASE
from tests.identity.conftest import base_url as base_url
from tests.sharing.conftest import Machines


@pytest.fixture
def app_client(database: Database) -> Iterator[TestClient]:
    """The whole application, with the events router mounted if the app does not yet."""
    from felles.app import create_app

    app = create_app(database=database)
    if not any(getattr(route, "path", "").startswith(PREFIX) for route in app.routes):
        app.include_router(events_router)
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


@pytest.fixture
def machines(app_client: TestClient) -> Machines:
    return Machines(app_client)


@dataclass
class Receiver:
    """What a subscriber's endpoint got; ``statuses`` are answered in turn (then 200)."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    always: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def types(self) -> list[str]:
        with self.lock:
            return [event["type"] for event in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with state.lock:
                state.received.append(body)
                state.content_types.append(self.headers.get("Content-Type") or "")
                if state.always is not None:
                    status = state.always
                else:
                    status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hendelser"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
