"""Reads of the address register: one address, search, counts and random picks.

Also the municipality and postal-code reference lists the register validates against. They
are read from the same vendored CSV files as ``felles.synth.reference``; registries must not
import synth (dependencies point downward), so ``_load_reference`` reads the files directly.
That function is the only place that knows where the files live.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from felles.registries.adresser.model import Vegadresse

#: Postal-code categories that carry street addresses: G (street addresses) and B (both).
ADDRESS_CATEGORIES = frozenset({"G", "B"})

#: Dwellings per floor when bruksenhetsnummer are derived from ``antall_bruksenheter``.
UNITS_PER_FLOOR = 4


# ------------------------------------------------------------------------ reference data


@dataclass(frozen=True, slots=True)
class Kommune:
    """A municipality the register accepts addresses in."""

    kommunenummer: str
    kommunenavn: str


@dataclass(frozen=True, slots=True)
class Postnummer:
    """A postal code from Posten's register; ``poststed`` is in UPPERCASE as there."""

    postnummer: str
    poststed: str
    kommunenummer: str
    kategori: str

    @property
    def carries_addresses(self) -> bool:
        return self.kategori in ADDRESS_CATEGORIES


@dataclass(frozen=True, slots=True)
class _Reference:
    kommuner: dict[str, Kommune]
    postnumre: dict[str, Postnummer]


def _csv_rows(filename: str) -> Iterator[dict[str, str]]:
    from importlib import resources  # lazy: only needed the first time reference data is read

    # Read through the ``felles`` package so that ``felles.synth`` is never imported.
    path = resources.files("felles").joinpath("synth", "data", filename)
    yield from csv.DictReader(path.read_text(encoding="utf-8").splitlines())


@cache
def _load_reference() -> _Reference:
    """Municipalities and postal codes from the vendored CSV files (read once)."""
    kommuner = {
        row["kommunenummer"]: Kommune(row["kommunenummer"], row["kommunenavn"])
        for row in _csv_rows("kommuner.csv")
    }
    postnumre = {
        row["postnummer"]: Postnummer(
            row["postnummer"], row["poststed"], row["kommunenummer"], row["kategori"]
        )
        for row in _csv_rows("postnummer.csv")
    }
    return _Reference(kommuner=kommuner, postnumre=postnumre)


def find_kommune(*, kommunenummer: str) -> Kommune | None:
    """The municipality with this number, or None if it is not in the municipality list."""
    return _load_reference().kommuner.get(kommunenummer)


def find_postnummer(*, postnummer: str) -> Postnummer | None:
    """The postal code, or None if Posten's register does not have it."""
    return _load_reference().postnumre.get(postnummer)


def kommunenavn(*, kommunenummer: str) -> str:
    """The municipality's name in uppercase, as Kartverket's API writes it ("" if unknown)."""
    kommune = find_kommune(kommunenummer=kommunenummer)
    return kommune.kommunenavn.upper() if kommune else ""


# --------------------------------------------------------------------------- single rows


def get_vegadresse(session: Session, adresse_id: int) -> Vegadresse | None:
    """The address with this id (adresseIdentifikatorFraMatrikkelen), or None."""
    return session.get(Vegadresse, adresse_id)


def get_by_street_and_number(
    session: Session,
    *,
    kommunenummer: str,
    adressekode: int,
    husnummer: int,
    husbokstav: str | None,
) -> Vegadresse | None:
    """The address at this street code and number in the municipality, or None."""
    query = select(Vegadresse).where(
        Vegadresse.kommunenummer == kommunenummer,
        Vegadresse.adressekode == adressekode,
        Vegadresse.husnummer == husnummer,
        _same_letter(husbokstav),
    )
    return session.scalars(query.limit(1)).first()


def street_name(session: Session, *, kommunenummer: str, adressekode: int) -> str | None:
    """The street name already registered for a street code in the municipality, or None."""
    query = select(Vegadresse.adressenavn).where(
        Vegadresse.kommunenummer == kommunenummer, Vegadresse.adressekode == adressekode
    )
    return session.scalars(query.limit(1)).first()


def next_id(session: Session) -> int:
    """The next free address id: one more than the highest in use (1 when empty)."""
    return (session.scalar(select(func.max(Vegadresse.id))) or 0) + 1


def _same_letter(husbokstav: str | None) -> ColumnElement[bool]:
    # NULL never equals NULL in SQL, so "no letter" needs IS NULL.
    if husbokstav is None:
        return Vegadresse.husbokstav.is_(None)
    return Vegadresse.husbokstav == husbokstav


