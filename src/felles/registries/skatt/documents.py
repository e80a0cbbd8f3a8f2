"""The answers of Skatteetaten's APIs, built from an assessment or a debtor's arrears.

Summert skattegrunnlag, Beregnet skatt, Pensjonsgivende inntekt for folketrygden and
Restanser, with Skatteetaten's JSON names, nesting and order (``api`` serves them, its models
document them). The data products (``felles.sharing.products.skatt``) give the same posts and
amounts from the same functions, so a product and the API never disagree.

Values are JSON-ready (dates and instants as ISO 8601 strings, instants in UTC with ``Z``).
felles's simplifications of the real shapes are listed in ``api``'s docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, Final

from felles.registries.skatt.model import Skatteoppgjoer
from felles.registries.skatt.parameters import for_year

#: Skatteetaten's kinds of claim, in the order of its Restanser API.
KRAVTYPER: Final = ("skatt", "arbeidsgiveravgift", "merverdiavgift", "forskuddstrekk")


def utc(instant: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives naive values, which are UTC in felles)."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def _instant(instant: datetime) -> str:
    """A stored time as the API writes it: UTC, with ``Z``."""
    return utc(instant).isoformat().replace("+00:00", "Z")


# ------------------------------------------------------------------------------------------
# Summert skattegrunnlag
# ------------------------------------------------------------------------------------------


def _minstefradrag(assessment: Skatteoppgjoer) -> int:
    """What alminnelig inntekt lacks of the income less interest: the minstefradrag."""
    income = assessment.loennsinntekt + assessment.kapitalinntekt - assessment.renteutgifter
    return income - assessment.alminnelig_inntekt


#: The posts of Summert skattegrunnlag in the API's order: tekniskNavn, kategori, and the
#: amount in an assessment.
_POSTS: Final[tuple[tuple[str, str, Callable[[Skatteoppgjoer], int]], ...]] = (
    (
        "samletLoennsinntektMedTrygdeavgiftspliktOgMedTrekkplikt",
        "inntekt",
        attrgetter("loennsinntekt"),
    ),
    ("samledeOpptjenteRenterIInnenlandskeBanker", "inntekt", attrgetter("kapitalinntekt")),
    ("minstefradragIInntekt", "inntektsfradrag", _minstefradrag),
    (
        "samledePaaloepteRenterPaaGjeldIInnenlandskeBanker",
        "inntektsfradrag",
        attrgetter("renteutgifter"),
    ),
    ("bruttoformue", "-", attrgetter("bruttoformue")),
    ("samletGjeld", "-", attrgetter("gjeld")),
    ("nettoformue", "-", attrgetter("nettoformue")),
    ("alminneligInntektFoerSaerfradrag", "-", attrgetter("alminnelig_inntekt")),
)


def skattegrunnlag(*, assessment: Skatteoppgjoer) -> dict[str, int]:
    """Every post of the assessment (those of 0 too) by tekniskNavn, in the API's order."""
    return {teknisk_navn: amount(assessment) for teknisk_navn, _, amount in _POSTS}


def summert_skattegrunnlag(*, assessment: Skatteoppgjoer) -> dict[str, Any]:
    """The answer of Summert skattegrunnlag for the assessment's person and year."""
    return {
        "personidentifikator": assessment.personidentifikator,
        "inntektsaar": str(assessment.inntektsaar),
        # As Skatteetaten's API, posts without an amount are left out.
        "grunnlag": [
            {"tekniskNavn": teknisk_navn, "beloep": beloep, "kategori": kategori}
            for teknisk_navn, kategori, amount in _POSTS
            if (beloep := amount(assessment))
        ],
        "skjermet": False,
        "skatteoppgjoersdato": assessment.skatteoppgjoersdato.isoformat(),
        "stadie": "oppgjoer",
        "ajourholdstidspunkt": _instant(assessment.registrert),
    }


# ------------------------------------------------------------------------------------------
# Beregnet skatt
# ------------------------------------------------------------------------------------------


def _grunnlag_og_beloep(grunnlag: int, beloep: int) -> dict[str, int]:
    return {"grunnlag": grunnlag, "beloep": beloep}


