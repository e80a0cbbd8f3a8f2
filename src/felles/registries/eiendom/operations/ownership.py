"""Grunnboken: the first registration of a unit's owners, and transfers of shares.

A unit's current owners hold exact shares that sum to 1. ``register_ownerships`` gives a
unit without owners its first owners (an ``etablering`` document); ``register_transfers``
registers a skjøte, an arv or a skifte that moves shares from some owners (``fra``) to
others (``til``), atomically: the shares given equal the shares received, so the sum stays 1.

Rules, as Grunnboken applies them:

* a giver must hold the share given (a giver's share left out means all of it);
* nobody dead, no entity deleted from Enhetsregisteret and no sub-unit (underenhet: not a
  legal person) receives a share;
* a skjøte is signed by living owners: a dead person's shares leave by arv or skifte;
* an arv passes only a deceased person's shares (a skifte may be the estate's or, after a
  divorce, a living couple's);
* documents of a unit are registered in date order: one dated before the unit's newest
  document is refused.

History is kept, never overwritten: a changed share ends its row (``til_dokument_id``,
``gyldig_til``) and a new row starts with the new share, so every owner's shares from when to
when can be read back (``queries.owner_history``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, cast

from sqlalchemy import Table

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.setwise import insert_many, update_many
from felles.registries.eiendom import events, parties, queries
from felles.registries.eiendom.model import Dokument, Hjemmel, Matrikkelenhet
from felles.registries.eiendom.operations.common import (
    check_not_future,
    lock_units,
    touch_units,
    unit_or_raise,
)
from felles.registries.eiendom.values import (
    ARV,
    ETABLERING,
    MAX_NEVNER,
    MAX_VEDERLAG,
    OVERDRAGELSESTYPER,
    PERSON,
    SKJOETE,
    Hjemmelshaver,
    Hjemmelshavertype,
    Matrikkelnummer,
    andel_json,
    parse_hjemmelshaver,
)

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

_hjemmel = cast("Table", Hjemmel.__table__)
MAX_PARTIES: Final = 100


# ------------------------------------------------------------------------------ values


@dataclass(frozen=True, slots=True)
class Andel:
    """A party of a document and its share (for a giver, None means its whole share)."""

    hjemmelshaver: str
    andel: Fraction | None = None


@dataclass(frozen=True, slots=True)
class Ownership:
    """A unit's first owners (an etablering); their shares must sum to exactly 1."""

    matrikkelnummer: Matrikkelnummer
    hjemmelshavere: tuple[Andel, ...]
    dato: date


@dataclass(frozen=True, slots=True)
class Transfer:
    """A skjøte, arv or skifte: shares move from ``fra`` to ``til`` on ``dato``."""

    matrikkelnummer: Matrikkelnummer
    dokumenttype: str
    dato: date
    fra: tuple[Andel, ...]
    til: tuple[Andel, ...]
    vederlag: int | None = None


@dataclass(frozen=True, slots=True)
class Part:
    """A party as registered: its current identifier, type and share."""

    hjemmelshaver: str
    hjemmelshavertype: Hjemmelshavertype
    andel: Fraction

    def as_json(self) -> dict[str, Any]:
        return {
            "identifikasjonsnummer": self.hjemmelshaver,
            "hjemmelshavertype": self.hjemmelshavertype,
            "andel": andel_json(self.andel),
        }


@dataclass(frozen=True, slots=True)
class Tinglyst:
    """A registered document and the unit's owners after it (largest share first)."""

    dokumentnummer: int
    dokumenttype: str
    dato: date
    vederlag: int | None
    matrikkelnummer: Matrikkelnummer
    fra: tuple[Part, ...]
    til: tuple[Part, ...]
    hjemmelshavere: tuple[Part, ...]

    def dokument_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "dokumentnummer": self.dokumentnummer,
            "dokumenttype": self.dokumenttype,
            "dato": self.dato.isoformat(),
        }
        if self.vederlag is not None:
            document["vederlag"] = self.vederlag
        return document


