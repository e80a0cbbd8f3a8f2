"""The distributor's one path: decide, load, minimise, log — then release.

``release`` answers for one or many subjects of one product. For personal data:

1. the decision point decides every subject in one go (``decide_many``), for the fields asked
   (all of the product's when none are named) and the stated purpose (formål);
2. the product loads the permitted subjects through its registries' query functions;
3. each answer keeps only the permitted fields (minimisation) and names the basis of each;
4. every release is appended to the access log, and only once the log has committed it
   (group commit, ``felles.access.log.writer``) are the data handed back. A log failure
   releases nothing (503).

A person reading their own data is not logged (it is their own); a person acting for
someone else is, under the representation (fullmakt, foreldreansvar, vergemål) with the
person as ``aktoer``. Open data (Enhetsregisteret's public facts) needs no decision and is
not logged: it is not personal data.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, Final, Literal

from felles.access.decide import decide_many
from felles.access.decision import Decision, MachinePrincipal, Principal
from felles.access.legal_bases import Hjemmel, by_id, get_hjemler
from felles.access.log.operations import PORTAL_ORGNR, LogEntry
from felles.access.log.writer import write_or_refuse
from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput, TooManyIdentifiers
from felles.sharing.product import Product

MAX_SUBJECTS: Final = 1000

BasisType = Literal["hjemmel", "samtykke", "egne-data", "aapne-data"]


@dataclass(frozen=True, slots=True)
class Basis:
    """Why some fields were released: a legal basis (with its law), a consent, own data."""

    type: BasisType
    fields: tuple[str, ...]
    id: str | None = None
    lov: str | None = None
    lovnavn: str | None = None


@dataclass(frozen=True, slots=True)
class Released:
    """The permitted fields of one subject, the basis of each, and what was withheld."""

    subject: str
    data: Mapping[str, Any]
    basis: tuple[Basis, ...]
    withheld: Mapping[str, str] = field(default_factory=dict)
    representation: str | None = None


@dataclass(frozen=True, slots=True)
class Refused:
    """Nothing of this subject was released: the reason code, its text, the fields and why."""

    subject: str
    code: str
    text: str
    withheld: Mapping[str, str] = field(default_factory=dict)

    @property
    def status(self) -> int:
        return 404 if self.code == "unknown-subject" else 403


Outcome = Released | Refused


def chosen_fields(product: Product, fields: Sequence[str] | None) -> tuple[str, ...]:
    """The fields asked for (all of the product's when none are named); InvalidInput if a
    name is not one of the product's fields."""
    if not fields:
        return product.field_names
    unknown = sorted(set(fields) - set(product.field_names))
    if unknown:
        raise InvalidInput(
            f"{product.name} has no field {', '.join(unknown)}",
            felter=list(product.field_names),
        )
    return tuple(dict.fromkeys(fields))


def _subjects(subjects: Sequence[str]) -> list[str]:
    wanted = list(dict.fromkeys(subjects))
    if not wanted:
        raise InvalidInput("Name at least one subject")
    if len(wanted) > MAX_SUBJECTS:
        raise TooManyIdentifiers(f"At most {MAX_SUBJECTS} subjects per request")
    return wanted


def _short(product: Product, names: Collection[str]) -> tuple[str, ...]:
    return _without_prefix(len(product.name) + 1, frozenset(names))


@lru_cache(maxsize=1024)
def _without_prefix(prefix: int, names: frozenset[str]) -> tuple[str, ...]:
    """Field names without their product's name, sorted (the same few sets, again and again)."""
    return tuple(sorted(name[prefix:] for name in names))


@cache
def _laws() -> dict[str, Hjemmel]:
    """The legal-basis register by id (loaded once per process, as the register is)."""
    return by_id(get_hjemler())


def _basis(product: Product, decision: Decision) -> tuple[Basis, ...]:
    laws = _laws()
    out: list[Basis] = []
    for source in decision.sources:
        fields = _short(product, source.fields)
        if source.kind == "hjemmel" and source.id is not None:
            hjemmel = laws.get(source.id)
            out.append(
                Basis(
                    "hjemmel",
                    fields,
                    id=source.id,
                    lov=hjemmel.lov if hjemmel else None,
                    lovnavn=hjemmel.lovnavn if hjemmel else None,
                )
            )
        elif source.kind == "samtykke":
            out.append(Basis("samtykke", fields, id=source.id))
        else:
            out.append(Basis("egne-data", fields))
    return tuple(out)


def _withheld(product: Product, decision: Decision) -> dict[str, str]:
    prefix = len(product.name) + 1
    return {name[prefix:]: code for name, code in sorted(decision.withheld.items())}


def _log_entries(
    product: Product,
    principal: Principal,
    decision: Decision,
    *,
    subject: str,
    on_behalf_of: str | None,
    purpose: str,
    request_id: str,
    at: datetime,
) -> list[LogEntry]:
    """The access-log entries of one release: one per legal basis or consent used."""
    representation = decision.representation
    common: dict[str, Any] = {
        "subjekt": subject,
        "datasett": product.name,
        "formaal": purpose,
        "foresporsel_id": request_id,
        "tidspunkt": at,
    }
    if isinstance(principal, MachinePrincipal):
        konsument, aktoer = principal.orgnr, None
    elif representation is None:
        return []  # a person's own data
    elif representation.kind == "rolle":
        assert on_behalf_of is not None  # a role is held in the organisation acted for
        konsument, aktoer = on_behalf_of, principal.pid
    else:
        # A person acting for another person under fullmakt, foreldreansvar or vergemål.
        return [
            LogEntry(
                konsument=PORTAL_ORGNR,
                aktoer=principal.pid,
                fullmakt_id=",".join(representation.refs) or None,
                hjemmel=representation.kind,
                felter=_short(product, decision.fields),
                **common,
            )
        ]
    entries = []
    for source in decision.sources:
        if source.kind not in ("hjemmel", "samtykke") or not source.fields:
            continue
        entries.append(
            LogEntry(
                konsument=konsument,
                aktoer=aktoer,
                hjemmel=source.id if source.kind == "hjemmel" else None,
                samtykke_id=source.id if source.kind == "samtykke" else None,
                felter=_short(product, source.fields),
                **common,
            )
        )
    return entries


@dataclass(frozen=True, slots=True)
class Prepared:
    """Outcomes decided and loaded, and the access-log entries that must be committed before
    any of them is handed out (``write_log``)."""

    outcomes: list[Outcome]
    entries: list[LogEntry]


def release(
    database: Database,
    *,
    principal: Principal,
    product: Product,
    subjects: Sequence[str],
    purpose: str,
    request_id: str,
    fields: Sequence[str] | None = None,
    on_behalf_of: str | None = None,
    relatert_til: str | None = None,
    at: datetime | None = None,
) -> list[Outcome]:
    """Release ``fields`` of ``product`` about ``subjects`` for ``purpose``, in their order.

    Each subject is ``Released`` (the permitted fields and their basis; logged before this
    returns) or ``Refused`` (nothing released, nothing logged).
    """
    prepared = prepare_release(
        database,
        principal=principal,
        product=product,
        subjects=subjects,
        purpose=purpose,
        request_id=request_id,
        fields=fields,
        on_behalf_of=on_behalf_of,
        relatert_til=relatert_til,
        at=at,
    )
    write_log(database, prepared.entries)
    return prepared.outcomes


def write_log(database: Database, entries: Sequence[LogEntry]) -> None:
    """Commit ``entries`` to the access log (group commit); 503 if the log cannot take them,
    in which case the caller must release nothing."""
    write_or_refuse(database, entries)


def prepare_release(
    database: Database,
    *,
    principal: Principal,
    product: Product,
    subjects: Sequence[str],
    purpose: str,
    request_id: str,
    fields: Sequence[str] | None = None,
    on_behalf_of: str | None = None,
    relatert_til: str | None = None,
    at: datetime | None = None,
) -> Prepared:
    """``release`` up to the log: the outcomes and their log entries, nothing written. A
    caller combining several products (prefill) writes all their entries at once."""
    wanted = _subjects(subjects)
    names = chosen_fields(product, fields)
    when = at or get_clock().now()
    if not purpose or not purpose.strip():
        raise InvalidInput("State the purpose (formaal) of the request")
    if product.sensitivity == "open":
        return Prepared(_release_open(database, product, wanted, names, when), [])
    full = [product.full_name(name) for name in names]
    with database.lookup_session() as session:
        decided = decide_many(
            session,
            principal,
            on_behalf_of,
            "read",
            wanted,
            full,
            purpose,
            at=when,
            relatert_til=relatert_til,
        )
        current = {subject: ident for subject, (ident, _) in decided.items()}
        decisions = {subject: decision for subject, (_, decision) in decided.items()}
        permitted = [s for s in wanted if decisions[s].permit]
        loaded = product.load(session, permitted, when) if permitted else {}
    outcomes: list[Outcome] = []
    entries: list[LogEntry] = []
    for subject in wanted:
        decision = decisions[subject]
        if not decision.permit:
            outcomes.append(
                Refused(subject, decision.code, decision.text, _withheld(product, decision))
            )
            continue
        values = loaded.get(subject, {})
        shown = _short(product, decision.fields)
        outcomes.append(
            Released(
                subject=subject,
                data={name: values.get(name) for name in names if name in shown},
                basis=_basis(product, decision),
                withheld=_withheld(product, decision),
                representation=(decision.representation.kind if decision.representation else None),
            )
        )
        entries.extend(
            _log_entries(
                product,
                principal,
                decision,
                subject=current[subject],
                on_behalf_of=on_behalf_of,
                purpose=purpose,
                request_id=request_id,
                at=when,
            )
        )
    return Prepared(outcomes, entries)


def _release_open(
    database: Database,
    product: Product,
    subjects: list[str],
    names: tuple[str, ...],
    when: datetime,
) -> list[Outcome]:
    with database.lookup_session() as session:
        loaded = product.load(session, subjects, when)
    outcomes: list[Outcome] = []
    for subject in subjects:
        values = loaded.get(subject)
        if values is None:
            outcomes.append(Refused(subject, "unknown-subject", "The subject is not registered"))
            continue
        basis = (Basis("aapne-data", names),)
        outcomes.append(Released(subject, {name: values.get(name) for name in names}, basis))
    return outcomes
