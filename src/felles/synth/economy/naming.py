"""Plausible names for generated entities, built from surnames, place words and trade words.

Brønnøysund shows names in capitals, as most units register them: ``HANSEN BYGG AS``,
``LIA IDRETTSLAG``, ``KARI NORDMANN FRISØR`` (an enkeltpersonforetak's name must contain the
owner's surname). ``navn_sok`` is the registry's own normalisation of the name
(``normalise_name``), applied once per distinct name.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from felles.registries.enhetsregisteret.document import normalise_name
from felles.synth import names
from felles.synth.economy import calibration
from felles.synth.economy.common import FloatArray, ObjArray, draw, objects


@cache
def _surnames() -> tuple[ObjArray, FloatArray]:
    values, weights = names.last_names()
    return objects([v.upper() for v in values.tolist()]), np.asarray(weights, dtype=np.float64)


def surnames(rng: np.random.Generator, size: int) -> ObjArray:
    values, weights = _surnames()
    return values[draw(weights, rng, size)]


def place_words(rng: np.random.Generator, size: int) -> ObjArray:
    words = calibration.place_words()
    return words[rng.integers(words.size, size=size)]


def entity_names(
    rng: np.random.Generator,
    form: ObjArray,
    trade: ObjArray,
    place: ObjArray,
    enk_names: tuple[ObjArray, ObjArray],
) -> ObjArray:
    """One name per entity, by its form: trade word, a place (kommune) and a surname."""
    n = form.size
    surname = surnames(rng, n)
    other = surnames(rng, n)
    local = place_words(rng, n)
    pattern = rng.random(n)
    base = np.where(
        pattern < 0.45,
        surname + " " + trade,
        np.where(pattern < 0.75, local + " " + trade, place + " " + trade),
    )
    out = base + " " + form  # AS, ASA, SA, DA, KS, NUF
    out = np.where(form == "ANS", surname + " & " + other + " ANS", out)
    out = np.where(form == "NUF", surname + " " + trade + " NORGE NUF", out)
    out = np.where(
        form == "FLI", np.where(pattern < 0.5, local + " " + trade, place + " " + trade), out
    )
    out = np.where(form == "STI", "STIFTELSEN " + local + " " + trade, out)
    out = np.where(form == "BRL", local + " BORETTSLAG", out)
    out = np.where(
        form == "ESEK",
        "SAMEIET " + local + " " + np.char.mod("%d", rng.integers(1, 60, n)).astype(object),
        out,
    )
    out = np.where(form == "SAM", local + " SAMEIE", out)
    enk = np.flatnonzero(form == "ENK")
    if enk.size:
        given = objects([str(v).upper() for v in enk_names[0].tolist()])
        family = objects([str(v).upper() for v in enk_names[1].tolist()])
        with_trade = rng.random(enk.size) < 0.6
        out[enk] = np.where(
            with_trade, given + " " + family + " " + trade[enk], given + " " + family
        )
    return np.asarray(out, dtype=object)


def search_names(navn: ObjArray) -> ObjArray:
    """``navn_sok`` for every name: the registry's normalisation, once per distinct name."""
    distinct, inverse = np.unique(navn, return_inverse=True)
    normalised = objects([normalise_name(v) for v in distinct.tolist()])
    return normalised[inverse.reshape(-1)]
