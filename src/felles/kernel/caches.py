"""Process-wide caches of slow-changing facts (signing keys, consumers' organisation form,
validated tokens), and one switch that empties them all.

Each cache keeps its entries for a short time and says so where it is defined. A test that
empties the database between tests calls ``clear_all``, so that no fact outlives the rows
it was read from.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

M = TypeVar("M", bound=MutableMapping[Any, Any])

_caches: list[MutableMapping[Any, Any]] = []
_clearers: list[Callable[[], None]] = []


def database_key(session: Session) -> str:
    """What tells one database from another in a cache key: the URL the session is bound to."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    key = _keys.get(engine)
    if key is None:
        key = _keys[engine] = str(engine.url)  # rendered once: it costs more than a lookup
    return key


_keys: WeakKeyDictionary[Engine, str] = WeakKeyDictionary()


def registered(cache: M) -> M:
    """Register a dict-like cache to be emptied by ``clear_all``; returns it."""
    _caches.append(cache)
    return cache


def on_clear(clear: Callable[[], None]) -> None:
    """Register a function that empties a cache of another shape."""
    _clearers.append(clear)


def clear_all() -> None:
    """Empty every registered cache."""
    for cache in _caches:
        cache.clear()
    for clear in _clearers:
        clear()
