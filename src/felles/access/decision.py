"""The decision point's pure core: who may see which fields of whose data, and why.

``evaluate(request, facts, hjemler)`` works on plain data only (no database, no clock), so it
is fast, deterministic and can be tested and benchmarked on its own; ``felles.access.decide``
is the thin shell that loads the facts from the registers and calls it.

Deny by default. The steps:

1. The action must be ``read`` and every field asked for must be known; the subject must be
   registered.
2. Who acts: a machine consumer acts for its own organisation. A person acts for themself,
   for another person through a right to represent them (a fullmakt covering areas,
   foreldreansvar for a minor child, vergemål) or for an organisation through a role in it
   (DAGL, LEDE, INNH, ...). Without such a right: ``not-representative``.
3. A person (acting for themself or represented) sees only their own data: all of it, the
   represented person's limited to the areas of the fullmakt. Only the subject themself sees
   their own protected address.
4. An organisation sees the fields that a legal basis (hjemmel) or an accepted, unexpired,
   unrevoked consent (samtykke) from the subject covers for the stated purpose.
5. Whatever the source: sensitive fields need a person principal to be at
   ``idporten-loa-high``; a protected address (``fortrolig``, ``strengtFortrolig``) is
   released to an organisation only under a legal basis that names the level.

The permitted fields are the intersection of what was asked and what is covered; every field
asked and not permitted is in ``withheld`` with its reason code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final, Literal

from felles.access.datasets import ADDRESSES, ALL_AREAS, AREA_OF, FIELDS, SENSITIVE
from felles.access.legal_bases import ACR_LEVELS, Hjemmel

HIGH: Final = "idporten-loa-high"
ACTIONS: Final = frozenset({"read"})
PROTECTED: Final = frozenset({"fortrolig", "strengtFortrolig"})
#: Roles in Enhetsregisteret that let a person act for the organisation.
ACTING_ROLES: Final = frozenset({"DAGL", "LEDE", "INNH", "DTPR", "DTSO", "KOMP", "BEST"})

#: Why a field was withheld, or the whole request denied.
DENY_TEXT: Final[Mapping[str, str]] = {
    "unsupported-action": "Only the action 'read' is decided here",
    "no-data-asked": "No data was asked for",
    "unknown-data": "A dataset or field asked for is not known",
    "unknown-subject": "The subject is not registered in Folkeregisteret",
    "not-representative": "The principal has no right to act on behalf of this party",
    "not-own-data": "A person sees only their own data, or that of someone they act for",
    "not-covered": "No legal basis or consent covers this data for this purpose",
    "missing-scope": "A legal basis covers this, but the token lacks the scope it requires",
    "assurance-too-low": "The login's assurance level is too low for this data",
    "outside-delegation": "The fullmakt does not cover the area of this data",
    "protected-address": "The subject's address is protected and no legal basis releases it",
}
PERMIT_TEXT: Final[Mapping[str, str]] = {
    "own-data": "The person's own data",
    "legal-basis": "Released under a legal basis (hjemmel)",
    "consent": "Released with the subject's consent (samtykke)",
    "legal-basis-and-consent": "Released under legal bases and with the subject's consent",
}


@dataclass(frozen=True, slots=True)
class MachinePrincipal:
    """A machine consumer (Maskinporten token): its organisation, scopes and a consent it names."""

    orgnr: str
    scopes: frozenset[str] = frozenset()
    consent_id: str | None = None  # Altinn 3: the token's authorization_details refer to one


@dataclass(frozen=True, slots=True)
class PersonPrincipal:
    """A person logged in (ID-porten): ``pid`` and the assurance level ``acr``."""

    pid: str
    acr: str


@dataclass(frozen=True, slots=True)
class Operator:
    """The operator (admin token): may run commands for anyone; never a data principal."""


OPERATOR: Final = Operator()
Principal = MachinePrincipal | PersonPrincipal


@dataclass(frozen=True, slots=True)
class ConsentFact:
    """A consent as the decision needs it: who, to whom, what, and when it held."""

    id: str
    subject: str
    consumer: str
    rights: tuple[tuple[str, frozenset[str]], ...]  # (purpose, fields)
    valid_to: datetime
    accepted_at: datetime | None
    ended_at: datetime | None = None  # revoked or expired (rejected ones never held)

    def holds_at(self, at: datetime) -> bool:
        return (
            self.accepted_at is not None
            and self.accepted_at <= at
            and at < self.valid_to
            and (self.ended_at is None or at < self.ended_at)
        )


@dataclass(frozen=True, slots=True)
class DelegationFact:
    """A fullmakt from ``giver`` to ``holder`` for ``areas``, dates inclusive."""

    id: int
    giver: str
    holder: str
    areas: frozenset[str]
    valid_from: date
    valid_to: date | None
    created_at: datetime
    revoked_at: datetime | None = None

    def holds_at(self, at: datetime) -> bool:
        day = at.date()
        return (
            self.created_at <= at
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
            and (self.revoked_at is None or at < self.revoked_at)
        )


@dataclass(frozen=True, slots=True)
class Facts:
    """What the registers say, loaded by the shell for one request."""

    subject_known: bool = True
    adressebeskyttelse: str = "ugradert"
    #: The subject's relations to the case's main person (``relatert_til``): barn, forelder,
    #: ektefelle ("barn": the subject is a child of the main person).
    relations: frozenset[str] = frozenset()
    #: Organisasjonsform of the organisation acting (the consumer); None when unknown.
    consumer_orgform: str | None = None
    #: Fullmakter from ``on_behalf_of`` to the person principal (held or not: checked here).
    delegations: tuple[DelegationFact, ...] = ()
    #: The person principal holds foreldreansvar for ``on_behalf_of``, a minor, at ``at``.
    parental_responsibility: bool = False
    #: Areas a vergemål gives the principal for ``on_behalf_of`` (none yet: no register).
    guardianship_areas: frozenset[str] = frozenset()
    #: The person principal's roles in the ``on_behalf_of`` organisation.
    roles: frozenset[str] = frozenset()
    #: The subject's consents to the acting organisation.
    consents: tuple[ConsentFact, ...] = ()


@dataclass(frozen=True, slots=True)
class Request:
    principal: Principal
    on_behalf_of: str | None
    action: str
    subject: str
    data: frozenset[str]
    purpose: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Source:
    """What released some fields: ``own-data``, a ``hjemmel`` or a ``samtykke`` (by id)."""

    kind: Literal["own-data", "hjemmel", "samtykke"]
    id: str | None
    fields: frozenset[str]


@dataclass(frozen=True, slots=True)
class Representation:
    """How the principal acts for ``on_behalf_of``."""

    kind: Literal["fullmakt", "foreldreansvar", "vergemaal", "rolle"]
    refs: tuple[str, ...]  # fullmakt ids, role codes; empty for foreldreansvar


@dataclass(frozen=True, slots=True)
class Decision:
    """Permit or deny, the fields permitted, and why (machine-readable code and text)."""

    permit: bool
    fields: frozenset[str]
    code: str
    text: str
    sources: tuple[Source, ...] = ()
    representation: Representation | None = None
    withheld: Mapping[str, str] = field(default_factory=dict)

    @property
    def hjemler(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sources if s.kind == "hjemmel" and s.id)

    @property
    def samtykker(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sources if s.kind == "samtykke" and s.id)


def deny(code: str, withheld: Mapping[str, str] | None = None, **kwargs: object) -> Decision:
    return Decision(
        permit=False,
        fields=frozenset(),
        code=code,
        text=DENY_TEXT[code],
        withheld=dict(withheld or {}),
        **kwargs,  # type: ignore[arg-type]
    )


def _acr_at_least(acr: str, level: str) -> bool:
    return ACR_LEVELS.get(acr, 0) >= ACR_LEVELS[level]


def _finish(
    asked: frozenset[str],
    withheld: dict[str, str],
    sources: list[Source],
    representation: Representation | None,
    permit_code: str,
) -> Decision:
    permitted = asked - withheld.keys()
    if not permitted:
        codes = set(withheld.values())
        code = codes.pop() if len(codes) == 1 else "not-covered"
        return deny(code, withheld, representation=representation)
    kept = tuple(
        Source(s.kind, s.id, s.fields & permitted) for s in sources if s.fields & permitted
    )
    return Decision(
        permit=True,
        fields=permitted,
        code=permit_code,
        text=PERMIT_TEXT[permit_code],
        sources=kept,
        representation=representation,
        withheld=withheld,
    )


def _represent(request: Request, facts: Facts) -> tuple[str, Representation | None] | Decision:
    """The party the principal acts as, and how; a deny Decision if it may not."""
    principal = request.principal
    target = request.on_behalf_of
    if isinstance(principal, MachinePrincipal):
        if target is not None and target != principal.orgnr:
            return deny("not-representative")
        return principal.orgnr, None
    if target is None or target == principal.pid:
        return principal.pid, None
    if len(target) == 9:
        roles = facts.roles & ACTING_ROLES
        if not roles:
            return deny("not-representative")
        return target, Representation("rolle", tuple(sorted(roles)))
    if facts.parental_responsibility:
        return target, Representation("foreldreansvar", ())
    if facts.guardianship_areas:
        return target, Representation("vergemaal", ())
    held = [
        d
        for d in facts.delegations
        if d.giver == target and d.holder == principal.pid and d.holds_at(request.at)
    ]
    if not held:
        return deny("not-representative")
    return target, Representation("fullmakt", tuple(str(d.id) for d in held))


def _areas(facts: Facts, representation: Representation | None, request: Request) -> set[str]:
    if representation is None or representation.kind == "foreldreansvar":
        return {ALL_AREAS}
    if representation.kind == "vergemaal":
        return set(facts.guardianship_areas)
    areas: set[str] = set()
    for d in facts.delegations:
        if str(d.id) in representation.refs:
            areas |= d.areas
    return areas


def _as_person(
    request: Request, facts: Facts, acting: str, representation: Representation | None
) -> Decision:
    assert isinstance(request.principal, PersonPrincipal)
    if request.subject != acting:
        return deny("not-own-data", representation=representation)
    asked = request.data
    withheld: dict[str, str] = {}
    areas = _areas(facts, representation, request)
    if ALL_AREAS not in areas:
        for name in asked:
            if AREA_OF[name] not in areas:
                withheld[name] = "outside-delegation"
    if not _acr_at_least(request.principal.acr, HIGH):
        for name in (asked & SENSITIVE) - withheld.keys():
            withheld[name] = "assurance-too-low"
    if representation is not None and facts.adressebeskyttelse in PROTECTED:
        for name in (asked & ADDRESSES) - withheld.keys():
            withheld[name] = "protected-address"
    sources = [Source("own-data", None, asked)]
    return _finish(asked, withheld, sources, representation, "own-data")


def _as_organisation(
    request: Request,
    facts: Facts,
    acting: str,
    representation: Representation | None,
    hjemler: Iterable[Hjemmel],
) -> Decision:
    principal = request.principal
    asked = request.data
    day = request.at.date()
    sources: list[Source] = []
    by_law: set[str] = set()
    releases_protected: set[str] = set()
    scope_failed: set[str] = set()
    acr_failed: set[str] = set()
    for hjemmel in hjemler:
        if not (
            hjemmel.formaal == request.purpose
            and hjemmel.names_consumer(acting, facts.consumer_orgform)
            and hjemmel.valid_on(day)
            and (hjemmel.subjektrelasjon is None or hjemmel.subjektrelasjon in facts.relations)
        ):
            continue
        covered = hjemmel.fields & asked
        if not covered:
            continue
        if isinstance(principal, MachinePrincipal):
            if hjemmel.scope is not None and hjemmel.scope not in principal.scopes:
                scope_failed |= covered
                continue
        elif not _acr_at_least(principal.acr, hjemmel.sikkerhetsnivaa):
            acr_failed |= covered
            continue
        by_law |= covered
        if facts.adressebeskyttelse in hjemmel.adressebeskyttelse:
            releases_protected |= covered
        sources.append(Source("hjemmel", hjemmel.id, covered))
    by_consent: set[str] = set()
    wanted_consent = principal.consent_id if isinstance(principal, MachinePrincipal) else None
    for consent in facts.consents:
        if consent.consumer != acting or consent.subject != request.subject:
            continue
        if wanted_consent is not None and consent.id != wanted_consent:
            continue
        if not consent.holds_at(request.at):
            continue
        consented: set[str] = set()
        for purpose, fields in consent.rights:
            if purpose == request.purpose:
                consented |= fields & asked
        if consented:
            by_consent |= consented
            sources.append(Source("samtykke", consent.id, frozenset(consented)))
    withheld: dict[str, str] = {}
    for name in asked - by_law - by_consent:
        if name in scope_failed:
            withheld[name] = "missing-scope"
        elif name in acr_failed:
            withheld[name] = "assurance-too-low"
        else:
            withheld[name] = "not-covered"
    if isinstance(principal, PersonPrincipal) and not _acr_at_least(principal.acr, HIGH):
        for name in (asked & SENSITIVE) - withheld.keys():
            withheld[name] = "assurance-too-low"
    if facts.adressebeskyttelse in PROTECTED:
        for name in (asked & ADDRESSES) - withheld.keys() - releases_protected:
            withheld[name] = "protected-address"
    permitted = asked - withheld.keys()
    from_law = permitted & by_law
    code = (
        "legal-basis"
        if from_law == permitted
        else "consent"
        if not from_law
        else "legal-basis-and-consent"
    )
    # A field released by law is attributed to the law; consents keep only the rest.
    sources = [
        s if s.kind == "hjemmel" else Source(s.kind, s.id, s.fields - from_law) for s in sources
    ]
    return _finish(asked, withheld, sources, representation, code)


def evaluate(request: Request, facts: Facts, hjemler: Sequence[Hjemmel]) -> Decision:
    """The decision for ``request`` given ``facts`` and the legal-basis register."""
    if request.action not in ACTIONS:
        return deny("unsupported-action")
    if not request.data:
        return deny("no-data-asked")
    if any(name not in FIELDS for name in request.data):
        return deny("unknown-data")
    if not facts.subject_known:
        return deny("unknown-subject")
    acting = _represent(request, facts)
    if isinstance(acting, Decision):
        return acting
    party, representation = acting
    if len(party) == 9:
        return _as_organisation(request, facts, party, representation, hjemler)
    return _as_person(request, facts, party, representation)
