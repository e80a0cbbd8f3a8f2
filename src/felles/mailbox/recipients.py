"""Recipients as Altinn names them: ``urn:altinn:person:identifier-no:<fnr>`` or
``urn:altinn:organization:identifier-no:<orgnr>`` (a bare number is accepted too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from felles.kernel.ids import orgnr_input, person_input

PERSON_URN: Final = "urn:altinn:person:identifier-no:"
ORGANISATION_URN: Final = "urn:altinn:organization:identifier-no:"

Kind = Literal["person", "organisation"]


@dataclass(frozen=True, slots=True)
class Recipient:
    kind: Kind
    ident: str  # fødselsnummer/D-nummer or organisasjonsnummer

    @property
    def urn(self) -> str:
        return (PERSON_URN if self.kind == "person" else ORGANISATION_URN) + self.ident


def parse_recipient(value: str) -> Recipient:
    """The recipient named by ``value``; InvalidInput (422) that never repeats the number."""
    text = value.strip()
    if text.startswith(PERSON_URN):
        return Recipient("person", person_input(text.removeprefix(PERSON_URN), role="recipient"))
    if text.startswith(ORGANISATION_URN):
        number = text.removeprefix(ORGANISATION_URN)
        return Recipient("organisation", orgnr_input(number, role="recipient"))
    digits = text.replace(" ", "")
    if len(digits) == 9:
        return Recipient("organisation", orgnr_input(digits, role="recipient"))
    return Recipient("person", person_input(digits, role="recipient"))


def urn_of(kind: str, ident: str) -> str:
    return (PERSON_URN if kind == "person" else ORGANISATION_URN) + ident