# --------------------------------------------------------------------------------- search


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results and the total number of hits."""

    adresser: list[Vegadresse]
    totalt_antall_treff: int
    side: int
    treff_per_side: int


# "Storgata 5B, 0155 Oslo": street words, then an optional number and letter; after a comma
# an optional postal code and/or post town.
_SOK_STREET = re.compile(r"^(?P<navn>.*?)(?:\s+(?P<nummer>\d+)\s*(?P<bokstav>[^\W\d_])?)?$")
_SOK_POSTCODE = re.compile(r"^(?P<postnummer>\d{4})?\s*(?P<poststed>.*)$")


@dataclass(frozen=True, slots=True)
class _SokTerms:
    adressenavn: str | None = None
    nummer: int | None = None
    bokstav: str | None = None
    postnummer: str | None = None
    poststed: str | None = None


def _parse_sok(sok: str) -> _SokTerms:
    """Split a free-text search into street, number, letter, postal code and post town."""
    street_part, _, place_part = sok.partition(",")
    street = _SOK_STREET.match(street_part.strip())
    place = _SOK_POSTCODE.match(place_part.strip())
    assert street is not None and place is not None  # both patterns match any string
    nummer = street["nummer"]
    return _SokTerms(
        adressenavn=street["navn"].strip() or None,
        nummer=int(nummer) if nummer else None,
        bokstav=street["bokstav"],
        postnummer=place["postnummer"],
        poststed=place["poststed"].strip() or None,
    )


def _like_pattern(text: str, *, dialect: str) -> str:
    """A case-insensitive LIKE prefix pattern; ``*`` is a wildcard as in Kartverket's API."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = escaped.replace("*", "%").lower()
    if dialect == "sqlite":
        # SQLite's lower() and LIKE fold ASCII only; let any non-ASCII letter (æ, ø, å, ...)
        # match one character of either case instead of failing on "Ø" versus "ø".
        pattern = "".join("_" if ord(ch) > 127 else ch for ch in pattern)
    return pattern + "%"


def _text_starts_with(
    column: InstrumentedAttribute[str], text: str, *, dialect: str
) -> ColumnElement[bool]:
    return func.lower(column).like(_like_pattern(text, dialect=dialect), escape="\\")


def _filters(
    *,
    dialect: str,
    sok: str | None,
    kommunenummer: str | None,
    adressenavn: str | None,
    adressekode: int | None,
    nummer: int | None,
    bokstav: str | None,
    postnummer: str | None,
) -> list[ColumnElement[bool]]:
    terms = _parse_sok(sok) if sok else _SokTerms()
    conditions: list[ColumnElement[bool]] = []
    if kommunenummer is not None:
        conditions.append(Vegadresse.kommunenummer == kommunenummer)
    if adressekode is not None:
        conditions.append(Vegadresse.adressekode == adressekode)
    for name in (adressenavn, terms.adressenavn):
        if name:
            conditions.append(_text_starts_with(Vegadresse.adressenavn, name, dialect=dialect))
    for number in (nummer, terms.nummer):
        if number is not None:
            conditions.append(Vegadresse.husnummer == number)
    for letter in (bokstav, terms.bokstav):
        if letter:
            conditions.append(Vegadresse.husbokstav == letter.upper())
    for code in (postnummer, terms.postnummer):
        if code:
            conditions.append(Vegadresse.postnummer == code)
    if terms.poststed:
        conditions.append(_text_starts_with(Vegadresse.poststed, terms.poststed, dialect=dialect))
    return conditions


def search(
    session: Session,
    *,
    sok: str | None = None,
    kommunenummer: str | None = None,
    adressenavn: str | None = None,
    adressekode: int | None = None,
    nummer: int | None = None,
    bokstav: str | None = None,
    postnummer: str | None = None,
    side: int = 0,
    treffPerSide: int = 10,  # noqa: N803 - Kartverket's parameter name
) -> SearchPage:
    """Addresses matching every given criterion, one page at a time, in id order.

    ``sok`` is free text such as "Storgata 5B, 0155 Oslo"; names match case-insensitively
    from the start, ``*`` is a wildcard. Pages are 0-based like Kartverket's.
    """
    conditions = _filters(
        dialect=session.get_bind().dialect.name,
        sok=sok,
        kommunenummer=kommunenummer,
        adressenavn=adressenavn,
        adressekode=adressekode,
        nummer=nummer,
        bokstav=bokstav,
        postnummer=postnummer,
    )
    total = session.scalar(select(func.count()).select_from(Vegadresse).where(*conditions)) or 0
    query = (
        select(Vegadresse)
        .where(*conditions)
        .order_by(Vegadresse.id)
        .offset(side * treffPerSide)
        .limit(treffPerSide)
    )
    return SearchPage(
        adresser=list(session.scalars(query)),
        totalt_antall_treff=total,
        side=side,
        treff_per_side=treffPerSide,
    )


