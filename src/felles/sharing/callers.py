"""Who calls the data distributor: the decision point's principal for the caller's token.

Shared by the distributor's routes (``api``) and the modules it mounts (prefill), which
cannot import ``api`` (it imports them). An organisation's system calls with a Maskinporten
token carrying ``felles:datafordeler`` (its organisation is the consumer the decision point
judges); a person with an ID-porten token. The operator's token reads no personal data here.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Depends

from felles.access.decision import MachinePrincipal, PersonPrincipal, Principal
from felles.kernel.errors import Forbidden
from felles.kernel.web import Caller, require_access

#: The Maskinporten scope an organisation's system needs to call the distributor.
SCOPE: Final = "felles:datafordeler"


def principal_of(caller: Annotated[Caller, Depends(require_access())]) -> Principal:
    """The decision point's principal for the caller's token (403 for the operator's token
    and for a machine token without ``felles:datafordeler``)."""
    if caller.operator:
        raise Forbidden(
            "The operator's token reads no personal data through the distributor; "
            "use an organisation's Maskinporten token or a person's ID-porten token"
        )
    token = caller.principal
    if token.kind == "person":
        return PersonPrincipal(pid=token.pid, acr=token.acr or "")
    if SCOPE not in caller.scopes:
        raise Forbidden(f"The access token lacks the scope {SCOPE}", required=[SCOPE])
    return MachinePrincipal(orgnr=token.orgnr, scopes=frozenset(caller.scopes))


PrincipalDep = Annotated[Principal, Depends(principal_of)]
