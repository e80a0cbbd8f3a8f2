"""The data a decision is about: datasets and their fields, by dotted name.

A field is named ``<dataset>.<field>``, e.g. ``folkeregister.person.basis.navn``: the dataset
is every component but the last. The future data distributor maps each dataset to a product
(an API and its JSON members); legal bases, consents and decisions speak only these names.

Each dataset belongs to one area (``omraade``) that a fullmakt can cover, and says which of
its fields are sensitive (special categories of personal data, GDPR art. 9: they need
assurance level high) and which are addresses (withheld when the subject's address is
protected unless a legal basis names the protection level).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from felles.kernel.errors import InvalidInput

#: Areas a fullmakt can cover; ``alt`` covers every area.
AREAS: Final = ("helse", "skatt", "nav", "personopplysninger", "alt")
ALL_AREAS: Final = "alt"


@dataclass(frozen=True, slots=True)
class Dataset:
    """A dataset: its fields, area, and which fields are sensitive or addresses."""

    name: str
    area: str
    fields: tuple[str, ...]
    register: str
    sensitive: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()


_DATASETS: Final = (
    Dataset(
        "folkeregister.person.basis",
        "personopplysninger",
        (
            "identifikasjonsnummer",
            "navn",
            "foedselsdato",
            "kjoenn",
            "status",
            "statsborgerskap",
            "doedsfall",
            "adressebeskyttelse",
            "bostedsadresse",
            "postadresse",
        ),
        "Folkeregisteret",
        addresses=frozenset({"bostedsadresse", "postadresse"}),
    ),
    Dataset(
        "folkeregister.familie",
        "personopplysninger",
        ("sivilstand", "familierelasjon", "foreldreansvar"),
        "Folkeregisteret",
    ),
    Dataset(
        "krr.kontakt",
        "personopplysninger",
        (
            "epostadresse",
            "mobiltelefonnummer",
            "reservasjon",
            "spraak",
            "digitalPostkasse",
            "varslingsstatus",
        ),
        "Kontakt- og reservasjonsregisteret",
    ),
    Dataset(
        "arbeid.arbeidsforhold",
        "nav",
        ("arbeidsforhold",),
        "Aa-registeret",
    ),
    Dataset(
        "arbeid.inntekt.siste-36-mnd", "skatt", ("inntekt",), "A-ordningen (inntektskomponenten)"
    ),
    Dataset(
        "skatt.skatteoppgjoer.sammendrag",
        "skatt",
        ("inntekt", "fradrag", "formue", "gjeld"),
        "Skatteetaten (summert skattegrunnlag)",
    ),
    Dataset("skatt.beregnetskatt", "skatt", ("beregnetSkatt",), "Skatteetaten (beregnet skatt)"),
    Dataset(
        "skatt.pensjonsgivendeinntekt",
        "skatt",
        ("pensjonsgivendeInntekt",),
        "Skatteetaten (pensjonsgivende inntekt for folketrygden)",
    ),
    Dataset("skatt.restanser", "skatt", ("restanser",), "Skatteetaten (innkreving)"),
    Dataset("eiendom.eierskap", "personopplysninger", ("eiendommer",), "Grunnboken"),
    # The access log itself: a person reads their own, or the log of someone they act for.
    Dataset("innsynslogg.innsyn", "personopplysninger", ("innsyn",), "felles (innsynslogg)"),
    # The person's life-event journeys: their own, or those of someone they act for.
    Dataset("livshendelser.reise", "personopplysninger", ("reiser",), "felles (livshendelser)"),
    Dataset(
        "helse.sysvak.vaksinasjoner",
        "helse",
        ("vaksinasjoner",),
        "SYSVAK (not built in felles yet)",
        sensitive=frozenset({"vaksinasjoner"}),
    ),
)

DATASETS: Final[Mapping[str, Dataset]] = {dataset.name: dataset for dataset in _DATASETS}
#: Every field's full name, mapped to its dataset.
FIELDS: Final[Mapping[str, Dataset]] = {
    f"{dataset.name}.{field}": dataset for dataset in _DATASETS for field in dataset.fields
}
SENSITIVE: Final = frozenset(f"{d.name}.{field}" for d in _DATASETS for field in d.sensitive)
ADDRESSES: Final = frozenset(f"{d.name}.{field}" for d in _DATASETS for field in d.addresses)
#: Each field's area.
AREA_OF: Final[Mapping[str, str]] = {name: dataset.area for name, dataset in FIELDS.items()}


def fields_of(dataset: str) -> frozenset[str]:
    """Every field of the dataset, by full name (KeyError if unknown)."""
    known = DATASETS[dataset]
    return frozenset(f"{known.name}.{field}" for field in known.fields)


def expand(names: Iterable[str]) -> frozenset[str]:
    """Full field names for ``names``: each a field, or a dataset meaning all its fields.

    An unknown name is ``InvalidInput`` (422) naming it (names are never personal data).
    """
    result: set[str] = set()
    for name in names:
        if name in FIELDS:
            result.add(name)
        elif name in DATASETS:
            result |= fields_of(name)
        else:
            raise InvalidInput(f"unknown dataset or field: {name[:120]!r}")
    return frozenset(result)
