"""Values of the property registry: the matrikkelnummer, unit types, document types, shares.

A matrikkelnummer is written ``kommunenummer-gaardsnummer/bruksnummer/festenummer/
seksjonsnummer``, e.g. ``0301-208/112/0/0``, as Kartverket writes it; festenummer and
seksjonsnummer are 0 when the unit is not a festegrunn or an eierseksjon.

Owner shares are exact fractions (``fractions.Fraction``), stored as teller/nevner in lowest
terms: never floats, so the shares of a unit sum to exactly 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

from felles.kernel.errors import InvalidInput
from felles.kernel.ids import InvalidIdentifier, parse_organisasjonsnummer, parse_person_identifier

# Matrikkelen's limits: gårdsnummer up to five digits, the others up to four.
MAX_GAARDSNUMMER: Final = 99_999
MAX_BRUKSNUMMER: Final = 9_999
MAX_FESTENUMMER: Final = 9_999
MAX_SEKSJONSNUMMER: Final = 9_999

#: Matrikkelen's unit types (matrikkelenhetstype).
GRUNNEIENDOM: Final = "grunneiendom"
FESTEGRUNN: Final = "festegrunn"
EIERSEKSJON: Final = "eierseksjon"
JORDSAMEIE: Final = "jordsameie"
ANLEGGSEIENDOM: Final = "anleggseiendom"
MATRIKKELENHETSTYPER: Final = (GRUNNEIENDOM, FESTEGRUNN, EIERSEKSJON, JORDSAMEIE, ANLEGGSEIENDOM)
Matrikkelenhetstype = Literal[
    "grunneiendom", "festegrunn", "eierseksjon", "jordsameie", "anleggseiendom"
]

#: Document types. ``etablering`` is the first registration of a unit's owners (felles's own
#: type: the synthetic units have no history before it); the others move shares.
ETABLERING: Final = "etablering"
SKJOETE: Final = "skjoete"
ARV: Final = "arv"
SKIFTE: Final = "skifte"
OVERDRAGELSESTYPER: Final = (SKJOETE, ARV, SKIFTE)
DOKUMENTTYPER: Final = (ETABLERING, *OVERDRAGELSESTYPER)
Overdragelsestype = Literal["skjoete", "arv", "skifte"]
Dokumenttype = Literal["etablering", "skjoete", "arv", "skifte"]

#: Who holds a share: a person in Folkeregisteret or an entity in Enhetsregisteret.
PERSON: Final = "person"
ENHET: Final = "enhet"
Hjemmelshavertype = Literal["person", "enhet"]

#: The largest nevner of a share given or stored. Inputs stay far below; the limit keeps the
#: sums of many shares within BIGINT.
MAX_NEVNER: Final = 10**12
#: The largest area in square metres (Norway's land area is about 3.2e11 m²).
MAX_AREAL: Final = 1e12
#: The largest vederlag in NOK (fits BIGINT with room to spare).
MAX_VEDERLAG: Final = 10**15

_KOMMUNENUMMER: Final = re.compile(r"\d{4}")
_TEXT: Final = re.compile(r"(?P<k>\d{4})-(?P<g>\d+)/(?P<b>\d+)(?:/(?P<f>\d+)(?:/(?P<s>\d+))?)?")


@dataclass(frozen=True, slots=True, order=True)
class Matrikkelnummer:
    """A cadastral unit's number; ``str()`` is ``kommunenummer-gnr/bnr/fnr/snr``."""

    kommunenummer: str
    gaardsnummer: int
    bruksnummer: int
    festenummer: int = 0
    seksjonsnummer: int = 0

    def __str__(self) -> str:
        return (
            f"{self.kommunenummer}-{self.gaardsnummer}/{self.bruksnummer}"
            f"/{self.festenummer}/{self.seksjonsnummer}"
        )

    def as_json(self) -> dict[str, str | int]:
        """The matrikkelnummer as the API and the events write it."""
        return {
            "kommunenummer": self.kommunenummer,
            "gaardsnummer": self.gaardsnummer,
            "bruksnummer": self.bruksnummer,
            "festenummer": self.festenummer,
            "seksjonsnummer": self.seksjonsnummer,
        }

    def checked(self) -> Matrikkelnummer:
        """This number when every part is in range; InvalidInput otherwise."""
        if not _KOMMUNENUMMER.fullmatch(self.kommunenummer):
            raise InvalidInput("kommunenummer must be four digits")
        for name, value, low, high in (
            ("gaardsnummer", self.gaardsnummer, 1, MAX_GAARDSNUMMER),
            ("bruksnummer", self.bruksnummer, 1, MAX_BRUKSNUMMER),
            ("festenummer", self.festenummer, 0, MAX_FESTENUMMER),
            ("seksjonsnummer", self.seksjonsnummer, 0, MAX_SEKSJONSNUMMER),
        ):
            if not low <= value <= high:
                raise InvalidInput(f"{name} must be {low}-{high}")
        return self

    @property
    def parent(self) -> Matrikkelnummer | None:
        """The unit this one is part of: a section's unit, a festegrunn's grunneiendom."""
        if self.seksjonsnummer:
            return Matrikkelnummer(
                self.kommunenummer, self.gaardsnummer, self.bruksnummer, self.festenummer
            )
        if self.festenummer:
            return Matrikkelnummer(self.kommunenummer, self.gaardsnummer, self.bruksnummer)
        return None

    @classmethod
    def parse(cls, text: str) -> Matrikkelnummer:
        """``0301-208/112``, ``0301-208/112/0/3``; InvalidInput when it is not one."""
        match = _TEXT.fullmatch(text.strip())
        if match is None:
            raise InvalidInput("a matrikkelnummer is written kommunenummer-gnr/bnr[/fnr[/snr]]")
        return cls(
            match["k"],
            int(match["g"]),
            int(match["b"]),
            int(match["f"] or 0),
            int(match["s"] or 0),
        ).checked()


