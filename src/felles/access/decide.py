"""The decision point: ``decide`` loads the facts a request needs and asks the pure core.

``decide(session, principal, on_behalf_of, action, subject, data, purpose, at=...)`` (and
``decide_many`` for a batch of subjects, which ``decide`` calls) reads,
never writes: the caller logs what it releases (``felles.access.log``). It reads the people
from Folkeregisteret's queries, organisations and roles from Enhetsregisteret's, and this
block's own consents and fullmakter, then calls ``decision.evaluate`` — which a benchmark (or
a caller that has the facts already) can call directly on plain data.

Derived rights are computed here, at the time asked, never stored: foreldreansvar (the
principal is a parent holding it for ``on_behalf_of``, under 18 and alive on that day), roles
in Enhetsregisteret, and vergemål (Folkeregisteret holds no guardianship data yet:
``guardianship_areas`` returns no areas).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Final

from sqlalchemy.orm import Session

from felles.access import queries
from felles.access.datasets import expand
from felles.access.decision import (
    Decision,
    Facts,
    MachinePrincipal,
    PersonPrincipal,
    Principal,
    Request,
    evaluate,
)
from felles.access.legal_bases import Hjemmel, get_hjemler
from felles.kernel import caches
from felles.kernel.caches import database_key
from felles.kernel.clock import get_clock
from felles.registries.enhetsregisteret.queries import roles_held_by_person, unit_status
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.queries import (
    children_of,
    current_relation_exists,
    get_person,
    parents_of,
    person_keys,
    spouse_of,
)

MAJORITY_AGE = 18
PARENT_ROLES = ("mor", "far", "medmor")


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _alive_on(person: Person, day: date) -> bool:
    return person.doedsdato is None or person.doedsdato > day


def holds_parental_responsibility(
    session: Session, *, parent: str, child: str, at: datetime
) -> bool:
    """Whether ``parent`` holds foreldreansvar for ``child``, a living minor, at ``at``.

    From Folkeregisteret: the child's ``foreldreansvar`` (felles, mor, far, medmor) and a
    current family relation naming the parent in that role.
    """
    day = at.date()
    child_row = get_person(session, ident=child)
    parent_row = get_person(session, ident=parent)
    if child_row is None or parent_row is None or not _alive_on(parent_row, day):
        return False
    if not _alive_on(child_row, day) or age_on(child_row.foedselsdato, day) >= MAJORITY_AGE:
        return False
    if child_row.foedselsdato > day:
        return False
    ansvar = child_row.foreldreansvar
    if ansvar is None:
        return False
    roles = PARENT_ROLES if ansvar == "felles" else (ansvar,)
    return current_relation_exists(
        session, person_id=child_row.id, relatert_person_id=parent_row.id, roles=roles
    )


def guardianship_areas(
    session: Session, *, guardian: str, ward: str, at: datetime
) -> frozenset[str]:
    """Areas a vergemål gives ``guardian`` for ``ward``: none, as no register holds vergemål yet.

    The interface the decision point uses; when Folkeregisteret (which receives vergemål from
    Statens sivilrettsforvaltning) gets the data, this reads it.
    """
    return frozenset()


def relations_to(session: Session, *, main: str) -> dict[int, frozenset[str]]:
    """Each person's relations to the case's main person, by row id: barn (a child of the
    main person), forelder, ektefelle. Read once for a whole batch of subjects."""
    main_row = get_person(session, ident=main)
    if main_row is None:
        return {}
    found: dict[int, set[str]] = {}
    for child in children_of(session, person=main_row):
        found.setdefault(child.id, set()).add("barn")
    for parent in parents_of(session, person=main_row):
        found.setdefault(parent.id, set()).add("forelder")
    spouse = spouse_of(session, person=main_row)
    if spouse is not None:
        found.setdefault(spouse.id, set()).add("ektefelle")
    return {person_id: frozenset(names) for person_id, names in found.items()}


def representation_facts(
    session: Session, *, principal: PersonPrincipal, on_behalf_of: str, at: datetime
) -> Facts:
    """What lets a person act for ``on_behalf_of``: roles in that organisation, or
    fullmakter, foreldreansvar and vergemål for that person. The same for every subject."""
    if len(on_behalf_of) == 9:
        roles = frozenset(
            role
            for orgnr, role in roles_held_by_person(session, ident=principal.pid)
            if orgnr == on_behalf_of
        )
        return Facts(roles=roles)
    return Facts(
        delegations=queries.delegation_facts(
            queries.fullmakter_from_to(session, giver=on_behalf_of, holder=principal.pid)
        ),
        parental_responsibility=holds_parental_responsibility(
            session, parent=principal.pid, child=on_behalf_of, at=at
        ),
        guardianship_areas=guardianship_areas(
            session, guardian=principal.pid, ward=on_behalf_of, at=at
        ),
    )


def decide(
    session: Session,
    principal: Principal,
    on_behalf_of: str | None,
    action: str,
    subject: str,
    data: Collection[str],
    purpose: str,
    *,
    at: datetime | None = None,
    relatert_til: str | None = None,
    hjemler: tuple[Hjemmel, ...] | None = None,
) -> Decision:
    """May ``principal`` (acting for ``on_behalf_of``) ``action`` these ``data`` of ``subject``?

    ``data`` names fields or whole datasets (``felles.access.datasets``); an unknown name is
    InvalidInput. ``relatert_til`` is the case's main person, for legal bases limited to their
    children, parents or spouse. Nothing is written. ``decide_many`` for one subject.
    """
    decided = decide_many(
        session,
        principal,
        on_behalf_of,
        action,
        [subject],
        data,
        purpose,
        at=at,
        relatert_til=relatert_til,
        hjemler=hjemler,
    )
    return decided[subject][1]


#: Organisasjonsform of consumers, kept per process for ``ORGFORM_CACHE_SECONDS``: every
#: request of an organisation's system needs it, and it changes rarely.
ORGFORM_CACHE_SECONDS: Final = 60.0
#: Reasons a field is withheld that a consent could lift (a consent covers what no legal
#: basis did); any other reason stands whatever the consents say.
CONSENT_MAY_COVER: Final = frozenset({"not-covered", "missing-scope", "assurance-too-low"})
_orgforms: dict[tuple[str, str], tuple[str | None, float]] = caches.registered({})


#: How long a consumer found to hold no consent request at all is believed to hold none.
#: Public bodies act under law and hold none; a look for consents costs a statement per
#: request. A request made in this process is heard at once (``forget_consumer``); one made
#: in another process within this time can only make a field be withheld, never released.
CONSENTLESS_CACHE_SECONDS: Final = 5.0
_consentless: dict[tuple[str, str], float] = caches.registered({})


def forget_consumer(orgnr: str) -> None:
    """``orgnr`` has (or may have) a consent request now: look again on its next request."""
    for key in [key for key in _consentless if key[1] == orgnr]:
        _consentless.pop(key, None)


def _may_hold_consents(session: Session, *, orgnr: str) -> bool:
    key = (database_key(session), orgnr)
    since = _consentless.get(key)
    if since is not None and time.monotonic() - since < CONSENTLESS_CACHE_SECONDS:
        return False
    if queries.consumer_has_consent_requests(session, consumer=orgnr):
        _consentless.pop(key, None)
        return True
    _consentless[key] = time.monotonic()
    return False


def consumer_orgform(session: Session, *, orgnr: str) -> str | None:
    """The consumer's organisasjonsform (None if unknown or deleted), cached for a minute."""
    key = (database_key(session), orgnr)
    hit = _orgforms.get(key)
    if hit is not None and time.monotonic() - hit[1] < ORGFORM_CACHE_SECONDS:
        return hit[0]
    status = unit_status(session, orgnr=orgnr)
    form = status.organisasjonsform if status is not None and not status.slettet else None
    _orgforms[key] = (form, time.monotonic())
    return form


