"""Data products over Skatteetaten: declared here, loaded through the registry's query functions.

Values use the names of Skatteetaten's own APIs: the ``tekniskNavn`` of Summert
skattegrunnlag's posts, Beregnet skatt's ``beregnetSkattFastland``, the posts of
pensjonsgivende inntekt for folketrygden, and Restanser's amounts per kind of claim. They are
built by the registry's ``documents``, the same functions its API answers with, so a product
and the API show the same amounts.

The skatteoppgjør products read the current assessment of each income year made by the day of
``at`` (``skatteoppgjoersdato``); the summary and the computed tax are those of the latest such
year, pensionable income is given for every such year. Assessments and claims are kept under
the identity number current when they were made, so a subject is resolved through
Folkeregisteret to every number of the person first. Known means known to Folkeregisteret, as
the registry's API answers 404 for anyone else; a known person without an assessment gets null
(Skatteetaten's SSG-007), one without arrears gets zeros, as the Restanser API does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from felles.registries.skatt import documents, events, queries
from felles.registries.skatt.model import Skatteoppgjoer
from felles.sharing.product import Product, ProductField, Texts
from felles.sharing.products.common import (
    DATE,
    ChunkLoader,
    Owner,
    Values,
    all_idents,
    day_of,
    gather,
    nullable,
    person_idents,
    person_product,
    texts,
)

OWNER: Final = Owner("974761076", "Skatteetaten")
_ASSESSMENT_EVENTS: Final = (events.SKATTEOPPGJOER_FASTSATT, events.SKATTEOPPGJOER_ENDRET)


# ------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------


def _by_year(rows: Iterable[Skatteoppgjoer]) -> list[Skatteoppgjoer]:
    """One assessment per income year (the one made last), latest year first."""
    chosen: dict[int, Skatteoppgjoer] = {}
    for row in rows:
        known = chosen.get(row.inntektsaar)
        if known is None or (row.skatteoppgjoersdato, row.id) > (
            known.skatteoppgjoersdato,
            known.id,
        ):
            chosen[row.inntektsaar] = row
    return [chosen[year] for year in sorted(chosen, reverse=True)]


def _assessment_loader(values: Callable[[list[Skatteoppgjoer]], dict[str, Any]]) -> ChunkLoader:
    """A chunk loader giving each known person ``values`` of their assessments by year."""

    def load(session: Session, subjects: list[str], at: datetime) -> Values:
        idents = person_idents(session, subjects)
        found = queries.assessments_by_ident(session, idents=all_idents(idents), made_by=day_of(at))
        return {subject: values(_by_year(rows)) for subject, rows in gather(idents, found).items()}

    return load


def _year(row: Skatteoppgjoer) -> dict[str, Any]:
    return {
        "inntektsaar": row.inntektsaar,
        "skatteoppgjoersdato": row.skatteoppgjoersdato.isoformat(),
    }


def _sammendrag(years: list[Skatteoppgjoer]) -> dict[str, Any]:
    """The latest year's posts of Summert skattegrunnlag, grouped as the product's fields."""
    if not years:
        return dict.fromkeys(_SAMMENDRAG_POSTS)
    row = years[0]
    posts = documents.skattegrunnlag(assessment=row)
    return {
        field: _year(row) | {teknisk_navn: posts[teknisk_navn] for teknisk_navn in amounts}
        for field, amounts in _SAMMENDRAG_POSTS.items()
    }


def _beregnet_skatt(years: list[Skatteoppgjoer]) -> dict[str, Any]:
    if not years:
        return {"beregnetSkatt": None}
    row = years[0]
    fastland = documents.beregnet_skatt_fastland(assessment=row)
    return {"beregnetSkatt": _year(row) | {"beregnetSkattFastland": fastland}}


def _pensjonsgivende_inntekt(years: list[Skatteoppgjoer]) -> dict[str, Any]:
    """Each year's answer of the API for folketrygden, without the person's number."""
    answers = [documents.pensjonsgivende_inntekt(assessment=row) for row in years]
    return {
        "pensjonsgivendeInntekt": [
            {
                "inntektsaar": answer["inntektsaar"],
                "pensjonsgivendeInntekt": answer["pensjonsgivendeInntekt"],
            }
            for answer in answers
        ]
    }


def _load_restanser(session: Session, subjects: list[str], at: datetime) -> Values:
    idents = person_idents(session, subjects)
    found = queries.arrears_by_debtor(session, skyldnere=all_idents(idents), today=day_of(at))
    result: Values = {}
    for subject, numbers in idents.items():
        owed: Counter[str] = Counter()
        for number in numbers:
            owed.update(found[number].forfalt_og_ubetalt)
        result[subject] = {
            "restanser": documents.restanser_per_kravtype(forfalt_og_ubetalt=owed),
        }
    return result


# ------------------------------------------------------------------------------------------
# Schemas
# ------------------------------------------------------------------------------------------

_AMOUNT: Final = {"type": "integer", "minimum": 0}
_SIGNED: Final = {"type": "integer"}
_YEAR: Final = {
    "inntektsaar": {"type": "integer", "minimum": 2022},
    "skatteoppgjoersdato": DATE,
}


def _yearly(amounts: dict[str, Any]) -> dict[str, Any]:
    """A nullable object with the income year, the day of the assessment and ``amounts``."""
    return nullable(
        {
            "type": "object",
            "properties": {**_YEAR, **amounts},
            "required": [*_YEAR, *amounts],
            "additionalProperties": False,
        }
    )


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_GRUNNLAG_OG_BELOEP: Final = _object({"grunnlag": _AMOUNT, "beloep": _AMOUNT})
#: The posts of Summert skattegrunnlag each field of the summary gives, with their schemas.
_SAMMENDRAG_POSTS: Final[dict[str, dict[str, Any]]] = {
    "inntekt": {
        "samletLoennsinntektMedTrygdeavgiftspliktOgMedTrekkplikt": _AMOUNT,
        "samledeOpptjenteRenterIInnenlandskeBanker": _AMOUNT,
        "alminneligInntektFoerSaerfradrag": _SIGNED,
    },
    "fradrag": {
        "minstefradragIInntekt": _AMOUNT,
        "samledePaaloepteRenterPaaGjeldIInnenlandskeBanker": _AMOUNT,
    },
    "formue": {"bruttoformue": _AMOUNT, "nettoformue": _SIGNED},
    "gjeld": {"samletGjeld": _AMOUNT},
}

_SAMMENDRAG_FIELDS: Final = (
    ProductField(
        "inntekt",
        _yearly(_SAMMENDRAG_POSTS["inntekt"]),
        texts(
            "Inntekt i siste skatteoppgjør: lønn, renteinntekter og alminnelig inntekt før "
            "særfradrag (kan være negativ), i hele kroner, med inntektsåret; null når personen "
            "ikke har noe skatteoppgjør.",
            "Inntekt i det siste skatteoppgjeret: løn, renteinntekter og alminneleg inntekt før "
            "særfrådrag (kan vere negativ), i heile kroner, med inntektsåret; null når personen "
            "ikkje har noko skatteoppgjer.",
            "Income in the latest tax assessment: pay, interest income and ordinary income "
            "before special deductions (may be negative), in whole NOK, with the income year; "
            "null when the person has no assessment.",
        ),
    ),
    ProductField(
        "fradrag",
        _yearly(_SAMMENDRAG_POSTS["fradrag"]),
        texts(
            "Fradrag i siste skatteoppgjør: minstefradrag og renteutgifter, i hele kroner, med "
            "inntektsåret; null når personen ikke har noe skatteoppgjør.",
            "Frådrag i det siste skatteoppgjeret: minstefrådrag og renteutgifter, i heile "
            "kroner, med inntektsåret; null når personen ikkje har noko skatteoppgjer.",
            "Deductions in the latest tax assessment: the standard deduction and interest paid, "
            "in whole NOK, with the income year; null when the person has no assessment.",
        ),
    ),
    ProductField(
        "formue",
        _yearly(_SAMMENDRAG_POSTS["formue"]),
        texts(
            "Formue i siste skatteoppgjør: bruttoformue og nettoformue (kan være negativ), i "
            "hele kroner, med inntektsåret; null når personen ikke har noe skatteoppgjør.",
            "Formue i det siste skatteoppgjeret: bruttoformue og nettoformue (kan vere "
            "negativ), i heile kroner, med inntektsåret; null når personen ikkje har noko "
            "skatteoppgjer.",
            "Wealth in the latest tax assessment: gross and net wealth (net may be negative), "
            "in whole NOK, with the income year; null when the person has no assessment.",
        ),
    ),
    ProductField(
        "gjeld",
        _yearly(_SAMMENDRAG_POSTS["gjeld"]),
        texts(
            "Samlet gjeld i siste skatteoppgjør, i hele kroner, med inntektsåret; null når "
            "personen ikke har noe skatteoppgjør.",
            "Samla gjeld i det siste skatteoppgjeret, i heile kroner, med inntektsåret; null "
            "når personen ikkje har noko skatteoppgjer.",
            "Total debt in the latest tax assessment, in whole NOK, with the income year; null "
            "when the person has no assessment.",
        ),
    ),
)

_BEREGNET_SKATT: Final = _yearly(
    {
        "beregnetSkattFastland": _object(
            {
                "skatteklasse": {"const": "1"},
                "beregnetSkatt": _AMOUNT,
                "skattOgAvgift": _object(
                    {
                        "inntektsskattAvAlminneligInntekt": _GRUNNLAG_OG_BELOEP,
                        "trinnskatt": _GRUNNLAG_OG_BELOEP,
                        "trygdeavgiftAvLoennsinntekt": _GRUNNLAG_OG_BELOEP,
                        "sumTrygdeavgift": _GRUNNLAG_OG_BELOEP,
                        "formuesskatt": _GRUNNLAG_OG_BELOEP,
                    }
                ),
                "oevrigeResultaterAvBeregning": _object(
                    {"alminneligInntektFoerSaerfradrag": _SIGNED, "pensjonsgivendeInntekt": _AMOUNT}
                ),
                "informasjonTilSkattelister": _object(
                    {"nettoinntekt": _SIGNED, "nettoformue": _SIGNED, "beregnetSkatt": _AMOUNT}
                ),
            }
        )
    }
)

_PENSJONSGIVENDE_INNTEKT: Final = {
    "type": "array",
    "items": _object(
        {
            "inntektsaar": _YEAR["inntektsaar"],
            "pensjonsgivendeInntekt": {
                "type": "array",
                "items": _object(
                    {
                        "skatteordning": {
                            "type": "string",
                            "enum": ["FASTLAND", "SVALBARD", "KILDESKATT_PAA_LOENN"],
                        },
                        "datoForFastsetting": DATE,
                        "pensjonsgivendeInntektAvLoennsinntekt": nullable(_AMOUNT),
                        "pensjonsgivendeInntektAvLoennsinntektBarePensjonsdel": nullable(_AMOUNT),
                        "pensjonsgivendeInntektAvNaeringsinntekt": nullable(_SIGNED),
                        "pensjonsgivendeInntektAvNaeringsinntektFraFiskeFangstEllerFamiliebarnehage": (  # noqa: E501
                            nullable(_SIGNED)
                        ),
                    }
                ),
                "minItems": 1,
            },
        }
    ),
}

_RESTANSEBELOEP: Final = _object({"forfaltOgUbetalt": _AMOUNT, "renterOgGebyrer": _AMOUNT})
_RESTANSER: Final = _object(dict.fromkeys(documents.KRAVTYPER, _RESTANSEBELOEP))


def _assessment_product(
    *,
    name: str,
    version: str,
    title: Texts,
    description: Texts,
    fields: tuple[ProductField, ...],
    values: Callable[[list[Skatteoppgjoer]], dict[str, Any]],
) -> Product:
    """A product of ``values`` of each person's assessments by year, changed by every new
    assessment."""
    return person_product(
        owner=OWNER,
        name=name,
        version=version,
        title=title,
        description=description,
        fields=fields,
        load=_assessment_loader(values),
        changed_by=_ASSESSMENT_EVENTS,
    )


PRODUCTS: Final[tuple[Product, ...]] = (
    _assessment_product(
        name="skatt.skatteoppgjoer.sammendrag",
        version="1.0.0",
        title=texts(
            "Sammendrag av skatteoppgjøret",
            "Samandrag av skatteoppgjeret",
            "Summary of the tax assessment",
        ),
        description=texts(
            "Inntekt, fradrag, formue og gjeld fra personens siste skatteoppgjør på "
            "tidspunktet, med inntektsåret, slik Summert skattegrunnlag navngir postene.",
            "Inntekt, frådrag, formue og gjeld frå det siste skatteoppgjeret til personen på "
            "tidspunktet, med inntektsåret, slik Summert skattegrunnlag namngir postane.",
            "Income, deductions, wealth and debt from the person's latest tax assessment at "
            "the time, with the income year, named as in Summert skattegrunnlag.",
        ),
        fields=_SAMMENDRAG_FIELDS,
        values=_sammendrag,
    ),
    _assessment_product(
        name="skatt.beregnetskatt",
        version="1.0.0",
        title=texts("Beregnet skatt", "Berekna skatt", "Computed tax"),
        description=texts(
            "Skatten som er beregnet i personens siste skatteoppgjør på tidspunktet, med "
            "grunnlagene, slik Skatteetatens API for beregnet skatt viser den.",
            "Skatten som er berekna i det siste skatteoppgjeret til personen på tidspunktet, "
            "med grunnlaga, slik API-et til Skatteetaten for berekna skatt viser han.",
            "The tax computed in the person's latest tax assessment at the time, with its "
            "bases, as Skatteetaten's Beregnet skatt API shows it.",
        ),
        fields=(
            ProductField(
                "beregnetSkatt",
                _BEREGNET_SKATT,
                texts(
                    "Beregnet skatt for fastlandet: samlet skatt, skatt og avgift med grunnlag "
                    "og beløp, og tall til skattelistene, i hele kroner, med inntektsåret; null "
                    "når personen ikke har noe skatteoppgjør.",
                    "Berekna skatt for fastlandet: samla skatt, skatt og avgift med grunnlag og "
                    "beløp, og tal til skattelistene, i heile kroner, med inntektsåret; null når "
                    "personen ikkje har noko skatteoppgjer.",
                    "Computed tax (mainland): total tax, each tax and contribution with its base "
                    "and amount, and the tax-list figures, in whole NOK, with the income year; "
                    "null when the person has no assessment.",
                ),
            ),
        ),
        values=_beregnet_skatt,
    ),
    _assessment_product(
        name="skatt.pensjonsgivendeinntekt",
        version="1.0.0",
        title=texts("Pensjonsgivende inntekt", "Pensjonsgivande inntekt", "Pensionable income"),
        description=texts(
            "Pensjonsgivende inntekt for folketrygden for hvert inntektsår personen har fått "
            "skatteoppgjør for innen tidspunktet, nyeste først.",
            "Pensjonsgivande inntekt for folketrygda for kvart inntektsår personen har fått "
            "skatteoppgjer for innan tidspunktet, nyaste først.",
            "Pensionable income for the National Insurance scheme for each income year the "
            "person has been assessed for by the time, newest first.",
        ),
        fields=(
            ProductField(
                "pensjonsgivendeInntekt",
                _PENSJONSGIVENDE_INNTEKT,
                texts(
                    "Per inntektsår: pensjonsgivende inntekt per skatteordning med dato for "
                    "fastsetting, i hele kroner; tom liste når personen ikke har noe "
                    "skatteoppgjør.",
                    "Per inntektsår: pensjonsgivande inntekt per skatteordning med dato for "
                    "fastsetjing, i heile kroner; tom liste når personen ikkje har noko "
                    "skatteoppgjer.",
                    "Per income year: pensionable income per tax scheme with the date it was "
                    "set, in whole NOK; an empty list when the person has no assessment.",
                ),
            ),
        ),
        values=_pensjonsgivende_inntekt,
    ),
    person_product(
        owner=OWNER,
        name="skatt.restanser",
        version="1.0.0",
        title=texts("Restanser", "Restansar", "Arrears"),
        description=texts(
            "Krav fra Skatteetaten som er forfalt og ikke betalt på tidspunktet, per kravtype.",
            "Krav frå Skatteetaten som er forfalne og ikkje betalte på tidspunktet, per kravtype.",
            "Skatteetaten's claims that are due and unpaid at the time, per kind of claim.",
        ),
        fields=(
            ProductField(
                "restanser",
                _RESTANSER,
                texts(
                    "Forfalt og ubetalt beløp per kravtype i hele kroner, slik Skatteetatens "
                    "API for restanser viser det (en person kan bare skylde skatt; de andre "
                    "kravtypene er 0). Renter og gebyrer er ikke modellert og alltid 0.",
                    "Forfalle og ubetalt beløp per kravtype i heile kroner, slik API-et til "
                    "Skatteetaten for restansar viser det (ein person kan berre skulde skatt; "
                    "dei andre kravtypane er 0). Renter og gebyr er ikkje modellerte og alltid 0.",
                    "The amount due and unpaid per kind of claim in whole NOK, as Skatteetaten's "
                    "Restanser API shows it (a person can only owe skatt; the other kinds are "
                    "0). Interest and fees are not modelled and always 0.",
                ),
            ),
        ),
        load=_load_restanser,
        changed_by=(events.RESTANSE_REGISTRERT, events.RESTANSE_BETALT),
    ),
)
