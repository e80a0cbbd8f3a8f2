"""What the print service prints: a queued letter as PDF, in the recipient's language.

An ordinary letter gets its envelope window (name and address from Folkeregisteret, stored
on the queue row at send time); a letter for a protected address gets none — the queue row
has no address — and is marked for the unit that handles protected addresses, which puts
it in an envelope of its own.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from felles.kernel.errors import NotFound
from felles.mailbox import queries, routing
from felles.mailbox.rendering import render_pdf


def printable(session: Session, letter_id: str) -> bytes:
    """The PDF to print for a letter in the print queue (NotFound if it is not there)."""
    order = queries.print_order(session, letter_id)
    found = queries.details(session, letter_id)
    if order is None or found is None:
        raise NotFound("No such letter in the print queue")
    protected = order.handling == routing.PROTECTED_HANDLING
    return render_pdf(
        queries.sheet(found, found.row.default_language),
        envelope=None if protected else queries.envelope_of(order),
        protected=protected,
    )
