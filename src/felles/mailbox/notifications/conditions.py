"""Send conditions: before an order is sent, ask whether it should be (Altinn's
``conditionEndpoint``).

Two kinds:

* an http(s) URL, asked with ``GET`` when the order is due, answering
  ``{"sendNotification": true|false}`` (Altinn's contract);
* a condition registered in this process by another block, e.g. the mailbox's "only while
  the letter is not confirmed": ``register_condition(name, fn)``, where ``fn(session,
  argument)`` reads this database and returns True to send.

A condition that cannot be evaluated (no answer, not 200, not that JSON, an unknown name, an
exception) raises ``ConditionError``; the sender retries with backoff and, after the last
attempt, does not send (decision 0035: a reminder that may be wrong is worse than none).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Final
from urllib.parse import urlsplit

import httpx
import orjson
from sqlalchemy.orm import Session

from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput

#: ``fn(session, argument) -> send?``; the session is read-only.
Condition = Callable[[Session, str | None], bool]

LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
TIMEOUT: Final = 10.0

_registry: dict[str, Condition] = {}
_lock = threading.Lock()


class ConditionError(Exception):
    """The condition could not be evaluated; the message names why (never an answer body)."""


def register_condition(name: str, condition: Condition) -> None:
    """Make ``condition`` available to orders under ``name`` (re-registering replaces it)."""
    if not name or len(name) > 100:
        raise ValueError("a condition's name is 1 to 100 characters")
    with _lock:
        _registry[name] = condition


def unregister_condition(name: str) -> None:
    with _lock:
        _registry.pop(name, None)


def registered(name: str) -> bool:
    with _lock:
        return name in _registry


def check_endpoint(url: str) -> str:
    """An https URL, or http to this machine (tests, local services); else InvalidInput."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket
        host, parts = "", urlsplit("")
    if parts.scheme == "https" and host:
        return url
    if parts.scheme == "http" and host in LOCAL_HOSTS:
        return url
    raise InvalidInput("conditionEndpoint must be an https URL (or http to 127.0.0.1 or localhost)")


def _ask_endpoint(http: httpx.Client, url: str) -> bool:
    try:
        response = http.get(url, timeout=TIMEOUT, headers={"Accept": "application/json"})
    except httpx.HTTPError as error:
        raise ConditionError(type(error).__name__) from error
    if response.status_code != 200:
        raise ConditionError(f"HTTP {response.status_code}")
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError as error:
        raise ConditionError("not JSON") from error
    answer = body.get("sendNotification") if isinstance(body, dict) else None
    if not isinstance(answer, bool):
        raise ConditionError("no boolean sendNotification")
    return answer


def _ask_registered(database: Database, name: str, argument: str | None) -> bool:
    with _lock:
        condition = _registry.get(name)
    if condition is None:
        raise ConditionError("unknown condition")
    try:
        with database.read_session() as session:
            answer = condition(session, argument)
    except Exception as error:  # a failing condition is retried, never a crash of the sender
        raise ConditionError(type(error).__name__) from error
    if not isinstance(answer, bool):
        raise ConditionError("the condition did not answer True or False")
    return answer


def should_send(
    database: Database,
    http: httpx.Client,
    *,
    endpoint: str | None,
    name: str | None,
    argument: str | None,
) -> bool:
    """True when there is no condition or it says send; ConditionError when it cannot tell."""
    if name is not None:
        return _ask_registered(database, name, argument)
    if endpoint is not None:
        return _ask_endpoint(http, endpoint)
    return True
