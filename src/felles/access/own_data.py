"""Who may read a person's own pages through an API: the person, or someone acting for them.

The operator's bearer token reads anyone's; a person's access token from felles' ID-porten
reads their own, or those of someone they act for — a fullmakt covering the dataset's area,
or foreldreansvar for a minor child — as the decision point decides; an organisation's token
none (403). Used by the access log and the journeys.
"""

from __future__ import annotations

from felles.access.decide import decide
from felles.access.decision import PersonPrincipal
from felles.kernel.db import Database
from felles.kernel.errors import Forbidden
from felles.kernel.web import Caller


def readable_subject(
    database: Database, personidentifikator: str, caller: Caller, *, field: str, purpose: str
) -> str:
    """``personidentifikator`` when ``caller`` may read its ``field`` (a
    ``dataset.field`` name from ``felles.access.datasets``); Forbidden otherwise."""
    if caller.operator:
        return personidentifikator
    principal = caller.principal
    if principal.kind != "person":
        raise Forbidden("An organisation's token does not read a person's own pages")
    if principal.pid == personidentifikator:
        return personidentifikator
    person = PersonPrincipal(pid=principal.pid, acr=principal.acr or "")
    with database.read_session() as session:
        decision = decide(
            session, person, personidentifikator, "read", personidentifikator, [field], purpose
        )
    if not decision.permit:
        raise Forbidden("A person reads their own pages, or those of someone they act for")
    return personidentifikator