def decide_many(
    session: Session,
    principal: Principal,
    on_behalf_of: str | None,
    action: str,
    subjects: Sequence[str],
    data: Collection[str],
    purpose: str,
    *,
    at: datetime | None = None,
    relatert_til: str | None = None,
    hjemler: tuple[Hjemmel, ...] | None = None,
) -> dict[str, tuple[str, Decision]]:
    """``decide`` for many subjects at once, by the subject as given: each subject's current
    identifikasjonsnummer and the same decision ``decide`` gives, with the facts loaded in a
    few statements for the whole batch (the data distributor's path).

    People are read as plain keys (id, number, address protection), the consumer's
    organisasjonsform from a short cache, and consents only for the subjects whose legal
    bases leave something asked uncovered (a field covered by law is attributed to the law,
    so consents could not change those decisions). A person principal's representation is
    the same for every subject, so it is loaded once.
    """
    when = at or get_clock().now()
    fields = expand(data)
    rules = hjemler if hjemler is not None else get_hjemler()
    wanted = list(dict.fromkeys(subjects))
    keys = person_keys(session, idents=wanted)
    shared = Facts()
    acting_org: str | None = None
    if isinstance(principal, MachinePrincipal):
        acting_org = principal.orgnr
    elif on_behalf_of is not None and on_behalf_of != principal.pid:
        # The representation does not depend on the subject: load it once.
        shared = representation_facts(
            session, principal=principal, on_behalf_of=on_behalf_of, at=when
        )
        if len(on_behalf_of) == 9:
            acting_org = on_behalf_of
    if acting_org is not None:
        shared = replace(shared, consumer_orgform=consumer_orgform(session, orgnr=acting_org))

    def request_for(subject: str, ident: str) -> Request:
        if isinstance(principal, PersonPrincipal) and subject == principal.pid:
            ident = principal.pid
        return Request(
            principal=principal,
            on_behalf_of=on_behalf_of,
            action=action,
            subject=ident,
            data=fields,
            purpose=purpose,
            at=when,
        )

    related = relations_to(session, main=relatert_til) if relatert_til is not None else {}
    decisions: dict[str, tuple[str, Decision]] = {}
    facts_of: dict[str, Facts] = {}
    for subject in wanted:
        key = keys.get(subject)
        if key is None:
            decisions[subject] = (
                subject,
                evaluate(request_for(subject, subject), Facts(subject_known=False), rules),
            )
            continue
        facts = replace(
            shared,
            subject_known=True,
            adressebeskyttelse=key.adressebeskyttelse,
            relations=related.get(key.id, frozenset()),
        )
        facts_of[subject] = facts
        decisions[subject] = (key.ident, evaluate(request_for(subject, key.ident), facts, rules))
    if acting_org is None:
        return decisions
    uncovered = [
        subject
        for subject in facts_of
        if set(decisions[subject][1].withheld.values()) & CONSENT_MAY_COVER
    ]
    if not uncovered or not _may_hold_consents(session, orgnr=acting_org):
        return decisions
    current = [keys[subject].ident for subject in uncovered]
    consents = queries.consent_facts_to(session, subjects=current, consumer=acting_org)
    for subject in uncovered:
        ident = keys[subject].ident
        if ident not in consents:
            continue
        facts = replace(facts_of[subject], consents=tuple(consents[ident]))
        decisions[subject] = (ident, evaluate(request_for(subject, ident), facts, rules))
    return decisions
