"""The decision point: ``decide`` loads the facts a request needs and asks the pure core.

``decide(session, principal, on_behalf_of, action, subject, data, purpose, at=...)`` reads,
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

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from felles.access import queries
from felles.access.datasets import expand
from felles.access.decision import (
    ConsentFact,
    Decision,
    Facts,
    MachinePrincipal,
    PersonPrincipal,
    Principal,
    Request,
    evaluate,
)
from felles.access.legal_bases import Hjemmel, get_hjemler
from felles.kernel.clock import get_clock
from felles.registries.enhetsregisteret.queries import roles_held_by_person, unit_status
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.queries import (
    current_relation_exists,
    get_person,
    get_persons,
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


def subject_relations(session: Session, *, subject: Person, main: str) -> frozenset[str]:
    """The subject's relations to the case's main person: barn, forelder, ektefelle."""
    main_row = get_person(session, ident=main)
    if main_row is None:
        return frozenset()
    relations: set[str] = set()
    if current_relation_exists(
        session, person_id=main_row.id, relatert_person_id=subject.id, roles=("barn",)
    ):
        relations.add("barn")
    if current_relation_exists(
        session, person_id=main_row.id, relatert_person_id=subject.id, roles=PARENT_ROLES
    ):
        relations.add("forelder")
    spouse = spouse_of(session, person=main_row)
    if spouse is not None and spouse.id == subject.id:
        relations.add("ektefelle")
    return frozenset(relations)


def load_facts(
    session: Session,
    *,
    principal: Principal,
    on_behalf_of: str | None,
    subject: str,
    at: datetime,
    relatert_til: str | None = None,
) -> tuple[str, Facts]:
    """The subject's current identifikasjonsnummer and the facts ``evaluate`` needs."""
    person = get_person(session, ident=subject)
    if person is None:
        return subject, Facts(subject_known=False)
    subject_ident = person.ident
    acting_org: str | None = None
    delegations = ()
    parental = False
    guardianship: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    if isinstance(principal, MachinePrincipal):
        acting_org = principal.orgnr
    elif on_behalf_of is not None and on_behalf_of != principal.pid:
        if len(on_behalf_of) == 9:
            acting_org = on_behalf_of
            roles = frozenset(
                role
                for orgnr, role in roles_held_by_person(session, ident=principal.pid)
                if orgnr == on_behalf_of
            )
        else:
            delegations = queries.delegation_facts(
                queries.fullmakter_from_to(session, giver=on_behalf_of, holder=principal.pid)
            )
            parental = holds_parental_responsibility(
                session, parent=principal.pid, child=on_behalf_of, at=at
            )
            guardianship = guardianship_areas(
                session, guardian=principal.pid, ward=on_behalf_of, at=at
            )
    orgform = None
    consents = ()
    if acting_org is not None:
        status = unit_status(session, orgnr=acting_org)
        orgform = status.organisasjonsform if status is not None and not status.slettet else None
        consents = tuple(
            queries.consent_fact(row)
            for row in queries.consents_from_to(session, subject=subject_ident, consumer=acting_org)
        )
    relations = (
        subject_relations(session, subject=person, main=relatert_til)
        if relatert_til is not None
        else frozenset()
    )
    return subject_ident, Facts(
        subject_known=True,
        adressebeskyttelse=person.adressebeskyttelse,
        relations=relations,
        consumer_orgform=orgform,
        delegations=delegations,
        parental_responsibility=parental,
        guardianship_areas=guardianship,
        roles=roles,
        consents=consents,
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
    children, parents or spouse. Nothing is written.
    """
    when = at or get_clock().now()
    fields = expand(data)
    subject_ident, facts = load_facts(
        session,
        principal=principal,
        on_behalf_of=on_behalf_of,
        subject=subject,
        at=when,
        relatert_til=relatert_til,
    )
    if isinstance(principal, PersonPrincipal) and subject == principal.pid:
        subject_ident = principal.pid
    request = Request(
        principal=principal,
        on_behalf_of=on_behalf_of,
        action=action,
        subject=subject_ident,
        data=fields,
        purpose=purpose,
        at=when,
    )
    return evaluate(request, facts, hjemler if hjemler is not None else get_hjemler())


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

    A machine principal's consents are read for every subject in one query; a person
    principal's representation is the same for every subject, so it is loaded once.
    """
    when = at or get_clock().now()
    fields = expand(data)
    rules = hjemler if hjemler is not None else get_hjemler()
    wanted = list(dict.fromkeys(subjects))
    people = get_persons(session, idents=wanted)
    shared = Facts()
    acting_org: str | None = None
    if isinstance(principal, MachinePrincipal):
        acting_org = principal.orgnr
    elif on_behalf_of is not None and on_behalf_of != principal.pid:
        # The representation does not depend on the subject: load it once.
        _, shared = load_facts(
            session,
            principal=principal,
            on_behalf_of=on_behalf_of,
            subject=principal.pid,
            at=when,
        )
        if len(on_behalf_of) == 9:
            acting_org = on_behalf_of
    orgform: str | None = None
    consents: dict[str, list[ConsentFact]] = {}
    if acting_org is not None:
        status = unit_status(session, orgnr=acting_org)
        orgform = status.organisasjonsform if status is not None and not status.slettet else None
        current = [person.ident for person in people.values() if person is not None]
        for row in queries.consents_to(session, subjects=current, consumer=acting_org):
            consents.setdefault(row.fra_ident, []).append(queries.consent_fact(row))
    decisions: dict[str, tuple[str, Decision]] = {}
    for subject in wanted:
        person = people.get(subject)
        if person is None:
            facts = Facts(subject_known=False)
            subject_ident = subject
        else:
            subject_ident = person.ident
            facts = replace(
                shared,
                subject_known=True,
                adressebeskyttelse=person.adressebeskyttelse,
                consumer_orgform=orgform if acting_org is not None else shared.consumer_orgform,
                consents=tuple(consents.get(subject_ident, ())),
                relations=(
                    subject_relations(session, subject=person, main=relatert_til)
                    if relatert_til is not None
                    else frozenset()
                ),
            )
        if isinstance(principal, PersonPrincipal) and subject == principal.pid:
            subject_ident = principal.pid
        request = Request(
            principal=principal,
            on_behalf_of=on_behalf_of,
            action=action,
            subject=subject_ident,
            data=fields,
            purpose=purpose,
            at=when,
        )
        decisions[subject] = (subject_ident, evaluate(request, facts, rules))
    return decisions
