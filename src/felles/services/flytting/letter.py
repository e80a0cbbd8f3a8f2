"""The new municipality's letter to a family that has moved in: kindergarten and school.

It says how many children are of kindergarten age (1–5) and of school age (6–15) on the
moving day and what the family can do — never an address, never a child's name or number.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from felles.mailbox.content import Content
from felles.mailbox.operations import Letter
from felles.services.flytting.moves import Move, Municipality

#: Ages on the moving day: a place in kindergarten (barnehageloven § 16 gives the right from
#: one year) and compulsory school (opplæringslova § 2-1: from the year a child turns six
#: through the tenth school year).
KINDERGARTEN_AGES: Final = range(1, 6)
SCHOOL_AGES: Final = range(6, 16)
ORIGIN: Final = "flytting-ny-kommune"
BARNEHAGELOVEN: Final = "https://lovdata.no/lov/2005-06-17-64/§16"
OPPLAERINGSLOVA: Final = "https://lovdata.no/lov/2023-06-09-30/§2-1"


def idempotent_key(ident: str, flyttedato: date) -> str:
    """One letter per person and moving day from a municipality (the journey looks it up)."""
    return f"flytting:{ident}:{flyttedato.isoformat()}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _nb(municipality: Municipality, kindergarten: int, school: int) -> Content:
    parts = [
        f"Velkommen til {municipality.navn}! Folkeregisteret har meldt flyttingen din til oss, "
        "så du trenger ikke melde den til kommunen."
    ]
    if kindergarten:
        parts.append(
            "# Barnehage\n"
            f"Du har {_count(kindergarten, 'barn', 'barn')} i barnehagealder (1–5 år). "
            "En barnehageplass følger ikke med fra kommunen du flyttet fra: søk om plass hos "
            "oss. Barn som har fylt ett år, har rett til plass i barnehage "
            f"([barnehageloven § 16]({BARNEHAGELOVEN}))."
        )
    if school:
        parts.append(
            "# Skole\n"
            f"Du har {_count(school, 'barn', 'barn')} i grunnskolealder (6–15 år). "
            "Barnet har rett og plikt til grunnskoleopplæring og får plass på skolen der dere "
            f"bor ([opplæringslova § 2-1]({OPPLAERINGSLOVA})). Ta kontakt med skolen eller "
            "kommunen for å avtale skolestart."
        )
    return Content(
        "nb",
        f"Barnehage og skole i {municipality.navn}",
        "\n\n".join(parts),
        "Informasjon om barnehage og skole etter flyttingen.",
    )


def _nn(municipality: Municipality, kindergarten: int, school: int) -> Content:
    parts = [
        f"Velkomen til {municipality.navn}! Folkeregisteret har meldt flyttinga di til oss, "
        "så du treng ikkje melde ho til kommunen."
    ]
    if kindergarten:
        parts.append(
            "# Barnehage\n"
            f"Du har {_count(kindergarten, 'barn', 'born')} i barnehagealder (1–5 år). "
            "Ein barnehageplass følgjer ikkje med frå kommunen du flytta frå: søk om plass "
            "hos oss. Born som har fylt eitt år, har rett til plass i barnehage "
            f"([barnehagelova § 16]({BARNEHAGELOVEN}))."
        )
    if school:
        parts.append(
            "# Skule\n"
            f"Du har {_count(school, 'barn', 'born')} i grunnskulealder (6–15 år). "
            "Barnet har rett og plikt til grunnskuleopplæring og får plass på skulen der de "
            f"bur ([opplæringslova § 2-1]({OPPLAERINGSLOVA})). Ta kontakt med skulen eller "
            "kommunen for å avtale skulestart."
        )
    return Content(
        "nn",
        f"Barnehage og skule i {municipality.navn}",
        "\n\n".join(parts),
        "Informasjon om barnehage og skule etter flyttinga.",
    )


def _en(municipality: Municipality, kindergarten: int, school: int) -> Content:
    parts = [
        f"Welcome to {municipality.navn}! The National Population Register has told us of "
        "your move, so you need not report it to the municipality."
    ]
    if kindergarten:
        parts.append(
            "# Kindergarten\n"
            f"You have {_count(kindergarten, 'child', 'children')} of kindergarten age "
            "(1–5). A kindergarten place does not move with you from the municipality you "
            "left: apply for a place with us. A child who has turned one has the right to a "
            f"kindergarten place ([Kindergarten Act § 16]({BARNEHAGELOVEN}))."
        )
    if school:
        parts.append(
            "# School\n"
            f"You have {_count(school, 'child', 'children')} of school age (6–15). "
            "Children have the right and duty to attend primary and lower secondary school "
            "and get a place at the school where you live "
            f"([Education Act § 2-1]({OPPLAERINGSLOVA})). Contact the school or the "
            "municipality to arrange the start."
        )
    return Content(
        "en",
        f"Kindergarten and school in {municipality.navn}",
        "\n\n".join(parts),
        "Information about kindergarten and school after your move.",
    )


def welcome_letter(
    municipality: Municipality, move: Move, kindergarten: int, school: int
) -> Letter:
    """The letter to ``move``'s person from ``municipality``."""
    return Letter(
        sender_orgnr=municipality.orgnr,
        recipient=move.ident,
        kind="informasjon",
        contents=[
            _nb(municipality, kindergarten, school),
            _nn(municipality, kindergarten, school),
            _en(municipality, kindergarten, school),
        ],
        idempotent_key=idempotent_key(move.ident, move.flyttedato),
        origin=ORIGIN,
    )
