"""Roles (roller): who leads, sits on the board of, audits or keeps the books of an entity.

``set_roles`` replaces an entity's roles with the list given, as a coordinated registration
message (samordnet registermelding) does: roles that stay keep their registration date,
roles that go are removed, new ones are added with today's date. A role is held by a person
from Folkeregisteret (who must exist and be alive; read through its public queries) or by
another main entity that is not deleted (an audit firm, an accounting firm, a partner).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import delete

from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.ids import InvalidIdentifier, parse_person_identifier
from felles.registries.enhetsregisteret import events, queries, reference
from felles.registries.enhetsregisteret.model import Enhet, Rolle
from felles.registries.enhetsregisteret.operations.common import (
    checked_orgnr,
    main_entity_or_raise,
    today,
)
from felles.registries.folkeregister import queries as folkeregister

MAX_ROLLER: Final = 100
#: Role types an entity may have only one of.
ENESTE: Final = frozenset({"DAGL", "LEDE", "NEST", "INNH", "REVI", "REGN", "FFØR", "REPR"})
#: Role types that only entities of these organisation forms have.
BARE_FOR: Final = {
    "INNH": frozenset({"ENK"}),
    "DTSO": frozenset({"ANS"}),
    "DTPR": frozenset({"DA"}),
    "KOMP": frozenset({"KS"}),
    "REPR": frozenset({"NUF"}),
}


@dataclass(frozen=True, slots=True)
class RolleInput:
    """One role: its type code and its holder, a person (``person``) or a unit (``enhet``)."""

    rolletype: str
    person: str | None = None  # fødselsnummer or D-nummer
    enhet: str | None = None  # organisasjonsnummer


@dataclass(frozen=True, slots=True)
class _Checked:
    rolletype: reference.Rolletype
    person_ident: str | None
    rolle_orgnr: str | None
    rekkefolge: int

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.rolletype.kode, self.person_ident, self.rolle_orgnr)


def _person_ident(uow: UnitOfWork, value: str, where: str) -> str:
    try:
        ident = parse_person_identifier(value).value
    except InvalidIdentifier as error:
        raise InvalidInput(f"{where}.person: {error.message}", reason=error.reason) from None
    person = folkeregister.get_person(uow.session, ident=ident)
    if person is None:
        raise NotFound(f"{where}.person: no person with this identifier in Folkeregisteret")
    if person.doedsdato is not None or person.status == "doed":
        raise Conflict(f"{where}.person is registered as dead in Folkeregisteret")
    return person.ident  # the current number, also when a former one was given


def check_roles(
    uow: UnitOfWork, enhet_orgnr: str, organisasjonsform: str, roller: Sequence[RolleInput]
) -> list[_Checked]:
    """Every role checked against the reference data and the registers; nothing written."""
    if len(roller) > MAX_ROLLER:
        raise InvalidInput(f"at most {MAX_ROLLER} roles per entity")
    types = reference.rolletyper()
    checked: list[_Checked] = []
    for index, rolle in enumerate(roller):
        where = f"roller[{index}]"
        rolletype = types.get(rolle.rolletype)
        if rolletype is None:
            known = ", ".join(sorted(types))
            raise InvalidInput(f"{where}.rolletype: unknown code; known: {known}")
        allowed = BARE_FOR.get(rolletype.kode)
        if allowed is not None and organisasjonsform not in allowed:
            raise InvalidInput(
                f"{where}: {rolletype.kode} is a role of {', '.join(sorted(allowed))} only"
            )
        if (rolle.person is None) == (rolle.enhet is None):
            raise InvalidInput(f"{where}: give either person or enhet as the holder")
        person_ident = rolle_orgnr = None
        if rolle.person is not None:
            person_ident = _person_ident(uow, rolle.person, where)
        else:
            assert rolle.enhet is not None
            if rolletype.innehaver == "person":
                raise InvalidInput(f"{where}: {rolletype.kode} must be held by a person")
            rolle_orgnr = checked_orgnr(rolle.enhet, field=f"{where}.enhet")
            if rolle_orgnr == enhet_orgnr:
                raise InvalidInput(f"{where}: an entity cannot hold a role in itself")
            main_entity_or_raise(uow, rolle_orgnr, role=f"{where}.enhet")
        checked.append(_Checked(rolletype, person_ident, rolle_orgnr, index))
    _check_combinations(checked)
    return checked


def _check_combinations(checked: Sequence[_Checked]) -> None:
    seen: set[tuple[str, str | None, str | None]] = set()
    counts: dict[str, int] = {}
    for role in checked:
        if role.key in seen:
            raise InvalidInput(f"the same {role.rolletype.kode} role is given twice")
        seen.add(role.key)
        counts[role.rolletype.kode] = counts.get(role.rolletype.kode, 0) + 1
    for kode, count in counts.items():
        if kode in ENESTE and count > 1:
            raise InvalidInput(f"an entity has at most one {kode}")


def write_roles(uow: UnitOfWork, enhet: Enhet, checked: Sequence[_Checked]) -> bool:
    """Make the entity's roles ``checked``; True when anything changed."""
    existing = queries.roles_of(uow.session, enhet_id=enhet.id)
    wanted = {role.key: role for role in checked}
    kept: set[tuple[str, str | None, str | None]] = set()
    changed = False
    for row in existing:
        key = (row.rolletype, row.person_ident, row.rolle_orgnr)
        role = wanted.get(key)
        if role is None or key in kept:
            uow.session.execute(delete(Rolle).where(Rolle.id == row.id))
            changed = True
            continue
        kept.add(key)
        if row.rekkefolge != role.rekkefolge:
            row.rekkefolge = role.rekkefolge
            changed = True
    day: date = today()
    for key, role in wanted.items():
        if key in kept:
            continue
        uow.session.add(
            Rolle(
                enhet_id=enhet.id,
                rollegruppe=role.rolletype.rollegruppe,
                rolletype=role.rolletype.kode,
                person_ident=role.person_ident,
                rolle_orgnr=role.rolle_orgnr,
                rekkefolge=role.rekkefolge,
                registrert=day,
            )
        )
        changed = True
    return changed


def emit_roles_changed(uow: UnitOfWork, enhet: Enhet, checked: Sequence[_Checked]) -> None:
    events.emit(
        uow,
        name=events.ROLLER_ENDRET,
        organisasjonsnummer=enhet.organisasjonsnummer,
        rolletyper=sorted({role.rolletype.kode for role in checked}),
        antallRoller=len(checked),
    )


def set_roles(uow: UnitOfWork, *, orgnr: str, roller: Sequence[RolleInput]) -> Enhet:
    """Replace the roles of a main entity; Conflict when they are already exactly these."""
    enhet = main_entity_or_raise(uow, checked_orgnr(orgnr))
    checked = check_roles(uow, enhet.organisasjonsnummer, enhet.organisasjonsform, roller)
    if not write_roles(uow, enhet, checked):
        raise Conflict("the entity already has exactly these roles")
    uow.session.flush()
    emit_roles_changed(uow, enhet, checked)
    return enhet
