"""Running barnetrygd at birth: gather the data through the distributor, filter, grant.

One batch of birth events is one pass: the children's, mothers' and siblings' data are read
in five distributor calls whatever the batch size, the grants are computed in one
vectorised run of the rule system, and the access-log entries are appended last, in the
same transaction as the cases (``ServiceReader``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import select

from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict
from felles.kernel.events import Event
from felles.services import batch
from felles.services import operations as ops
from felles.services.barnetrygd import PERSON_FIELDS, SERVICE, filter
from felles.services.barnetrygd.letter import render_letters
from felles.services.barnetrygd.rates import ChildAtBirth, Grant, grants
from felles.services.declaration import PublicService
from felles.services.drafting import register_drafter
from felles.services.model import Sak
from felles.services.reader import ServiceReader, service_reader
from felles.services.states import SakStatus
from felles.sharing.release import Outcome, Released

BASIS: Final = "folkeregister.person.basis"
FAMILIE: Final = "folkeregister.familie"
#: Services whose ongoing cases stop an automatic decision (NAV's filter); none run yet.
UTVIDET_SERVICE: Final = "barnetrygd-utvidet"
EOES_SERVICE: Final = "barnetrygd-eoes"
_ONGOING: Final = (SakStatus.VEDTATT.value, SakStatus.UNDER_BEHANDLING.value)


@dataclass(frozen=True, slots=True)
class Gathered:
    """Everything read for one child's case."""

    facts: filter.BirthFacts
    child_name: str
    mother_name: str
    kommunenummer: str | None  # the child's; used only for the supplement, never stored
    data_used: list[dict[str, Any]]


def _released(outcomes: Mapping[str, Outcome], ident: str | None) -> Released | None:
    if ident is None:
        return None
    outcome = outcomes.get(ident)
    return outcome if isinstance(outcome, Released) else None


def _name(released: Released | None) -> str:
    navn = (released.data.get("navn") if released else None) or {}
    parts = [navn.get("fornavn"), navn.get("mellomnavn"), navn.get("etternavn")]
    return " ".join(part for part in parts if part)


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _dwelling(bostedsadresse: Mapping[str, Any] | None) -> str | None:
    """A key for the dwelling, to compare two people's; never stored or shown."""
    if not bostedsadresse:
        return None
    matrikkel = bostedsadresse.get("adresseIdentifikatorFraMatrikkelen")
    if matrikkel:
        return f"m:{matrikkel}"
    vegadresse = bostedsadresse.get("vegadresse") or {}
    return repr(sorted(vegadresse.items()))


def _person(ident: str, released: Released | None) -> filter.Person:
    data = released.data if released else {}
    status = (data.get("status") or {}).get("status")
    beskyttelse = (data.get("adressebeskyttelse") or {}).get("graderingsnivaa")
    return filter.Person(
        ident=ident,
        foedselsdato=_date(data.get("foedselsdato")),
        status=status,
        adressebeskyttelse=beskyttelse,
        bolig=_dwelling(data.get("bostedsadresse")),
    )


def _relations(released: Released | None, role: str) -> list[str]:
    relations = (released.data.get("familierelasjon") if released else None) or []
    return [r["relatertPerson"] for r in relations if r.get("relatertPersonsRolle") == role]


def _kommunenummer(released: Released | None) -> str | None:
    if released is None:
        return None
    adresse = released.data.get("bostedsadresse") or {}
    value = (adresse.get("vegadresse") or {}).get("kommunenummer")
    return value if isinstance(value, str) else None


def _ongoing(uow: UnitOfWork, mothers: Sequence[str], service_id: str) -> set[str]:
    if not mothers:
        return set()
    query = select(Sak.part).where(
        Sak.service_id == service_id, Sak.part.in_(mothers), Sak.status.in_(_ONGOING)
    )
    return {part for part in uow.session.scalars(query) if part is not None}


def gather(uow: UnitOfWork, reader: ServiceReader, children: Sequence[str]) -> dict[str, Gathered]:
    """Read what the filter and the grant need for each child, in five distributor calls."""
    barn_basis = reader.read(BASIS, children, fields=PERSON_FIELDS)
    barn_familie = reader.read(FAMILIE, children, fields=("familierelasjon",))
    mother_of: dict[str, str | None] = {}
    for child in children:
        mothers = _relations(_released(barn_familie, child), "mor")
        mother_of[child] = mothers[0] if mothers else None
    mothers = sorted({m for m in mother_of.values() if m is not None})
    mor_basis = reader.read(BASIS, mothers, fields=PERSON_FIELDS)
    mor_familie = reader.read(FAMILIE, mothers, fields=("familierelasjon",))
    siblings_of = {mother: _relations(_released(mor_familie, mother), "barn") for mother in mothers}
    # A sibling born in the same batch was read with the children already.
    all_siblings = sorted({s for group in siblings_of.values() for s in group} - set(children))
    soesken = {**barn_basis, **reader.read(BASIS, all_siblings, fields=("foedselsdato",))}
    utvidet = _ongoing(uow, mothers, UTVIDET_SERVICE)
    eoes = _ongoing(uow, mothers, EOES_SERVICE)

    gathered: dict[str, Gathered] = {}
    for child in children:
        barn = _released(barn_basis, child)
        mother = mother_of[child]
        mor = _released(mor_basis, mother)
        dates = []
        used = []
        if barn is not None:
            used.append(reader.used(BASIS, barn, about="barn"))
        family = _released(barn_familie, child)
        if family is not None:
            used.append(reader.used(FAMILIE, family, about="barn"))
        if mor is not None:
            used.append(reader.used(BASIS, mor, about="mor"))
        mor_family = _released(mor_familie, mother)
        if mor_family is not None:
            used.append(reader.used(FAMILIE, mor_family, about="mor"))
        for sibling in siblings_of.get(mother or "", []):
            if sibling == child:
                continue
            released = _released(soesken, sibling)
            born = _date(released.data.get("foedselsdato")) if released else None
            if released is not None and born is not None:
                dates.append(born)
                used.append(reader.used(BASIS, released, about="soesken"))
        facts = filter.BirthFacts(
            mor=None if mother is None or mor is None else _person(mother, mor),
            barn=_person(child, barn),
            soesken_foedselsdatoer=tuple(dates),
            mor_har_loepende_utvidet=mother in utvidet,
            mor_har_loepende_eoes=mother in eoes,
        )
        gathered[child] = Gathered(
            facts=facts,
            child_name=_name(barn),
            mother_name=_name(mor),
            kommunenummer=_kommunenummer(barn),
            data_used=used,
        )
    return gathered