# ------------------------------------------------------------------------ input checks


@dataclass(frozen=True, slots=True)
class _Named:
    """A party as given: its role in the request, identifier and share."""

    role: str
    owner: Hjemmelshaver
    andel: Fraction | None


def _check_andel(value: Fraction | int, *, role: str) -> Fraction:
    if isinstance(value, int) and not isinstance(value, bool):
        value = Fraction(value)
    if not isinstance(value, Fraction) or not 0 < value <= 1:
        raise InvalidInput(f"{role}: andel must be above 0 and at most 1")
    if value.denominator > MAX_NEVNER:
        raise InvalidInput(f"{role}: andel's nevner must be at most {MAX_NEVNER}")
    return value


def _named(side: str, given: Sequence[Andel], *, share_required: bool) -> list[_Named]:
    if not given:
        raise InvalidInput(f"{side} must name at least one hjemmelshaver")
    if len(given) > MAX_PARTIES:
        raise InvalidInput(f"{side} may name at most {MAX_PARTIES} hjemmelshavere")
    named = []
    for position, party in enumerate(given):
        role = f"{side}[{position}]"
        owner = parse_hjemmelshaver(party.hjemmelshaver, field=role)
        if party.andel is None:
            if share_required:
                raise InvalidInput(f"{role}: andel is required")
            named.append(_Named(role, owner, None))
        else:
            named.append(_Named(role, owner, _check_andel(party.andel, role=role)))
    return named


def _refuse_repeats(named: Sequence[_Named]) -> None:
    seen: set[str] = set()
    for party in named:
        if party.owner.ident in seen:
            raise InvalidInput(f"{party.role}: the same hjemmelshaver is named twice")
        seen.add(party.owner.ident)


def _total(named: Sequence[_Named]) -> Fraction:
    return sum((party.andel or Fraction(0) for party in named), Fraction(0))


@dataclass(frozen=True, slots=True)
class _Checked:
    number: Matrikkelnummer
    fra: list[_Named]
    til: list[_Named]


def _check_ownership(item: Ownership) -> _Checked:
    number = item.matrikkelnummer.checked()
    check_not_future(item.dato, field="dato")
    til = _named("hjemmelshavere", item.hjemmelshavere, share_required=True)
    _refuse_repeats(til)
    total = _total(til)
    if total != 1:
        raise InvalidInput(f"The shares of a unit's owners must sum to 1; these sum to {total}")
    return _Checked(number, [], til)


def _check_transfer(item: Transfer) -> _Checked:
    number = item.matrikkelnummer.checked()
    if item.dokumenttype not in OVERDRAGELSESTYPER:
        raise InvalidInput(f"dokumenttype must be one of {', '.join(OVERDRAGELSESTYPER)}")
    check_not_future(item.dato, field="dato")
    if item.vederlag is not None and not 0 <= item.vederlag <= MAX_VEDERLAG:
        raise InvalidInput(f"vederlag must be 0-{MAX_VEDERLAG} NOK")
    fra = _named("fra", item.fra, share_required=False)
    til = _named("til", item.til, share_required=True)
    _refuse_repeats([*fra, *til])
    if all(party.andel is not None for party in fra) and _total(fra) != _total(til):
        raise InvalidInput(
            f"The shares received ({_total(til)}) must equal the shares given ({_total(fra)})"
        )
    return _Checked(number, fra, til)


# --------------------------------------------------------------------- the register


@dataclass
class _State:
    """What a batch read under the row locks: units, their owners, parties, last dates."""

    units: dict[Matrikkelnummer, Matrikkelenhet]
    owners: dict[int, list[queries.Eierandel]]
    last_dates: dict[int, date]
    found: dict[Hjemmelshaver, parties.Party]


def _read_state(uow: UnitOfWork, checked: Sequence[_Checked]) -> _State:
    session = uow.session
    units = lock_units(session, {c.number for c in checked})
    ids = [unit.id for unit in units.values()]
    named = {party.owner for c in checked for party in (*c.fra, *c.til)}
    return _State(
        units=units,
        owners=queries.current_owners(session, unit_ids=ids),
        last_dates=queries.last_document_dates(session, unit_ids=ids),
        found=parties.look_up(session, named),
    )


