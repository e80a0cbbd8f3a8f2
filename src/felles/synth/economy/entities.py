"""Private entities of a region (AS, ENK, FLI, NUF, STI, SA, ANS/DA, ...) and their sub-units.

How many: Norway's number of units of each form (``organisasjonsformer.csv``) scaled to the
region's share of Norway's population. Each is an employer or not (the form's share with
employees); an employer gets an intended size from SSB's establishments by size class and
one sub-unit (BEDR/AAFY), a large one a few more in the region's municipalities. Workers
are later assigned to sub-units in proportion to these sizes; sub-units nobody came to are
dropped, so every sub-unit written has employees.

NACE codes: an employer's comes from the private employment of its section (SSB), so the
region's jobs are spread over industries like Norway's; a unit without employees gets the
code mix of its form (many holding and property companies among AS, farms and crafts among
ENK, sports clubs among FLI).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np

from felles.synth import reference
from felles.synth.economy import calibration, naming
from felles.synth.economy.common import (
    YEAR,
    BoolArray,
    FloatArray,
    IntArray,
    ObjArray,
    ages,
    draw,
    objects,
    round_randomly,
)
from felles.synth.economy.residents import Addresses, People

_REGISTER_START: Final = int(np.datetime64("1995-01-01", "D").astype(np.int64))
_OLDEST: Final = int(np.datetime64("1900-01-01", "D").astype(np.int64))
# Mean age in years of units of each form (estimates; holding companies and farms are old).
_MEAN_AGE: Final = {"AS": 11, "ASA": 25, "ENK": 8, "FLI": 25, "STI": 30, "BRL": 40, "ESEK": 22}
_DEFAULT_AGE: Final = 15
# Employers of these forms stay small (a sole trader, an association).
_SIZE_CAP: Final = {"ENK": 15, "FLI": 40, "STI": 150, "ANS": 60, "DA": 60, "BRL": 5, "SAM": 5}
_WEIGHT_COLUMN: Final = {"ENK": "enk", "FLI": "fli", "STI": "sti"}
_PROPERTY_FORMS: Final = frozenset({"BRL", "ESEK", "SAM"})


@dataclass(frozen=True, slots=True)
class Entities:
    """A region's private main entities (arrays of one length)."""

    orgnr: ObjArray
    form: ObjArray
    nace: IntArray  # index into calibration.industries()
    kommune: IntArray
    address: IntArray  # row in the region's Addresses
    founded: IntArray  # stiftelsesdato (day number)
    registered: IntArray  # registreringsdato i Enhetsregisteret
    employer: BoolArray
    size: FloatArray  # intended employees (0 when none)
    owner: IntArray  # ENK: the owner (index into People); -1 otherwise
    navn: ObjArray
    mva: BoolArray
    foretaksregister: BoolArray
    frivillighet: BoolArray


@dataclass(frozen=True, slots=True)
class SubUnits:
    """Candidate workplaces of the region's private employers (before workers are assigned)."""

    parent: IntArray  # index into Entities
    kommune: IntArray
    address: IntArray
    weight: FloatArray  # intended employees
    navn: ObjArray


@cache
def _nace_weights(column: str) -> FloatArray:
    industries = calibration.industries()
    if column != "arbeidsgiver":
        return industries.weights[column]
    # Employers: spread over sections like Norway's private employment.
    sections = calibration.sections()
    raw = industries.weights["arbeidsgiver"]
    within = np.bincount(industries.seksjon, weights=raw, minlength=sections.kode.size)
    private = sections.sysselsatte * (1 - sections.offentlig_andel)
    return np.asarray(raw / within[industries.seksjon] * private[industries.seksjon])


@cache
def _property_nace() -> int:
    return calibration.industries().index("68.320")


def _forms(rng: np.random.Generator, persons: int) -> ObjArray:
    forms = calibration.forms()
    counts = [
        round_randomly(expected, rng)
        for expected in (forms.antall_norge * persons / calibration.NORWAY_POPULATION).tolist()
    ]
    return np.repeat(forms.kode, counts)


def _nace(rng: np.random.Generator, form: ObjArray, employer: BoolArray) -> IntArray:
    nace = np.empty(form.size, dtype=np.int64)
    column = np.array([_WEIGHT_COLUMN.get(f, "as") for f in form.tolist()], dtype=object)
    column = np.where(employer & (column == "as"), "arbeidsgiver", column)
    for name in np.unique(column).tolist():
        where = np.flatnonzero(column == name)
        nace[where] = draw(_nace_weights(name), rng, where.size)
    nace[np.isin(form, list(_PROPERTY_FORMS))] = _property_nace()
    return nace


def _sizes(rng: np.random.Generator, form: ObjArray, employer: BoolArray) -> FloatArray:
    classes = calibration.size_classes()
    picked = draw(classes.share, rng, form.size)
    low, high = classes.low[picked], classes.high[picked] + 1
    size = np.floor(np.exp(np.log(low) + rng.random(form.size) * np.log(high / low)))
    cap = np.array([_SIZE_CAP.get(f, 1e9) for f in form.tolist()])
    return np.where(employer, np.minimum(size, cap), 0.0)


def _owners(rng: np.random.Generator, people: People, count: int, reference_day: int) -> IntArray:
    """ENK owners: residents aged 20-75, most often in their forties and fifties."""
    age = ages(people.birth, reference_day)
    weight = np.interp(age, [19, 20, 30, 45, 60, 70, 76], [0, 0.4, 1.0, 1.3, 1.0, 0.5, 0])
    weight = weight * np.where(people.female, 0.6, 1.0)
    return draw(weight, rng, count)


