"""Whose letters the chosen party's are, by the mailbox's rules (``felles.mailbox.callers``).

A person reads their own mailbox; a person acting for an organisation reads the
organisation's, which the portal already allows only with a role that lets them act for it
(``parties.resolve`` checks ``ACTING_ROLES``, the same facts the mailbox's API checks). The
mailbox offers no reading of another person's post (a child's, a fullmakt giver's), so
neither does the portal. ``actor`` is what the mailbox writes in a letter's status history.
"""

from __future__ import annotations

from dataclasses import dataclass

from felles.portal.parties import ORGANISATION, SELF, Party


@dataclass(frozen=True, slots=True)
class Mailbox:
    recipient: str  # fødselsnummer or organisasjonsnummer
    actor: str


def mailbox_of(pid: str, party: Party | None) -> Mailbox | None:
    """The mailbox ``pid`` reads when acting for ``party``; None when it is not offered."""
    if party is None:
        return None
    if party.kind == SELF and party.ident == pid:
        return Mailbox(pid, f"mottaker:{pid}")
    if party.kind == ORGANISATION:
        return Mailbox(party.ident, f"mottaker:{pid}@{party.ident}")
    return None
