"""What the person products share: declaring one, loading it in batches, and resolving people.

A product about a person is personal data, owned by its registry's agency, and loaded in
batches of at most ``BATCH`` subjects (``person_product``). A-ordningen, Skatteetaten and
Grunnboken keep data under the identity number that was current when it was registered, and
KRR may hold a registration under a former number, so their loaders resolve each subject to
every number Folkeregisteret knows for the person (``person_idents``), read all of them at
once (``all_idents``) and gather each person's rows again (``gather``).

Also here: the day an instant falls on, how the registries' APIs write an instant, and the
texts and JSON schema pieces the declarations use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final, NamedTuple, TypeVar

from sqlalchemy.orm import Session

from felles.registries.folkeregister import queries
from felles.sharing.product import Loader, Product, ProductField, Texts

T = TypeVar("T")

#: Subjects per batch: the registries' bulk reads take at most this many at once.
BATCH: Final = queries.MAX_BULK

Values = dict[str, dict[str, Any]]
ChunkLoader = Callable[[Session, list[str], datetime], Values]

IDENT: Final = {"type": "string", "pattern": r"^\d{11}$"}
DATE: Final = {"type": "string", "format": "date"}
INSTANT: Final = {"type": "string", "format": "date-time"}


class Owner(NamedTuple):
    """The agency that owns a registry's products."""

    orgnr: str
    name: str


# ------------------------------------------------------------------------------------------
# Declaring
# ------------------------------------------------------------------------------------------


def person_product(
    *,
    owner: Owner,
    name: str,
    version: str,
    title: Texts,
    description: Texts,
    fields: tuple[ProductField, ...],
    load: ChunkLoader,
    changed_by: tuple[str, ...],
) -> Product:
    """A personal-data product about a person, loaded by ``load`` in batches (``in_batches``)."""
    return Product(
        name=name,
        version=version,
        title=title,
        description=description,
        owner_orgnr=owner.orgnr,
        owner_name=owner.name,
        subject="person",
        sensitivity="personal",
        fields=fields,
        load=in_batches(load),
        changed_by=changed_by,
    )


def texts(nb: str, nn: str, en: str) -> dict[str, str]:
    return {"nb": nb, "nn": nn, "en": en}


def nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` that also allows null (its ``type`` widened)."""
    return {**schema, "type": [schema["type"], "null"]}


# ------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------


def in_batches(load: ChunkLoader) -> Loader:
    """A loader that runs ``load`` on the distinct subjects, at most ``BATCH`` at a time."""

    def loader(
        session: Session, subjects: Sequence[str], at: datetime
    ) -> Mapping[str, Mapping[str, Any]]:
        distinct = list(dict.fromkeys(subjects))
        result: Values = {}
        for start in range(0, len(distinct), BATCH):
            result.update(load(session, distinct[start : start + BATCH], at))
        return result

    return loader


def day_of(at: datetime) -> date:
    """The day (UTC, as the clock counts days) of an instant; a naive instant is UTC."""
    return at.astimezone(UTC).date() if at.tzinfo is not None else at.date()


def instant_text(value: datetime) -> str:
    """An instant as the registries' APIs write it: UTC, with ``Z``. A naive one is UTC (as
    SQLite gives stored times back)."""
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return utc.isoformat().replace("+00:00", "Z")


def person_idents(session: Session, subjects: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Every identity number of each subject Folkeregisteret knows (current first), in the
    order of ``subjects``; one query."""
    found = queries.person_idents(session, idents=subjects)
    return {subject: found[subject] for subject in subjects if subject in found}


def all_idents(idents: Mapping[str, tuple[str, ...]]) -> set[str]:
    """Every number of every person in a ``person_idents`` answer."""
    return {number for numbers in idents.values() for number in numbers}


def gather(
    idents: Mapping[str, tuple[str, ...]], found: Mapping[str, Iterable[T]]
) -> dict[str, list[T]]:
    """Each person's rows from ``found`` (rows by identity number), over every number of
    theirs in ``idents`` (a ``person_idents`` answer), in the order of their numbers."""
    return {
        subject: [row for number in numbers for row in found.get(number, ())]
        for subject, numbers in idents.items()
    }