def _kommune_weights(people: People) -> FloatArray:
    return np.bincount(people.kommune, minlength=len(reference.kommuner())).astype(np.float64)


def address_in(rng: np.random.Generator, addresses: Addresses, kommune: IntArray) -> IntArray:
    """A random address row of each given municipality (any row when it has none here)."""
    order = np.argsort(addresses.kommune, kind="stable")
    sorted_kommune = addresses.kommune[order]
    first = np.searchsorted(sorted_kommune, kommune, side="left")
    last = np.searchsorted(sorted_kommune, kommune, side="right")
    count = last - first
    anywhere = rng.integers(addresses.size, size=kommune.size)
    pick = first + np.floor(rng.random(kommune.size) * np.maximum(count, 1)).astype(np.int64)
    return np.where(count > 0, order[np.minimum(pick, addresses.size - 1)], anywhere)


def home_address(addresses: Addresses, adresse_id: IntArray) -> IntArray:
    """Row in ``addresses`` of each address id (all of a region's people live at one)."""
    return np.searchsorted(addresses.adresse_id, adresse_id).clip(0, addresses.size - 1)


def _dates(
    rng: np.random.Generator, form: ObjArray, owner_birth: IntArray, reference_day: int
) -> tuple[IntArray, IntArray]:
    mean = np.array([_MEAN_AGE.get(f, _DEFAULT_AGE) for f in form.tolist()], dtype=np.float64)
    years = rng.exponential(mean)
    founded = reference_day - 30 - np.round(years * YEAR).astype(np.int64)
    founded = np.maximum(founded, np.maximum(owner_birth + round(18 * YEAR), _OLDEST))
    founded = np.minimum(founded, reference_day - 30)
    # Enhetsregisteret opened in 1995: older units were registered in its first years.
    late = _REGISTER_START + rng.integers(0, 730, form.size)
    registered = np.where(founded < _REGISTER_START, late, founded + rng.integers(0, 20, form.size))
    return founded, np.minimum(registered, reference_day - 1)


def generate_entities(
    rng: np.random.Generator,
    people: People,
    addresses: Addresses,
    reference_day: int,
    enk_names: object,
) -> Entities:
    """The region's private entities (without numbers: ``orgnr`` is filled by the caller).

    ``enk_names`` is called with the owners' person indices and returns their
    (fornavn, etternavn).
    """
    forms = calibration.forms()
    form = _forms(rng, people.size)
    n = form.size
    form_index = np.array([forms.index(f) for f in form.tolist()], dtype=np.int64)
    employer = rng.random(n) < forms.arbeidsgiver_andel[form_index]
    nace = _nace(rng, form, employer)
    size = _sizes(rng, form, employer)

    owner = np.full(n, -1, dtype=np.int64)
    enk = np.flatnonzero(form == "ENK")
    owner[enk] = _owners(rng, people, enk.size, reference_day)
    kommune = draw(_kommune_weights(people), rng, n)
    address = address_in(rng, addresses, kommune)
    # A sole trader's business address is usually the owner's home.
    kommune[enk] = people.kommune[owner[enk]]
    address[enk] = home_address(addresses, people.adresse_id[owner[enk]])
    owner_birth = np.where(owner >= 0, people.birth[np.maximum(owner, 0)], _OLDEST)
    founded, registered = _dates(rng, form, owner_birth, reference_day)

    industries = calibration.industries()
    place = objects([reference.kommuner()[k].kommunenavn.upper() for k in kommune.tolist()])
    given, family = enk_names(owner[enk])  # type: ignore[operator]
    navn = naming.entity_names(rng, form, industries.ord[nace], place, (given, family))

    mva_share = forms.mva_andel[form_index] * np.where(employer, 1.3, 1.0)
    fr_share = forms.foretaksregister_andel[form_index]
    # A sole trader with five or more employees must be in Foretaksregisteret.
    fr = (rng.random(n) < fr_share) | ((form == "ENK") & (size >= 5))
    return Entities(
        orgnr=np.full(n, None, dtype=object),
        form=form,
        nace=nace,
        kommune=kommune,
        address=address,
        founded=founded,
        registered=registered,
        employer=employer,
        size=size,
        owner=owner,
        navn=navn,
        mva=rng.random(n) < mva_share,
        foretaksregister=fr,
        frivillighet=rng.random(n) < forms.frivillighet_andel[form_index],
    )


def candidate_sub_units(
    rng: np.random.Generator, entities: Entities, people: People, addresses: Addresses
) -> SubUnits:
    """Workplaces of the employers: one each, a few more for large ones."""
    employers = np.flatnonzero(entities.employer)
    size = entities.size[employers]
    extra = np.where(size >= 50, np.minimum(rng.poisson(size / 200.0), 19), 0)
    count = 1 + extra
    parent = np.repeat(employers, count)
    first = np.ones(parent.size, dtype=bool)
    first[1:] = parent[1:] != parent[:-1]
    kommune = np.where(
        first, entities.kommune[parent], draw(_kommune_weights(people), rng, parent.size)
    )
    address = np.where(first, entities.address[parent], address_in(rng, addresses, kommune))
    navn = entities.navn[parent].copy()
    branch = np.flatnonzero(~first)
    if branch.size:
        place = objects(
            [reference.kommuner()[k].kommunenavn.upper() for k in kommune[branch].tolist()]
        )
        navn[branch] = navn[branch] + " AVD " + place
    weight = np.repeat(size / count, count)
    return SubUnits(parent=parent, kommune=kommune, address=address, weight=weight, navn=navn)
