"""Who calls the correspondence API, and whose mailbox they may read.

* A sender: an agency's or municipality's system with a Maskinporten token carrying
  ``altinn:correspondence.write``; the token's organisation is the sender.
* A recipient organisation's system: a Maskinporten token with ``altinn:correspondence.read``
  reads the organisation's own inbox (and a sender's system its sent letters).
* A person: an ID-porten token. Their own mailbox, or — with ``paaVegneAv`` — the mailbox
  of an organisation in which they hold a role that lets them act for it (daglig leder,
  styreleder, innehaver …: ``felles.access.decision.ACTING_ROLES``), read from
  Enhetsregisteret at the time asked (``felles.access.decide.representation_facts``).

The operator's token reads no one's post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from felles.access.decide import representation_facts
from felles.access.decision import ACTING_ROLES, PersonPrincipal
from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.kernel.errors import Forbidden
from felles.kernel.web import Caller

WRITE: Final = "altinn:correspondence.write"
READ: Final = "altinn:correspondence.read"


@dataclass(frozen=True, slots=True)
class Party:
    """Whose letters the caller sees: ``mailbox`` as recipient, ``sender`` as sender.

    ``actor`` goes into a letter's status history when the caller changes it.
    """

    kind: Literal["person", "organisation"]
    mailbox: str
    actor: str
    sender: str | None = None


def sender_of(caller: Caller) -> str:
    """The sending organisation (403 for anything but a machine token with the write scope)."""
    token = caller.principal
    if caller.operator or getattr(token, "kind", None) != "organisation":
        raise Forbidden(
            f"Only an organisation's system (a Maskinporten token with {WRITE}) sends letters",
            required=[WRITE],
        )
    if WRITE not in caller.scopes:
        raise Forbidden(f"The access token lacks the scope {WRITE}", required=[WRITE])
    return str(token.orgnr)


def party_of(database: Database, caller: Caller, on_behalf_of: str | None) -> Party:
    """Whose letters the caller may read and change (403 when it may act for no one asked)."""
    if caller.operator:
        raise Forbidden("The operator's token reads no one's post")
    token = caller.principal
    if token.kind == "organisation":
        if READ not in caller.scopes and WRITE not in caller.scopes:
            raise Forbidden(f"The access token lacks the scope {READ}", required=[READ])
        orgnr = str(token.orgnr)
        if on_behalf_of not in (None, orgnr):
            raise Forbidden("An organisation's system reads its own organisation's post only")
        return Party("organisation", orgnr, f"system:{orgnr}", sender=orgnr)
    pid = str(token.pid)
    if on_behalf_of is None or on_behalf_of == pid:
        return Party("person", pid, f"mottaker:{pid}")
    if len(on_behalf_of) != 9:
        raise Forbidden("Reading another person's post is not offered yet")
    principal = PersonPrincipal(pid=pid, acr=token.acr or "")
    with database.lookup_session() as session:
        facts = representation_facts(
            session, principal=principal, on_behalf_of=on_behalf_of, at=get_clock().now()
        )
    if not facts.roles & ACTING_ROLES:
        raise Forbidden("The person holds no role that lets them act for this organisation")
    return Party("organisation", on_behalf_of, f"mottaker:{pid}@{on_behalf_of}")
