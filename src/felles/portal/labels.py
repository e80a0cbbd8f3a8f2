"""Words for the codes other blocks store (statuses, reasons, kinds of representation),
marked for translation here and translated when shown."""

from __future__ import annotations

from typing import Final

from felles.portal.i18n import N_

CASE_STATUS: Final = {
    "opprettet": N_("Received"),
    "under_behandling": N_("Being processed"),
    "vedtatt": N_("Decided"),
    "avslaatt": N_("Refused"),
    "til_manuell_behandling": N_("With a caseworker"),
    "avsluttet": N_("Closed"),
}
OPEN_CASES: Final = frozenset({"opprettet", "under_behandling", "til_manuell_behandling"})
OUTCOME: Final = {"innvilget": N_("Granted"), "avslag": N_("Refused")}
CONSENT_STATUS: Final = {
    "created": N_("Waiting for your answer"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "revoked": N_("Revoked"),
    "expired": N_("Expired"),
}
WITHHELD: Final = {
    "not-covered": N_("not covered by the access rules"),
    "missing-scope": N_("not covered by the access rules"),
    "protected-address": N_("protected address"),
    "assurance-too-low": N_("needs login at security level high"),
    "outside-delegation": N_("outside the areas of the power of attorney"),
}
PARTY_KIND: Final = {
    "self": N_("Yourself"),
    "foreldreansvar": N_("Your child (parental responsibility)"),
    "fullmakt": N_("Gave you a power of attorney"),
    "rolle": N_("Organisation where you have a role"),
}
#: How someone acted for the person, as the person's own access log names it.
REPRESENTATION: Final = {
    "foreldreansvar": N_("Parental responsibility"),
    "fullmakt": N_("Power of attorney"),
    "vergemaal": N_("Guardianship"),
    "rolle": N_("Role in the organisation"),
}
AREA: Final = {
    "alt": N_("Everything"),
    "helse": N_("Health"),
    "skatt": N_("Tax"),
    "nav": N_("NAV (work and welfare)"),
    "personopplysninger": N_("Personal details"),
}
#: Whose data a decision used (``data_used[].om``), as the recipient reads it.
DATA_ABOUT: Final = {"barn": N_("the child"), "mor": N_("the mother"), "far": N_("the father")}
#: The area (as in a fullmakt) of each service owner's cases: NAV, Skatteetaten.
SERVICE_AREA: Final = {"889640782": "nav", "974761076": "skatt"}
#: The kinds of letters in the mailbox (``felles.mailbox``).
LETTER_KIND: Final = {
    "vedtak": N_("Decision"),
    "informasjon": N_("Information"),
    "oppgave": N_("Task"),
}
#: A letter's status in the mailbox, as its recipient reads it.
LETTER_STATUS: Final = {"Published": N_("Unread"), "Read": N_("Read"), "Confirmed": N_("Done")}