def _draft(
    service: PublicService,
    gathered: Gathered,
    grant: Grant | None,
    *,
    sak_id: int,
    outcome: str,
    reason: str | None = None,
) -> ops.VedtakDraft:
    today = get_clock().today()
    letters = render_letters(
        outcome=outcome,
        grant=grant,
        child_name=gathered.child_name,
        recipient_name=gathered.mother_name,
        decided_on=today,
        klage=ops.klage_for(service, today),
        sak_id=sak_id,
        reason=reason,
    )
    return ops.VedtakDraft(
        outcome=outcome,
        period_from=grant.period_from if grant else None,
        period_to=grant.period_to if grant else None,
        amounts=[
            {"fom": p.fom.isoformat(), "tom": p.tom.isoformat(), "beloep": p.beloep}
            for p in (grant.periods if grant else ())
        ],
        explanation=grant.explanation if grant else {},
        data_used=gathered.data_used,
        legal_references=[{"url": ref.url, "navn": ref.name} for ref in service.legal_basis],
        letters=letters,
    )


def _child_at_birth(child: str, gathered: Gathered) -> ChildAtBirth | None:
    born = gathered.facts.barn.foedselsdato
    if born is None:
        return None
    return ChildAtBirth(child=child, foedselsdato=born, kommunenummer=gathered.kommunenummer)


def _mother(gathered: Gathered) -> str | None:
    return gathered.facts.mor.ident if gathered.facts.mor is not None else None


def handle_births(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """The bus's batch handler: one case per child born, decided or sent to a caseworker."""
    service = SERVICE
    children = list(dict.fromkeys(e.subject for e in events if e.subject))
    taken = batch.existing_subjects(uow, service, children)
    children = [child for child in children if child not in taken]
    if not children:
        return
    trigger = {e.subject: e.id for e in events}
    reader = service_reader(uow.database, service)
    gathered = gather(uow, reader, children)
    # Filtered before the cases are opened, so each case row is written with its outcome.
    stops: dict[str, list[dict[str, str]]] = {}
    births: dict[str, ChildAtBirth] = {}
    for child in children:
        failed = filter.failed_rules(gathered[child].facts)  # an unknown birth date fails
        at_birth = _child_at_birth(child, gathered[child])
        if failed or at_birth is None:
            stops[child] = filter.reasons(failed)
        else:
            births[child] = at_birth
    opened = batch.open_cases(
        uow,
        service,
        [
            batch.NewCase(
                subject=child,
                part=_mother(gathered[child]),
                trigger_event_id=trigger[child],
                settles_as=(
                    SakStatus.TIL_MANUELL_BEHANDLING if child in stops else SakStatus.VEDTATT
                ),
                manual_reason=batch.reason_codes(stops[child]) if child in stops else None,
            )
            for child in children
        ],
    )
    automatic = [
        (case, gathered[child], births[child]) for child, case in opened.items() if child in births
    ]
    stopped = [(case, stops[child]) for child, case in opened.items() if child in stops]
    computed = grants([item[2] for item in automatic], decided_on=get_clock().today())
    batch.decide_automatically(
        uow,
        service,
        [
            (case, _draft(service, facts, grant, sak_id=case.id, outcome=ops.INNVILGET))
            for (case, facts, _), grant in zip(automatic, computed, strict=True)
        ],
    )
    batch.send_to_caseworkers(uow, service, stopped)
    reader.flush(uow)


def draft_for_caseworker(
    uow: UnitOfWork, service: PublicService, sak: Sak, *, outcome: str, reason: str
) -> ops.VedtakDraft:
    """A caseworker's decision on a birth case: the data read again, the grant computed as
    the automation would, the caseworker's reason on the letter."""
    reader = service_reader(uow.database, service)
    gathered = gather(uow, reader, [sak.subject])[sak.subject]
    grant = None
    if outcome == ops.INNVILGET:
        if gathered.facts.mor is None:
            raise Conflict("The child has no registered mother to pay barnetrygd to")
        at_birth = _child_at_birth(sak.subject, gathered)
        if at_birth is None:
            raise Conflict("The child's date of birth is not known")
        grant = grants([at_birth], decided_on=get_clock().today())[0]
    draft = _draft(service, gathered, grant, sak_id=sak.id, outcome=outcome, reason=reason)
    reader.flush(uow)
    return draft


register_drafter(SERVICE.id, draft_for_caseworker)
