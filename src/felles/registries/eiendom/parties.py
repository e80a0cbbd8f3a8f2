"""Owners as the other registers know them: people in Folkeregisteret, entities in
Enhetsregisteret, read through those registers' public queries only (never their tables).

A person is found by a current or former fødselsnummer/D-nummer and stands under the
current one; an entity by its organisasjonsnummer. What property needs to know of them:
whether the person is dead, whether the entity is deleted (slettet). Neither may receive a
share; a dead person's shares leave by arv or skifte. Nor does a sub-unit (underenhet,
e.g. a shop of a chain): it is not a legal person, its main entity owns.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Final

from sqlalchemy.orm import Session

from felles.registries.eiendom.values import ENHET, PERSON, Hjemmelshaver, Hjemmelshavertype
from felles.registries.enhetsregisteret import queries as enhetsregisteret
from felles.registries.folkeregister import queries as folkeregister

_CHUNK: Final = folkeregister.MAX_BULK
_PARTS: Final = ("status", "doedsfall")


@dataclass(frozen=True, slots=True)
class Party:
    """An owner found in its register; ``ident`` is the current identifier."""

    ident: str
    type: Hjemmelshavertype
    dead: bool = False
    deleted: bool = False
    # A sub-unit (underenhet) is not a legal person: its main entity owns for it.
    underenhet: bool = False
    # A person's former identifiers: a share received under one of them is still theirs.
    former: tuple[str, ...] = ()

    @property
    def identifiers(self) -> tuple[str, ...]:
        return (self.ident, *self.former)


def _chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    it = iter(values)
    while chunk := list(islice(it, size)):
        yield chunk


def _identifiers(document: dict[str, Any], asked: str) -> tuple[str, tuple[str, ...]]:
    """The person's current identifier and the former ones (a D-nummer replaced, say)."""
    current, former = asked, []
    for version in document.get("identifikasjonsnummer", ()):
        if version.get("erGjeldende"):
            current = str(version["foedselsEllerDNummer"])
        else:
            former.append(str(version["foedselsEllerDNummer"]))
    return current, tuple(ident for ident in former if ident != current)


def _is_dead(document: dict[str, Any]) -> bool:
    if document.get("doedsfall"):
        return True
    return any(v.get("erGjeldende") and v.get("status") == "doed" for v in document["status"])


def _people(session: Session, idents: Sequence[str]) -> dict[str, Party]:
    found: dict[str, Party] = {}
    for chunk in _chunks(idents, _CHUNK):
        documents = folkeregister.get_documents(session, idents=chunk, parts=_PARTS)
        for ident, document in documents.items():
            if document is not None:
                current, former = _identifiers(document, ident)
                found[ident] = Party(current, PERSON, dead=_is_dead(document), former=former)
    return found


def _entities(session: Session, orgnrs: Sequence[str]) -> dict[str, Party]:
    if not orgnrs:
        return {}
    statuses = enhetsregisteret.units_status(session, orgnrs=orgnrs)
    return {
        orgnr: Party(
            status.organisasjonsnummer,
            ENHET,
            deleted=status.slettet,
            underenhet=status.er_underenhet,
        )
        for orgnr, status in statuses.items()
    }


def look_up(session: Session, owners: Collection[Hjemmelshaver]) -> dict[Hjemmelshaver, Party]:
    """The owners found in their registers (those not found are left out)."""
    people = sorted({o.ident for o in owners if o.type == PERSON})
    entities = sorted({o.ident for o in owners if o.type == ENHET})
    found_people = _people(session, people)
    found_entities = _entities(session, entities)
    result: dict[Hjemmelshaver, Party] = {}
    for owner in owners:
        party = (found_people if owner.type == PERSON else found_entities).get(owner.ident)
        if party is not None:
            result[owner] = party
    return result