def _party(state: _State, named: _Named) -> parties.Party:
    party = state.found.get(named.owner)
    if party is None:
        what = (
            "no person is registered with this identifikasjonsnummer"
            if named.owner.type == PERSON
            else "no entity is registered with this organisasjonsnummer"
        )
        raise NotFound(f"{named.role}: {what}")
    return party


def _check_receiver(named: _Named, party: parties.Party) -> None:
    if party.dead:
        raise Conflict(f"{named.role} is registered as dead and cannot receive a share")
    if party.deleted:
        raise Conflict(f"{named.role} is deleted from Enhetsregisteret and cannot receive a share")
    if party.underenhet:
        raise Conflict(
            f"{named.role} is an underenhet, not a legal person; its hovedenhet holds the share"
        )


def _check_date(dato: date, unit: Matrikkelenhet, state: _State) -> None:
    last = state.last_dates.get(unit.id)
    if last is not None and dato < last:
        raise Conflict(f"dato is before the unit's newest registered document ({last})")


@dataclass
class _Plan:
    """What one accepted item writes."""

    unit: Matrikkelenhet
    number: Matrikkelnummer
    dokumenttype: str
    dato: date
    vederlag: int | None
    fra: tuple[Part, ...]
    til: tuple[Part, ...]
    ended: list[int] = field(default_factory=list)
    started: list[Part] = field(default_factory=list)
    owners_after: tuple[Part, ...] = ()


def _by_size(parts: Sequence[Part]) -> tuple[Part, ...]:
    return tuple(sorted(parts, key=lambda p: (-p.andel, p.hjemmelshaver)))


def _plan_shares(plan: _Plan, current: Sequence[queries.Eierandel], stored: dict[str, str]) -> None:
    """Fill in the rows ``plan`` ends and starts.

    ``stored`` maps a party's current identifier to the one its share is stored under,
    when that is another (a former identifier); the new row takes the current one.
    """
    held = {share.hjemmelshaver: share for share in current}
    new: dict[str, tuple[Hjemmelshavertype, Fraction]] = {}

    def holding(part: Part) -> queries.Eierandel | None:
        return held.get(stored.get(part.hjemmelshaver, part.hjemmelshaver))

    for part in plan.fra:
        share = holding(part)
        assert share is not None  # checked by the caller
        plan.ended.append(share.id)
        new[part.hjemmelshaver] = (part.hjemmelshavertype, share.andel - part.andel)
    for part in plan.til:
        share = holding(part)
        base = Fraction(0)
        if share is not None:
            plan.ended.append(share.id)
            base = share.andel
        new[part.hjemmelshaver] = (part.hjemmelshavertype, base + part.andel)
    ended = set(plan.ended)
    after = [
        Part(s.hjemmelshaver, s.hjemmelshavertype, s.andel) for s in current if s.id not in ended
    ]
    for ident, (kind, amount) in new.items():
        if amount > 0:
            if amount.denominator > MAX_NEVNER:
                raise InvalidInput(
                    f"The share that would result ({amount}) has a nevner above {MAX_NEVNER}"
                )
            plan.started.append(Part(ident, kind, amount))
    after.extend(plan.started)
    total = sum((part.andel for part in after), Fraction(0))
    if total != 1:  # an invariant, not a check: the operations keep it
        raise AssertionError(f"the shares of {plan.number} would sum to {total}")
    plan.owners_after = _by_size(after)


def _plan_ownership(
    item: Ownership, checked: _Checked, state: _State, batch: Batch[Tinglyst], index: int
) -> _Plan:
    unit = unit_or_raise(state.units, checked.number)
    if state.owners.get(unit.id):
        raise Conflict(
            "The unit already has registered owners; move their shares by skjøte, arv or skifte"
        )
    _check_date(item.dato, unit, state)
    til = []
    for named in checked.til:
        party = _party(state, named)
        _check_receiver(named, party)
        assert named.andel is not None
        til.append(Part(party.ident, party.type, named.andel))
    _refuse_same_party(checked.til, til)
    plan = _Plan(unit, checked.number, ETABLERING, item.dato, None, (), tuple(til))
    _plan_shares(plan, [], {})
    batch.reserve([unit.id], what="The unit")
    return plan


