"""What a step of a journey can be, in words people read (bokmål, nynorsk, English)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class StepStatus(StrEnum):
    DONE_AUTOMATICALLY = "utfoert-automatisk"  # an agency did it without being asked
    DONE = "utfoert"  # done: by the person, or an agency after handling
    WAITING_FOR_AGENCY = "venter-paa-etat"
    YOUR_TASK = "din-oppgave"  # the person must act, before the deadline if there is one
    LATER = "kommer"  # comes later, from a known day
    NOT_RELEVANT = "ikke-relevant"  # with why


LABELS: Final[dict[StepStatus, dict[str, str]]] = {
    StepStatus.DONE_AUTOMATICALLY: {
        "nb": "Gjort automatisk",
        "nn": "Gjort automatisk",
        "en": "Done automatically",
    },
    StepStatus.DONE: {"nb": "Gjort", "nn": "Gjort", "en": "Done"},
    StepStatus.WAITING_FOR_AGENCY: {
        "nb": "Venter på etaten",
        "nn": "Ventar på etaten",
        "en": "Waiting for the agency",
    },
    StepStatus.YOUR_TASK: {"nb": "Din oppgave", "nn": "Di oppgåve", "en": "Your task"},
    StepStatus.LATER: {"nb": "Kommer senere", "nn": "Kjem seinare", "en": "Coming later"},
    StepStatus.NOT_RELEVANT: {"nb": "Ikke aktuelt", "nn": "Ikkje aktuelt", "en": "Not relevant"},
}