def check_type(matrikkelnummer: Matrikkelnummer, matrikkelenhetstype: str) -> None:
    """The type must exist and agree with festenummer and seksjonsnummer (InvalidInput)."""
    if matrikkelenhetstype not in MATRIKKELENHETSTYPER:
        raise InvalidInput(f"matrikkelenhetstype must be one of {', '.join(MATRIKKELENHETSTYPER)}")
    fnr, snr = matrikkelnummer.festenummer, matrikkelnummer.seksjonsnummer
    if matrikkelenhetstype == EIERSEKSJON:
        if snr == 0:
            raise InvalidInput("an eierseksjon has a seksjonsnummer above 0")
    elif snr != 0:
        raise InvalidInput("only an eierseksjon has a seksjonsnummer")
    elif matrikkelenhetstype == FESTEGRUNN:
        if fnr == 0:
            raise InvalidInput("a festegrunn has a festenummer above 0")
    elif fnr != 0:
        raise InvalidInput(f"a {matrikkelenhetstype} has festenummer 0")


# ------------------------------------------------------------------------------ shares


def andel(teller: int, nevner: int, *, field: str = "andel") -> Fraction:
    """A share 0 < teller/nevner <= 1 with nevner <= MAX_NEVNER, in lowest terms."""
    if not 1 <= nevner <= MAX_NEVNER:
        raise InvalidInput(f"{field}: nevner must be 1-{MAX_NEVNER}")
    if not 1 <= teller <= nevner:
        raise InvalidInput(f"{field}: teller must be 1-nevner (a share above 0, at most 1)")
    return Fraction(teller, nevner)


def andel_json(share: Fraction) -> dict[str, int]:
    return {"teller": share.numerator, "nevner": share.denominator}


# ------------------------------------------------------------------------------ owners


@dataclass(frozen=True, slots=True)
class Hjemmelshaver:
    """A normalised owner identifier: 11 digits for a person, 9 for an entity."""

    ident: str
    type: Hjemmelshavertype


def parse_hjemmelshaver(value: str, *, field: str) -> Hjemmelshaver:
    """A fødselsnummer, D-nummer or organisasjonsnummer (spaces ignored); InvalidInput."""
    compact = value.replace(" ", "")
    if len(compact) not in (9, 11):
        raise InvalidInput(
            f"{field} must be a fødselsnummer or D-nummer (11 digits) "
            "or an organisasjonsnummer (9 digits)",
            reason="bad_length",
        )
    try:
        if len(compact) == 9:
            return Hjemmelshaver(parse_organisasjonsnummer(compact).value, ENHET)
        return Hjemmelshaver(parse_person_identifier(compact).value, PERSON)
    except InvalidIdentifier as error:
        raise InvalidInput(f"{field}: {error.message}", reason=error.reason) from None