def _refuse_same_party(named: Sequence[_Named], parts: Sequence[Part]) -> None:
    """Two identifiers given may be one person (a former and a current identifier)."""
    seen: set[str] = set()
    for one, part in zip(named, parts, strict=True):
        if part.hjemmelshaver in seen:
            raise InvalidInput(f"{one.role}: names a hjemmelshaver named before in the document")
        seen.add(part.hjemmelshaver)


def _plan_transfer(
    item: Transfer, checked: _Checked, state: _State, batch: Batch[Tinglyst], index: int
) -> _Plan:
    unit = unit_or_raise(state.units, checked.number)
    current = state.owners.get(unit.id, [])
    if not current:
        raise Conflict("The unit has no registered owners; register its first owners first")
    _check_date(item.dato, unit, state)
    held = {share.hjemmelshaver: share for share in current}
    stored: dict[str, str] = {}

    def holding(named: _Named, party: parties.Party) -> queries.Eierandel | None:
        for ident in (*party.identifiers, named.owner.ident):
            if ident in held:
                stored[party.ident] = ident
                return held[ident]
        return None

    fra: list[Part] = []
    for named in checked.fra:
        party = _party(state, named)
        share = holding(named, party)
        if share is None:
            raise Conflict(f"{named.role} holds no share of the unit")
        amount = share.andel if named.andel is None else named.andel
        if amount > share.andel:
            raise Conflict(f"{named.role} holds {share.andel} of the unit, less than {amount}")
        if item.dokumenttype == ARV and not (party.type == PERSON and party.dead):
            raise Conflict(
                f"{named.role} is not a deceased person; only a deceased person's shares "
                "pass by arv"
            )
        if item.dokumenttype == SKJOETE and party.dead:
            raise Conflict(
                f"{named.role} is registered as dead; a deceased person's shares pass by "
                "arv or skifte"
            )
        fra.append(Part(party.ident, party.type, amount))
    til: list[Part] = []
    for named in checked.til:
        party = _party(state, named)
        holding(named, party)
        _check_receiver(named, party)
        assert named.andel is not None
        til.append(Part(party.ident, party.type, named.andel))
    _refuse_same_party([*checked.fra, *checked.til], [*fra, *til])
    given_total = sum((p.andel for p in fra), Fraction(0))
    received_total = sum((p.andel for p in til), Fraction(0))
    if given_total != received_total:
        raise Conflict(
            f"The shares received ({received_total}) must equal the shares given ({given_total})"
        )
    plan = _Plan(
        unit, checked.number, item.dokumenttype, item.dato, item.vederlag, tuple(fra), tuple(til)
    )
    _plan_shares(plan, current, stored)
    batch.reserve([unit.id], what="The unit")
    return plan


# ----------------------------------------------------------------------------- writing


