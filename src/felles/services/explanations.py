"""Rule explanations, stored once each (``svc_forklaring``), keyed by their content's SHA-256.

A decision's explanation is the rule system's computation tree: variables, parameters with
their values and law, inputs. For barnetrygd at birth it is the same for every child born in
the same month in the same area, and at about 11 kB it would otherwise be the largest part
of every decision row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, cast

import orjson
from sqlalchemy import Table
from sqlalchemy.orm import Session

from felles.kernel.clock import get_clock
from felles.kernel.setwise import insert_new
from felles.services.model import Forklaring

_TABLE = cast("Table", Forklaring.__table__)


def key_of(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def store(session: Session, contents: Sequence[Mapping[str, Any]]) -> list[str]:
    """Store each explanation unless it is stored already; their keys, in order."""
    keys: list[str] = []
    unique: dict[str, Mapping[str, Any]] = {}
    by_object: dict[int, str] = {}  # a batch shares explanation objects: hash each once
    for content in contents:
        key = by_object.get(id(content))
        if key is None:
            key = by_object[id(content)] = key_of(content)
        unique.setdefault(key, content)
        keys.append(key)
    if unique:
        now = get_clock().now()
        rows = [{"id": key, "content": dict(c), "created": now} for key, c in unique.items()]
        insert_new(session, _TABLE, rows, conflict=("id",), returning=("id",))
    return keys
