"""The mailbox's send condition, registered with the notifications part at import.

A notification sender in another process (``python -m felles.mailbox.notifications
--conditions felles.mailbox.conditions``, or ``felles simulate --notifications``) must know
the condition the mailbox names in its orders (``notify.CONDITION``: only while the letter
still waits for its recipient); without it every such order would be "unknown condition",
retried and in the end not sent.
"""

from __future__ import annotations

from felles.mailbox.notifications import register_condition
from felles.mailbox.notify import CONDITION, still_waiting

register_condition(CONDITION, still_waiting)