def _write(uow: UnitOfWork, plans: dict[int, _Plan], batch: Batch[Tinglyst]) -> None:
    """Write every plan with a few set-based statements, then emit the events."""
    session = uow.session
    now = get_clock().now()
    touch_units(session, [plan.unit for plan in plans.values()], now=now)
    documents = {
        index: Dokument(
            matrikkelenhet_id=plan.unit.id,
            dokumenttype=plan.dokumenttype,
            dato=plan.dato,
            vederlag=plan.vederlag,
            registrert=now,
        )
        for index, plan in plans.items()
    }
    session.add_all(documents.values())
    session.flush()
    ended = [
        {"id": hjemmel_id, "til_dokument_id": documents[index].id, "gyldig_til": plan.dato}
        for index, plan in plans.items()
        for hjemmel_id in plan.ended
    ]
    if ended:
        update_many(session, _hjemmel, keys=("id",), rows=ended)
    insert_many(
        session,
        _hjemmel,
        [
            {
                "matrikkelenhet_id": plan.unit.id,
                "hjemmelshaver": part.hjemmelshaver,
                "hjemmelshavertype": part.hjemmelshavertype,
                "teller": part.andel.numerator,
                "nevner": part.andel.denominator,
                "fra_dokument_id": documents[index].id,
                "til_dokument_id": None,
                "gyldig_fra": plan.dato,
                "gyldig_til": None,
            }
            for index, plan in plans.items()
            for part in plan.started
        ],
    )
    for index, plan in plans.items():
        result = Tinglyst(
            dokumentnummer=documents[index].id,
            dokumenttype=plan.dokumenttype,
            dato=plan.dato,
            vederlag=plan.vederlag,
            matrikkelnummer=plan.number,
            fra=plan.fra,
            til=plan.til,
            hjemmelshavere=plan.owners_after,
        )
        batch.done(index, result)
        data: dict[str, Any] = {"dokument": result.dokument_json()}
        if plan.dokumenttype == ETABLERING:
            kind = events.HJEMMEL_ETABLERT
        else:
            kind = events.EIERSKIFTE
            data["fra"] = [part.as_json() for part in plan.fra]
            data["til"] = [part.as_json() for part in plan.til]
        data["hjemmelshavere"] = [part.as_json() for part in plan.owners_after]
        events.emit(uow, type=kind, matrikkelnummer=plan.number, data=data)


# ---------------------------------------------------------------------------- commands


def register_ownerships(
    uow: UnitOfWork, *, ownerships: Sequence[Ownership]
) -> list[Tinglyst | Problem]:
    """Register many units' first owners; per unit the document or the ``Problem``.

    The units are row-locked in one statement; their owners and newest documents, and the
    people and entities named, are read in one statement each; the documents and the
    owners are written in one statement each.
    """
    batch: Batch[Tinglyst] = Batch(len(ownerships))
    checked = batch.each(lambda index: _check_ownership(ownerships[index]))
    state = _read_state(uow, list(checked.values()))
    plans = batch.each(
        lambda index: _plan_ownership(ownerships[index], checked[index], state, batch, index)
    )
    _write(uow, plans, batch)
    return batch.results()


def register_ownership(
    uow: UnitOfWork,
    *,
    matrikkelnummer: Matrikkelnummer,
    hjemmelshavere: Sequence[Andel],
    dato: date,
) -> Tinglyst:
    """Register the first owners of a unit that has none (an etablering document)."""
    item = Ownership(matrikkelnummer, tuple(hjemmelshavere), dato)
    return single(register_ownerships(uow, ownerships=[item]))


def register_transfers(
    uow: UnitOfWork, *, transfers: Sequence[Transfer]
) -> list[Tinglyst | Problem]:
    """Register many skjøter, arv and skifter at once; per item the document or the Problem.

    The rules and messages are ``register_transfer``'s; the statements those of
    ``register_ownerships``, plus one that ends the changed owners' rows.
    """
    batch: Batch[Tinglyst] = Batch(len(transfers))
    checked = batch.each(lambda index: _check_transfer(transfers[index]))
    state = _read_state(uow, list(checked.values()))
    plans = batch.each(
        lambda index: _plan_transfer(transfers[index], checked[index], state, batch, index)
    )
    _write(uow, plans, batch)
    return batch.results()


def register_transfer(
    uow: UnitOfWork,
    *,
    matrikkelnummer: Matrikkelnummer,
    dokumenttype: str,
    dato: date,
    fra: Sequence[Andel],
    til: Sequence[Andel],
    vederlag: int | None = None,
) -> Tinglyst:
    """Register a skjøte, arv or skifte moving shares of a unit from ``fra`` to ``til``."""
    item = Transfer(matrikkelnummer, dokumenttype, dato, tuple(fra), tuple(til), vederlag)
    return single(register_transfers(uow, transfers=[item]))