def beregnet_skatt_fastland(*, assessment: Skatteoppgjoer) -> dict[str, Any]:
    """The assessment's taxes and what they were computed from (``beregnetSkattFastland``)."""
    personfradrag = for_year(assessment.inntektsaar).personfradrag
    trygdeavgift = _grunnlag_og_beloep(assessment.pensjonsgivende_inntekt, assessment.trygdeavgift)
    return {
        "skatteklasse": "1",
        "beregnetSkatt": assessment.utlignet_skatt,
        "skattOgAvgift": {
            "inntektsskattAvAlminneligInntekt": _grunnlag_og_beloep(
                max(assessment.alminnelig_inntekt - personfradrag, 0),
                assessment.skatt_alminnelig_inntekt,
            ),
            "trinnskatt": _grunnlag_og_beloep(
                assessment.pensjonsgivende_inntekt, assessment.trinnskatt
            ),
            "trygdeavgiftAvLoennsinntekt": trygdeavgift,
            # All pensionable income is pay in felles, so the sum is the trygdeavgift on pay.
            "sumTrygdeavgift": dict(trygdeavgift),
            "formuesskatt": _grunnlag_og_beloep(
                max(assessment.nettoformue, 0), assessment.formuesskatt
            ),
        },
        "oevrigeResultaterAvBeregning": {
            "alminneligInntektFoerSaerfradrag": assessment.alminnelig_inntekt,
            "pensjonsgivendeInntekt": assessment.pensjonsgivende_inntekt,
        },
        "informasjonTilSkattelister": {
            "nettoinntekt": assessment.alminnelig_inntekt,
            "nettoformue": assessment.nettoformue,
            "beregnetSkatt": assessment.utlignet_skatt,
        },
    }


def beregnet_skatt(*, assessment: Skatteoppgjoer) -> dict[str, Any]:
    """The answer of Beregnet skatt for the assessment's person and year."""
    return {
        "personidentifikator": assessment.personidentifikator,
        "inntektsaar": assessment.inntektsaar,
        "skjermet": False,
        "beregnetSkattFastland": beregnet_skatt_fastland(assessment=assessment),
        "skatteoppgjoersdato": assessment.skatteoppgjoersdato.isoformat(),
    }


# ------------------------------------------------------------------------------------------
# Pensjonsgivende inntekt for folketrygden
# ------------------------------------------------------------------------------------------


def pensjonsgivende_inntekt(*, assessment: Skatteoppgjoer) -> dict[str, Any]:
    """The answer of Pensjonsgivende inntekt for folketrygden for the assessment's person and
    year: one skatteordning (FASTLAND), all from pay."""
    return {
        "norskPersonidentifikator": assessment.personidentifikator,
        "inntektsaar": assessment.inntektsaar,
        "pensjonsgivendeInntekt": [
            {
                "skatteordning": "FASTLAND",
                "datoForFastsetting": assessment.skatteoppgjoersdato.isoformat(),
                "pensjonsgivendeInntektAvLoennsinntekt": assessment.pensjonsgivende_inntekt,
                "pensjonsgivendeInntektAvLoennsinntektBarePensjonsdel": None,
                "pensjonsgivendeInntektAvNaeringsinntekt": None,
                "pensjonsgivendeInntektAvNaeringsinntektFraFiskeFangstEllerFamiliebarnehage": None,
            }
        ],
    }


# ------------------------------------------------------------------------------------------
# Restanser
# ------------------------------------------------------------------------------------------


def restanser_per_kravtype(*, forfalt_og_ubetalt: Mapping[str, int]) -> dict[str, Any]:
    """Each kind of claim's overdue and unpaid amount (0 for a kind not owed); interest and
    fees are not modelled, so always 0."""
    return {
        kravtype: {"forfaltOgUbetalt": forfalt_og_ubetalt.get(kravtype, 0), "renterOgGebyrer": 0}
        for kravtype in KRAVTYPER
    }


def restanser(*, organisasjonsnummer: str, forfalt_og_ubetalt: Mapping[str, int]) -> dict[str, Any]:
    """The answer of Restanser for an organisation, from what it owes by kind of claim."""
    return {
        "forespurtOrganisasjonsnummer": organisasjonsnummer,
        **restanser_per_kravtype(forfalt_og_ubetalt=forfalt_og_ubetalt),
    }
