"""Reads of Enhetsregisteret: unit status for other registries, lookup, search, roles, feed.

``unit_status`` and ``units_status`` are the contract other blocks (A-ordningen, property,
tax) use to check an employer or owner: they return small frozen values, never rows.
``unit_facts`` and ``units_facts`` are the same for the data distributor and evidence
bundles: a unit's open facts (names, codes, addresses, dates, flags) as frozen values.

Name search (decisions 0015 and 0021) matches words by prefix:
every word of ``navn`` must be the beginning of a word of the unit's name, in any order,
ignoring case, accents and punctuation: "brønnøy" and "bronnoy" find BRØNNØYSUNDREGISTRENE,
"registrene" does not (it is inside a word). On PostgreSQL this is a GIN full-text index probe
(``to_tsquery('simple', 'w1:* & w2:*')``) on the narrow ``enh_navnesok``; on SQLite a scan with
LIKE. A search by name alone is counted and ranked there, and only the page's units are read
from ``enh_enhet``; with other filters the name is one condition among them. Results are ordered by
a cheap score (the whole name; the first word as the name's first word; the name beginning
with the first word; the rest), then by shorter name, name and number, the same on both
databases.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from felles.kernel.db import member_of
from felles.registries.enhetsregisteret import reference
from felles.registries.enhetsregisteret.document import normalise_name
from felles.registries.enhetsregisteret.model import Enhet, Navnesok, Oppdatering, Rolle
from felles.registries.folkeregister import queries as folkeregister

MAX_DEPTH: Final = 10_000  # the real API's limit for (page + 1) * size
MAX_QUERY_WORDS: Final = 10
_CHUNK: Final = 1000


# ------------------------------------------------------------------------------------------
# The contract for other registries
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """What another registry needs to know about a unit to refer to it."""

    organisasjonsnummer: str
    navn: str
    organisasjonsform: str  # kode, e.g. "AS", "BEDR" for a sub-unit
    er_underenhet: bool
    overordnet_enhet: str | None  # the main entity of a sub-unit
    slettet: bool
    konkurs: bool


_STATUS_COLUMNS: Final = (
    Enhet.organisasjonsnummer,
    Enhet.navn,
    Enhet.organisasjonsform,
    Enhet.er_underenhet,
    Enhet.overordnet_enhet,
    Enhet.slettedato,
    Enhet.konkurs,
)


def _status(values: Sequence[Any]) -> UnitStatus:
    nr, navn, form, underenhet, overordnet, slettedato, konkurs = values
    return UnitStatus(
        organisasjonsnummer=nr,
        navn=navn,
        organisasjonsform=form,
        er_underenhet=bool(underenhet),
        overordnet_enhet=overordnet,
        slettet=slettedato is not None,
        konkurs=bool(konkurs),
    )


def unit_status(session: Session, *, orgnr: str) -> UnitStatus | None:
    """The status of the unit (main entity or sub-unit) with this number; None if unknown."""
    values = session.execute(
        select(*_STATUS_COLUMNS).where(Enhet.organisasjonsnummer == orgnr)
    ).first()
    return _status(values) if values is not None else None


def units_status(session: Session, *, orgnrs: Collection[str]) -> dict[str, UnitStatus]:
    """The status of each known unit among ``orgnrs``, by number (unknown ones left out)."""
    wanted = sorted(set(orgnrs))
    result: dict[str, UnitStatus] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(*_STATUS_COLUMNS).where(member_of(session, Enhet.organisasjonsnummer, chunk))
        for values in session.execute(query):
            status = _status(values)
            result[status.organisasjonsnummer] = status
    return result


# ------------------------------------------------------------------------------------------
# Public facts, for the data distributor and evidence
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """The open facts of a unit that the data distributor serves and evidence is built from.

    Addresses are the stored objects (``adresse`` lines, ``postnummer``, ``poststed``,
    ``kommunenummer``, ``kommune``, ``landkode``, ``land``) without empty members; for a
    sub-unit ``forretningsadresse`` is its beliggenhetsadresse. The register keeps no date of
    the registration in Merverdiavgiftsregisteret or Foretaksregisteret, only the flags.
    """

    organisasjonsnummer: str
    navn: str
    organisasjonsform: str
    er_underenhet: bool
    overordnet_enhet: str | None
    forretningsadresse: Mapping[str, Any] | None
    postadresse: Mapping[str, Any] | None
    naeringskoder: tuple[str, ...]  # naeringskode1, 2, 3 as far as given
    institusjonell_sektorkode: str | None
    registreringsdato: date
    registrert_i_mvaregisteret: bool
    registrert_i_foretaksregisteret: bool
    konkurs: bool
    konkursdato: date | None
    under_avvikling: bool
    under_avvikling_dato: date | None
    under_tvangsavvikling: bool
    slettedato: date | None


_FACT_COLUMNS: Final = (
    Enhet.organisasjonsnummer,
    Enhet.navn,
    Enhet.organisasjonsform,
    Enhet.er_underenhet,
    Enhet.overordnet_enhet,
    Enhet.forretningsadresse,
    Enhet.postadresse,
    Enhet.naeringskode1,
    Enhet.naeringskode2,
    Enhet.naeringskode3,
    Enhet.institusjonell_sektorkode,
    Enhet.registreringsdato,
    Enhet.registrert_i_mvaregisteret,
    Enhet.registrert_i_foretaksregisteret,
    Enhet.konkurs,
    Enhet.konkursdato,
    Enhet.under_avvikling,
    Enhet.under_avvikling_dato,
    Enhet.under_tvangsavvikling,
    Enhet.slettedato,
)


def _address_facts(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not value:
        return None
    kept = {key: item for key, item in value.items() if item not in (None, "")}
    if isinstance(kept.get("adresse"), list):
        kept["adresse"] = [str(line) for line in kept["adresse"]]
    return kept or None


def _facts(values: Sequence[Any]) -> UnitFacts:
    (nr, navn, form, underenhet, overordnet, forretning, post, n1, n2, n3, sektor) = values[:11]
    (registrert, mva, foretak, konkurs, konkursdato, avvikling, avviklingsdato) = values[11:18]
    tvangsavvikling, slettedato = values[18:]
    return UnitFacts(
        organisasjonsnummer=nr,
        navn=navn,
        organisasjonsform=form,
        er_underenhet=bool(underenhet),
        overordnet_enhet=overordnet,
        forretningsadresse=_address_facts(forretning),
        postadresse=_address_facts(post),
        naeringskoder=tuple(code for code in (n1, n2, n3) if code),
        institusjonell_sektorkode=sektor,
        registreringsdato=registrert,
        registrert_i_mvaregisteret=bool(mva),
        registrert_i_foretaksregisteret=bool(foretak),
        konkurs=bool(konkurs),
        konkursdato=konkursdato,
        under_avvikling=bool(avvikling),
        under_avvikling_dato=avviklingsdato,
        under_tvangsavvikling=bool(tvangsavvikling),
        slettedato=slettedato,
    )


def units_facts(session: Session, *, orgnrs: Collection[str]) -> dict[str, UnitFacts]:
    """The open facts of each known unit among ``orgnrs`` (deleted ones too), by number;
    unknown numbers are left out. One query per thousand numbers."""
    wanted = sorted(set(orgnrs))
    result: dict[str, UnitFacts] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(*_FACT_COLUMNS).where(member_of(session, Enhet.organisasjonsnummer, chunk))
        for values in session.execute(query):
            facts = _facts(values)
            result[facts.organisasjonsnummer] = facts
    return result


def unit_facts(session: Session, *, orgnr: str) -> UnitFacts | None:
    """The open facts of the unit with this number (deleted or not); None if unknown."""
    return units_facts(session, orgnrs=[orgnr]).get(orgnr)


# ------------------------------------------------------------------------------------------
# Rows
# ------------------------------------------------------------------------------------------


def get_unit(session: Session, *, orgnr: str) -> Enhet | None:
    """The unit (main entity or sub-unit) with this number, or None."""
    return session.scalar(select(Enhet).where(Enhet.organisasjonsnummer == orgnr))


def get_units(session: Session, *, orgnrs: Collection[str]) -> dict[str, Enhet]:
    """The units among ``orgnrs`` that exist, by number."""
    wanted = sorted(set(orgnrs))
    result: dict[str, Enhet] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(Enhet).where(member_of(session, Enhet.organisasjonsnummer, chunk))
        result.update((row.organisasjonsnummer, row) for row in session.scalars(query))
    return result


def sub_units_of(session: Session, *, orgnr: str) -> list[Enhet]:
    """The sub-units registered under a main entity (deleted ones too), by number."""
    query = (
        select(Enhet)
        .where(Enhet.overordnet_enhet == orgnr, Enhet.er_underenhet.is_(True))
        .order_by(Enhet.organisasjonsnummer)
    )
    return list(session.scalars(query))


def roles_of(session: Session, *, enhet_id: int) -> list[Rolle]:
    """The current roles of a main entity, in group and order."""
    query = select(Rolle).where(Rolle.enhet_id == enhet_id).order_by(Rolle.id)
    return list(session.scalars(query))


def roles_held_by_person(session: Session, *, ident: str) -> list[tuple[str, str]]:
    """(organisasjonsnummer, rolletype) of every current role the person holds."""
    query = (
        select(Enhet.organisasjonsnummer, Rolle.rolletype)
        .join(Enhet, Enhet.id == Rolle.enhet_id)
        .where(Rolle.person_ident == ident)
        .order_by(Enhet.organisasjonsnummer, Rolle.rolletype)
    )
    return [(nr, rolle) for nr, rolle in session.execute(query)]


# ------------------------------------------------------------------------------------------
# Search
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filter:
    """The search parameters of ``/enheter`` and ``/underenheter`` (None = not asked for)."""

    navn: str | None = None
    organisasjonsnummer: Sequence[str] = ()
    organisasjonsform: Sequence[str] = ()
    kommunenummer: Sequence[str] = ()
    naeringskode: Sequence[str] = ()
    overordnet_enhet: str | None = None
    konkurs: bool | None = None
    under_avvikling: bool | None = None
    registrert_i_mvaregisteret: bool | None = None
    registrert_i_foretaksregisteret: bool | None = None
    registrert_i_frivillighetsregisteret: bool | None = None
    registrert_i_stiftelsesregisteret: bool | None = None
    fra_antall_ansatte: int | None = None
    til_antall_ansatte: int | None = None
    fra_registreringsdato: date | None = None
    til_registreringsdato: date | None = None
    fra_stiftelsesdato: date | None = None
    til_stiftelsesdato: date | None = None
    institusjonell_sektorkode: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class SearchPage:
    rows: list[Enhet]
    total: int


def name_words(navn: str) -> list[str]:
    """The words a name query matches (normalised, at most MAX_QUERY_WORDS)."""
    return normalise_name(navn).split()[:MAX_QUERY_WORDS]


def _name_condition(session: Session, words: Sequence[str]) -> ColumnElement[bool]:
    """Every word is the start of a word of the name, on ``enh_navnesok``."""
    if session.get_bind().dialect.name == "postgresql":
        # Words are [a-z0-9]+ after normalisation, so no tsquery syntax can get in.
        query = " & ".join(f"{word}:*" for word in words)
        vector = func.to_tsvector(literal_column("'simple'"), Navnesok.navn_sok)
        return vector.op("@@")(func.to_tsquery(literal_column("'simple'"), query))
    padded: ColumnElement[str] = literal_column("' '") + Navnesok.navn_sok
    return and_(*(padded.like(f"% {word}%") for word in words))


def _prefix_match(codes: Sequence[str]) -> ColumnElement[bool]:
    """NACE codes at any level ("62", "62.0", "62.010") on any of the three codes."""
    conditions = [
        column.like(f"{code}%")
        for code in codes
        for column in (Enhet.naeringskode1, Enhet.naeringskode2, Enhet.naeringskode3)
    ]
    return or_(*conditions)


def _conditions(session: Session, *, underenhet: bool, where: Filter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Enhet.er_underenhet == underenhet,
        Enhet.slettedato.is_(None),
    ]
    words = name_words(where.navn) if where.navn else []
    if where.navn is not None and not words:
        conditions.append(literal_column("1") == literal_column("0"))  # nothing to match
    if words:
        named = select(Navnesok.enhet_id).where(_name_condition(session, words))
        conditions.append(Enhet.id.in_(named))
    lists = (
        (Enhet.organisasjonsnummer, where.organisasjonsnummer),
        (Enhet.organisasjonsform, where.organisasjonsform),
        (Enhet.kommunenummer, where.kommunenummer),
        (Enhet.institusjonell_sektorkode, where.institusjonell_sektorkode),
    )
    conditions.extend(column.in_(values) for column, values in lists if values)
    if where.naeringskode:
        conditions.append(_prefix_match(where.naeringskode))
    if where.overordnet_enhet is not None:
        conditions.append(Enhet.overordnet_enhet == where.overordnet_enhet)
    flags = (
        (Enhet.konkurs, where.konkurs),
        (Enhet.under_avvikling, where.under_avvikling),
        (Enhet.registrert_i_mvaregisteret, where.registrert_i_mvaregisteret),
        (Enhet.registrert_i_foretaksregisteret, where.registrert_i_foretaksregisteret),
        (Enhet.registrert_i_frivillighetsregisteret, where.registrert_i_frivillighetsregisteret),
        (Enhet.registrert_i_stiftelsesregisteret, where.registrert_i_stiftelsesregisteret),
    )
    conditions.extend(column.is_(value) for column, value in flags if value is not None)
    ranges: tuple[tuple[Any, Any, Any], ...] = (
        (Enhet.antall_ansatte, where.fra_antall_ansatte, where.til_antall_ansatte),
        (Enhet.registreringsdato, where.fra_registreringsdato, where.til_registreringsdato),
        (Enhet.stiftelsesdato, where.fra_stiftelsesdato, where.til_stiftelsesdato),
    )
    for column, low, high in ranges:
        if low is not None:
            conditions.append(column >= low)
        if high is not None:
            conditions.append(column <= high)
    return conditions


def _ordered(query: Select[Any], words: Sequence[str], navn_sok: Any, orgnr: Any) -> Select[Any]:
    if not words:
        return query.order_by(orgnr)
    first = words[0]
    score = case(
        (navn_sok == " ".join(words), 0),  # the whole name
        (or_(navn_sok == first, navn_sok.like(f"{first} %")), 1),  # the first word
        (navn_sok.like(f"{first}%"), 2),  # the name starts with the first word's prefix
        else_=3,
    )
    return query.order_by(score, func.length(navn_sok), navn_sok, orgnr)


def _name_only(where: Filter) -> bool:
    """Whether ``where`` asks for nothing but a name (empty lists and None elsewhere)."""
    others = (getattr(where, f.name) for f in fields(where) if f.name != "navn")
    return all(value is None or (isinstance(value, list | tuple) and not value) for value in others)


def _by_name_only(
    session: Session, *, underenhet: bool, words: Sequence[str], page: int, size: int
) -> SearchPage:
    """A search by name alone, counted and ranked on the narrow ``enh_navnesok`` (0021)."""
    conditions = [Navnesok.er_underenhet == underenhet, _name_condition(session, words)]
    # The matches are read once (a materialised CTE): counted for page.totalElements and
    # ranked for the page from the same rows, not by two scans of the index and table.
    matched = (
        select(Navnesok.enhet_id, Navnesok.navn_sok, Navnesok.organisasjonsnummer)
        .where(*conditions)
        .cte("matched")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    total_of_matched = select(func.count()).select_from(matched).scalar_subquery()
    ranked = _ordered(
        select(matched.c.enhet_id, total_of_matched.label("total")),
        words,
        matched.c.navn_sok,
        matched.c.organisasjonsnummer,
    )
    rows = session.execute(ranked.offset(page * size).limit(size)).all()
    if not rows:  # no match, or a page past the end: count alone
        total = session.scalar(select(func.count()).select_from(Navnesok).where(*conditions))
        return SearchPage(rows=[], total=total or 0)
    ids = [row.enhet_id for row in rows]
    units = {
        u.id: u for u in session.scalars(select(Enhet).where(member_of(session, Enhet.id, ids)))
    }
    return SearchPage(rows=[units[i] for i in ids if i in units], total=rows[0].total)


def search(
    session: Session, *, underenhet: bool, where: Filter, page: int, size: int
) -> SearchPage:
    """One page of units matching ``where`` (deleted units are never found)."""
    words = name_words(where.navn) if where.navn else []
    if words and _name_only(where):
        return _by_name_only(session, underenhet=underenhet, words=words, page=page, size=size)
    conditions = _conditions(session, underenhet=underenhet, where=where)
    total = session.scalar(select(func.count()).select_from(Enhet).where(*conditions)) or 0
    if total == 0 or page * size >= total:
        return SearchPage(rows=[], total=total)
    query = _ordered(
        select(Enhet).where(*conditions), words, Enhet.navn_sok, Enhet.organisasjonsnummer
    )
    rows = list(session.scalars(query.offset(page * size).limit(size)))
    return SearchPage(rows=rows, total=total)


# ------------------------------------------------------------------------------------------
# Roles as the API shows them
# ------------------------------------------------------------------------------------------


def _person_json(session: Session, ident: str) -> dict[str, Any] | None:
    person = folkeregister.get_person(session, ident=ident)
    if person is None:
        return None
    navn = {
        "fornavn": person.fornavn,
        "mellomnavn": person.mellomnavn,
        "etternavn": person.etternavn,
    }
    return {
        "fodselsdato": person.foedselsdato.isoformat(),
        "navn": {key: value for key, value in navn.items() if value},
        "erDoed": person.doedsdato is not None or person.status == "doed",
    }


def _unit_holder_json(unit: Enhet, base: str) -> dict[str, Any]:
    form = reference.organisasjonsformer().get(unit.organisasjonsform)
    return {
        "organisasjonsnummer": unit.organisasjonsnummer,
        "organisasjonsform": {
            "kode": unit.organisasjonsform,
            "beskrivelse": form.beskrivelse if form else unit.organisasjonsform,
            "_links": {"self": {"href": f"{base}/organisasjonsformer/{unit.organisasjonsform}"}},
        },
        "navn": [unit.navn],
        "erSlettet": unit.slettedato is not None,
    }


def roller_json(session: Session, *, enhet: Enhet, base: str) -> dict[str, Any]:
    """``GET /enheter/{orgnr}/roller``: the roles in groups, groups in the register's order."""
    roles = roles_of(session, enhet_id=enhet.id)
    holders = get_units(session, orgnrs={r.rolle_orgnr for r in roles if r.rolle_orgnr})
    types = reference.rolletyper()
    groups: dict[str, list[tuple[Rolle, dict[str, Any]]]] = {}
    for role in roles:
        entry: dict[str, Any] = {
            "type": {"kode": role.rolletype, "beskrivelse": types[role.rolletype].beskrivelse}
        }
        if role.person_ident is not None:
            person = _person_json(session, role.person_ident)
            if person is None:
                continue  # cannot happen through the operations; never show a bare number
            entry["person"] = person
        elif role.rolle_orgnr in holders:
            entry["enhet"] = _unit_holder_json(holders[role.rolle_orgnr], base)
        entry |= {"fratraadt": False, "avregistrert": False, "rekkefolge": role.rekkefolge}
        groups.setdefault(role.rollegruppe, []).append((role, entry))
    rollegrupper = []
    for kode, beskrivelse in reference.rollegrupper().items():
        members = groups.get(kode)
        if not members:
            continue
        members.sort(key=lambda pair: (pair[0].rekkefolge, pair[0].id))
        rollegrupper.append(
            {
                "type": {"kode": kode, "beskrivelse": beskrivelse},
                "sistEndret": max(role.registrert for role, _ in members).isoformat(),
                "roller": [entry for _, entry in members],
            }
        )
    return {"rollegrupper": rollegrupper}


# ------------------------------------------------------------------------------------------
# The change feed
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedPage:
    rows: list[Oppdatering]
    total: int


def updates(
    session: Session,
    *,
    underenhet: bool,
    fra_id: int | None,
    fra_dato: datetime | None,
    page: int,
    size: int,
) -> FeedPage:
    """Changes to main entities (or sub-units) from an id and/or a time, oldest first."""
    conditions: list[ColumnElement[bool]] = [Oppdatering.er_underenhet == underenhet]
    if fra_id is not None:
        conditions.append(Oppdatering.oppdateringsid >= fra_id)
    if fra_dato is not None:
        conditions.append(Oppdatering.dato >= fra_dato)
    total = session.scalar(select(func.count()).select_from(Oppdatering).where(*conditions)) or 0
    if total == 0 or page * size >= total:
        return FeedPage(rows=[], total=total)
    query = (
        select(Oppdatering)
        .where(*conditions)
        .order_by(Oppdatering.oppdateringsid)
        .offset(page * size)
        .limit(size)
    )
    return FeedPage(rows=list(session.scalars(query)), total=total)