def bruksenhetsnumre(*, antall_bruksenheter: int) -> list[str]:
    """Dwelling numbers (H0101, H0102, ... H0201, ...) for a multi-dwelling address.

    One dwelling gives an empty list, as Kartverket's API shows for a detached house.
    Floors are filled ``UNITS_PER_FLOOR`` at a time from the first floor up (a felles
    convention: Matrikkelen has the real numbers, which the synthetic register does not).
    """
    if antall_bruksenheter <= 1:
        return []
    return [
        f"H{1 + i // UNITS_PER_FLOOR:02d}{1 + i % UNITS_PER_FLOOR:02d}"
        for i in range(antall_bruksenheter)
    ]


# ----------------------------------------------------------------- counts and random picks


@dataclass(frozen=True, slots=True)
class IdRange:
    """The lowest and highest address id in a municipality."""

    first: int
    last: int


def count_in_kommune(session: Session, *, kommunenummer: str) -> int:
    """How many addresses the municipality has."""
    query = select(func.count()).where(Vegadresse.kommunenummer == kommunenummer)
    return session.scalar(query) or 0


def id_range_in_kommune(session: Session, *, kommunenummer: str) -> IdRange | None:
    """The lowest and highest address id in the municipality, or None when it has none."""
    query = select(func.min(Vegadresse.id), func.max(Vegadresse.id)).where(
        Vegadresse.kommunenummer == kommunenummer
    )
    first, last = session.execute(query).one()
    return None if first is None else IdRange(first=first, last=last)


def id_ranges_by_kommune(session: Session) -> dict[str, IdRange]:
    """Every municipality's id range in one pass (a simulator computes this once)."""
    query = select(
        Vegadresse.kommunenummer, func.min(Vegadresse.id), func.max(Vegadresse.id)
    ).group_by(Vegadresse.kommunenummer)
    return {k: IdRange(first=lo, last=hi) for k, lo, hi in session.execute(query)}


def _first_at_or_after(
    session: Session, *, kommunenummer: str, adresse_id: int, last: int | None = None
) -> Vegadresse | None:
    query = select(Vegadresse).where(
        Vegadresse.kommunenummer == kommunenummer, Vegadresse.id >= adresse_id
    )
    if last is not None:
        query = query.where(Vegadresse.id <= last)
    return session.scalars(query.order_by(Vegadresse.id).limit(1)).first()


def random_addresses(
    session: Session,
    *,
    kommunenummer: str,
    n: int,
    rng: random.Random,
    id_range: IdRange | None = None,
) -> list[Vegadresse]:
    """``n`` existing addresses in the municipality picked at random (with replacement).

    Draws an id uniformly from the municipality's id range and takes the first address at or
    after it, never ``ORDER BY random()``. The pick is uniform when the municipality's ids
    are contiguous (as the population generator assigns them); an address after a gap in
    the ids is proportionally more likely. Pass ``id_range`` (from ``id_ranges_by_kommune``)
    to skip the range query. Empty list when there are no addresses. One statement for all
    picks (see ``random_addresses_in``).
    """
    bounds = id_range or id_range_in_kommune(session, kommunenummer=kommunenummer)
    if bounds is None or n <= 0:
        return []
    picked = random_addresses_in(session, wanted=[(kommunenummer, bounds)] * n, rng=rng)
    return [adresse for adresse in picked if adresse is not None]


def random_addresses_in(
    session: Session, *, wanted: Sequence[tuple[str, IdRange]], rng: random.Random
) -> list[Vegadresse | None]:
    """One random address per (kommunenummer, id range) of ``wanted``, in that order.

    The ids are drawn first and fetched in one statement; a drawn id that is not an address
    of its municipality (a gap in the ids) falls back to the first address after it, one
    indexed lookup each, so the picks are those of ``random_addresses``. None where the
    range holds no address of the municipality.
    """
    drawn = [rng.randint(bounds.first, bounds.last) for _, bounds in wanted]
    found = addresses_by_ids(session, ids=sorted(set(drawn)))
    picked: list[Vegadresse | None] = []
    for (kommunenummer, bounds), adresse_id in zip(wanted, drawn, strict=True):
        adresse = found.get(adresse_id)
        if adresse is None or adresse.kommunenummer != kommunenummer:
            adresse = _first_at_or_after(
                session, kommunenummer=kommunenummer, adresse_id=adresse_id, last=bounds.last
            )
        picked.append(adresse)
    return picked


def addresses_by_ids(session: Session, *, ids: Sequence[int]) -> dict[int, Vegadresse]:
    """The addresses with these ids, keyed by id (missing ids are left out)."""
    if not ids:
        return {}
    rows = session.scalars(select(Vegadresse).where(Vegadresse.id.in_(list(ids))))
    return {row.id: row for row in rows}
