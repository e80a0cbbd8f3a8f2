"""The person document (``Folkeregisterperson``) with the real field names.

Every element is a list of versions, the current one first (``erGjeldende: true``), then the
superseded ones from ``frg_historikk`` (newest first). As in Skatteetaten's API the register
metadata sits flat on each version: ``ajourholdstidspunkt``, ``erGjeldende``, ``kilde``,
``aarsak``, ``gyldighetstidspunkt``, ``opphoerstidspunkt``. ``doedsfall`` is a single object,
as in the real API (``Folkeregisterperson.doedsfall`` is not a list there).

Differences from a naive column dump, on purpose:

* A protected address (adressebeskyttelse ``fortrolig`` or ``strengtFortrolig``) is left out:
  the document carries ``adressebeskyttelse`` and no ``bostedsadresse``.
  ``include_protected_address=True`` is for a later access-control block to pass for entitled
  consumers; nothing passes it today. Each superseded address keeps the gradering in force when
  it was superseded, so an address left while the person was protected stays hidden after the
  protection is lifted (lifting it makes only the address current at that moment ugradert).
* ``foreldreansvar`` is derived: the child's ``frg_person.foreldreansvar`` names who holds it
  (felles, mor, far, medmor) and the holders are the parents in ``frg_familierelasjon``. It is
  shown while the child is under 18 and alive, on the child's document and on each
  responsible parent's.

Values are JSON-ready (dates and instants as ISO 8601 strings, instants in UTC), so the API can
serialise the dict directly.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Final, Protocol

ELEMENTS: Final = (
    "identifikasjonsnummer",
    "status",
    "navn",
    "foedsel",
    "kjoenn",
    "doedsfall",
    "sivilstand",
    "familierelasjon",
    "foreldreansvar",
    "bostedsadresse",
    "adressebeskyttelse",
    "statsborgerskap",
    "innflytting",
    "utflytting",
)
# Elements whose current value lives in frg_person columns and whose old versions are archived.
SINGLE_VALUED: Final = frozenset(ELEMENTS) - {"familierelasjon", "foreldreansvar"}
# Elements that need frg_familierelasjon (and the related people) to be built.
RELATION_ELEMENTS: Final = frozenset({"familierelasjon", "foreldreansvar", "sivilstand"})

PROTECTED_GRADERINGER: Final = frozenset({"fortrolig", "strengtFortrolig"})
PARENT_ROLES: Final = frozenset({"mor", "far", "medmor"})
DEFAULT_KILDE: Final = "felles"
MAJORITY_AGE: Final = 18


class PersonValues(Protocol):
    """What the document reads of a frg_person row (an ORM ``Person`` or a Core row)."""

    id: int
    ident: str
    identifikatortype: str
    status: str
    fornavn: str
    mellomnavn: str | None
    etternavn: str
    foedselsdato: date
    foedekommune: str | None
    foedeland: str
    kjoenn: str
    doedsdato: date | None
    sivilstand: str
    sivilstandsdato: date | None
    sivilstand_relatert_id: int | None
    foreldreansvar: str | None
    adressebeskyttelse: str
    adresse_id: int | None
    kommunenummer: str | None
    adressenavn: str | None
    husnummer: int | None
    husbokstav: str | None
    adressekode: int | None
    bruksenhetsnummer: str | None
    postnummer: str | None
    poststed: str | None
    flyttedato: date | None
    statsborgerskap: str
    statsborgerskap_ervervsdato: date | None
    innflyttet_fra: str | None
    innflyttingsdato: date | None
    utflyttet_til: str | None
    utflyttingsdato: date | None
    opprettet: datetime
    element_meta: dict[str, Any] | None


class HistoryValues(Protocol):
    """A frg_historikk row."""

    id: int
    element: str
    data: dict[str, Any]
    gyldighetstidspunkt: datetime | None
    ajourholdstidspunkt: datetime
    opphoerstidspunkt: datetime
    kilde: str
    aarsak: str | None


class RelationValues(Protocol):
    """A frg_familierelasjon row."""

    id: int
    person_id: int
    relatert_person_id: int
    relatert_persons_rolle: str
    min_rolle_for_person: str
    gyldig_fra: date | None
    ajourholdstidspunkt: datetime
    opphoerstidspunkt: datetime | None


@dataclass(frozen=True, slots=True)
class RelatedPerson:
    """The few facts about a related person the document needs (never their address)."""

    ident: str
    foedselsdato: date
    doedsdato: date | None
    foreldreansvar: str | None


@dataclass(frozen=True, slots=True)
class Metadata:
    """Register metadata of the current version of an element."""

    ajourholdstidspunkt: str
    kilde: str
    aarsak: str | None
    gyldighetstidspunkt: str | None


# ------------------------------------------------------------------------------------------
# Small value helpers
# ------------------------------------------------------------------------------------------


def iso_instant(value: datetime) -> str:
    """An instant as ISO 8601 in UTC (naive values, as SQLite returns them, are UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC).isoformat()
    return value.astimezone(UTC).isoformat()


def date_instant(value: date) -> str:
    """A calendar date as the instant it starts (UTC), for ``gyldighetstidspunkt``."""
    return datetime.combine(value, time(), tzinfo=UTC).isoformat()


def _iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Drop absent (None) fields, as the real API does."""
    return {key: value for key, value in values.items() if value is not None}


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def forkortet_navn(fornavn: str, mellomnavn: str | None, etternavn: str) -> str:
    """``forkortetNavn``: surname first, upper case, at most 25 characters."""
    parts = [etternavn, fornavn] + ([mellomnavn] if mellomnavn else [])
    return " ".join(parts).upper()[:25]


def citizenships(person: PersonValues) -> list[str]:
    """The person's citizenship codes (stored comma-separated)."""
    return [code for code in person.statsborgerskap.split(",") if code]


# ------------------------------------------------------------------------------------------
# Current values of the single-valued elements
# ------------------------------------------------------------------------------------------


def _vegadresse(person: PersonValues) -> dict[str, Any]:
    vegadresse: dict[str, Any] = {
        "kommunenummer": person.kommunenummer,
        "adressenavn": person.adressenavn,
    }
    if person.husnummer is not None:
        nummer = {"husnummer": str(person.husnummer)}
        if person.husbokstav:
            nummer["husbokstav"] = person.husbokstav
        vegadresse["adressenummer"] = nummer
    if person.adressekode is not None:
        vegadresse["adressekode"] = f"{person.adressekode:05d}"
    if person.bruksenhetsnummer:
        vegadresse["bruksenhetsnummer"] = person.bruksenhetsnummer
    vegadresse["poststed"] = {"postnummer": person.postnummer, "poststedsnavn": person.poststed}
    return vegadresse


def _bostedsadresse(person: PersonValues) -> list[dict[str, Any]]:
    if person.adresse_id is None and person.adressenavn is None:
        return []
    adresse_id = str(person.adresse_id) if person.adresse_id is not None else None
    return [
        _compact(
            {
                "vegadresse": _vegadresse(person),
                "adresseIdentifikatorFraMatrikkelen": adresse_id,
                "adressegradering": person.adressebeskyttelse,
                "flyttedato": _iso_date(person.flyttedato),
            }
        )
    ]


Content = list[dict[str, Any]]


def _identifikasjonsnummer(person: PersonValues, idents: Mapping[int, str]) -> Content:
    return [
        {
            "foedselsEllerDNummer": person.ident,
            "identifikatortype": person.identifikatortype,
            "status": "iBruk",
        }
    ]


def _status(person: PersonValues, idents: Mapping[int, str]) -> Content:
    return [{"status": person.status}]


def _navn(person: PersonValues, idents: Mapping[int, str]) -> Content:
    navn = {"fornavn": person.fornavn}
    if person.mellomnavn:
        navn["mellomnavn"] = person.mellomnavn
    navn["etternavn"] = person.etternavn
    navn["forkortetNavn"] = forkortet_navn(person.fornavn, person.mellomnavn, person.etternavn)
    return [navn]


def _foedsel(person: PersonValues, idents: Mapping[int, str]) -> Content:
    foedsel = {
        "foedselsdato": person.foedselsdato.isoformat(),
        "foedselsaar": str(person.foedselsdato.year),
    }
    if person.foedekommune:
        foedsel["foedekommuneINorge"] = person.foedekommune
    foedsel["foedeland"] = person.foedeland
    return [foedsel]


def _kjoenn(person: PersonValues, idents: Mapping[int, str]) -> Content:
    return [{"kjoenn": person.kjoenn}]


def _doedsfall(person: PersonValues, idents: Mapping[int, str]) -> Content:
    return [{"doedsdato": person.doedsdato.isoformat()}] if person.doedsdato else []


def _sivilstand(person: PersonValues, idents: Mapping[int, str]) -> Content:
    relatert = person.sivilstand_relatert_id
    return [
        _compact(
            {
                "sivilstand": person.sivilstand,
                "sivilstandsdato": _iso_date(person.sivilstandsdato),
                "relatertVedSivilstand": idents.get(relatert) if relatert else None,
            }
        )
    ]


def _adressebeskyttelse(person: PersonValues, idents: Mapping[int, str]) -> Content:
    gradering = person.adressebeskyttelse
    return [] if gradering == "ugradert" else [{"graderingsnivaa": gradering}]


def _statsborgerskap(person: PersonValues, idents: Mapping[int, str]) -> Content:
    ervervsdato = _iso_date(person.statsborgerskap_ervervsdato)
    return [
        _compact({"statsborgerskap": code, "ervervsdato": ervervsdato})
        for code in citizenships(person)
    ]


def _innflytting(person: PersonValues, idents: Mapping[int, str]) -> Content:
    return [{"fraflyttingsland": person.innflyttet_fra}] if person.innflyttet_fra else []


def _utflytting(person: PersonValues, idents: Mapping[int, str]) -> Content:
    if not person.utflyttet_til:
        return []
    utflytting = {"tilflyttingsland": person.utflyttet_til}
    if person.utflyttingsdato:
        utflytting["utflyttingsdato"] = person.utflyttingsdato.isoformat()
    return [utflytting]


_CONTENT: Final[dict[str, Callable[[PersonValues, Mapping[int, str]], Content]]] = {
    "identifikasjonsnummer": _identifikasjonsnummer,
    "status": _status,
    "navn": _navn,
    "foedsel": _foedsel,
    "kjoenn": _kjoenn,
    "doedsfall": _doedsfall,
    "sivilstand": _sivilstand,
    "bostedsadresse": lambda person, _idents: _bostedsadresse(person),
    "adressebeskyttelse": _adressebeskyttelse,
    "statsborgerskap": _statsborgerskap,
    "innflytting": _innflytting,
    "utflytting": _utflytting,
}


def current_content(person: PersonValues, element: str, *, idents: Mapping[int, str]) -> Content:
    """The current version(s) of a single-valued element, without metadata ([] if none)."""
    build = _CONTENT.get(element)
    if build is None:
        raise ValueError(f"{element!r} is not a single-valued element")
    return build(person, idents)


_DOMAIN_DATE: Final[dict[str, str]] = {
    "foedsel": "foedselsdato",
    "doedsfall": "doedsdato",
    "sivilstand": "sivilstandsdato",
    "bostedsadresse": "flyttedato",
    "statsborgerskap": "statsborgerskap_ervervsdato",
    "innflytting": "innflyttingsdato",
    "utflytting": "utflyttingsdato",
}


def current_metadata(
    person: PersonValues, element: str, *, opprettet: str | None = None
) -> Metadata:
    """Metadata of the current version: from ``element_meta``, else from ``opprettet``.

    ``opprettet`` is ``iso_instant(person.opprettet)`` when the caller has it already.
    """
    meta = (person.element_meta or {}).get(element) or {}
    ajourhold = meta.get("ajourholdstidspunkt") or opprettet or iso_instant(person.opprettet)
    gyldighet = meta.get("gyldighetstidspunkt")
    if gyldighet is None and element in _DOMAIN_DATE:
        domain_date = getattr(person, _DOMAIN_DATE[element])
        gyldighet = date_instant(domain_date) if domain_date is not None else None
    return Metadata(
        ajourholdstidspunkt=ajourhold,
        kilde=meta.get("kilde") or DEFAULT_KILDE,
        aarsak=meta.get("aarsak"),
        gyldighetstidspunkt=gyldighet or ajourhold,
    )


# ------------------------------------------------------------------------------------------
# Versions with metadata
# ------------------------------------------------------------------------------------------


def _current_head(person: PersonValues, element: str, opprettet: str | None) -> dict[str, Any]:
    """The metadata fields of the current version (a fast path for unchanged elements)."""
    if person.element_meta is None or element not in person.element_meta:
        ajourhold = opprettet or iso_instant(person.opprettet)
        field = _DOMAIN_DATE.get(element)
        domain_date = getattr(person, field) if field is not None else None
        return {
            "ajourholdstidspunkt": ajourhold,
            "erGjeldende": True,
            "kilde": DEFAULT_KILDE,
            "gyldighetstidspunkt": date_instant(domain_date) if domain_date else ajourhold,
        }
    meta = current_metadata(person, element, opprettet=opprettet)
    return _compact(
        {
            "ajourholdstidspunkt": meta.ajourholdstidspunkt,
            "erGjeldende": True,
            "kilde": meta.kilde,
            "aarsak": meta.aarsak,
            "gyldighetstidspunkt": meta.gyldighetstidspunkt,
        }
    )


def _historic_version(row: HistoryValues) -> dict[str, Any]:
    gyldighet = row.gyldighetstidspunkt
    head = _compact(
        {
            "ajourholdstidspunkt": iso_instant(row.ajourholdstidspunkt),
            "erGjeldende": False,
            "kilde": row.kilde,
            "aarsak": row.aarsak,
            "gyldighetstidspunkt": iso_instant(gyldighet) if gyldighet is not None else None,
            "opphoerstidspunkt": iso_instant(row.opphoerstidspunkt),
        }
    )
    return head | row.data


def _newest_first(rows: Iterable[HistoryValues]) -> list[HistoryValues]:
    return sorted(rows, key=lambda r: (iso_instant(r.opphoerstidspunkt), r.id), reverse=True)


def _element_versions(
    person: PersonValues,
    element: str,
    history: Sequence[HistoryValues],
    idents: Mapping[int, str],
    opprettet: str | None = None,
) -> list[dict[str, Any]]:
    contents = current_content(person, element, idents=idents)
    versions = []
    if contents:
        head = _current_head(person, element, opprettet)
        versions = [head | content for content in contents]
    if history:
        versions += [_historic_version(row) for row in _newest_first(history)]
    return versions


def _bostedsadresse_versions(
    person: PersonValues,
    history: Sequence[HistoryValues],
    *,
    include_protected_address: bool,
) -> list[dict[str, Any]] | None:
    """Address versions, or None when the element must be left out (protected address)."""
    if include_protected_address:
        return _element_versions(person, "bostedsadresse", history, {})
    if person.adressebeskyttelse in PROTECTED_GRADERINGER:
        return None
    visible = [h for h in history if h.data.get("adressegradering") not in PROTECTED_GRADERINGER]
    return _element_versions(person, "bostedsadresse", visible, {})


def _relation_version(row: RelationValues, related_ident: str) -> dict[str, Any]:
    ended = row.opphoerstidspunkt
    return _compact(
        {
            "ajourholdstidspunkt": iso_instant(row.ajourholdstidspunkt),
            "erGjeldende": ended is None,
            "kilde": DEFAULT_KILDE,
            "gyldighetstidspunkt": date_instant(row.gyldig_fra) if row.gyldig_fra else None,
            "opphoerstidspunkt": iso_instant(ended) if ended is not None else None,
            "relatertPerson": related_ident,
            "relatertPersonsRolle": row.relatert_persons_rolle,
            "minRolleForPerson": row.min_rolle_for_person,
        }
    )


def _familierelasjon(
    relations: Sequence[RelationValues], related: Mapping[int, RelatedPerson]
) -> list[dict[str, Any]]:
    ordered = sorted(relations, key=lambda r: (r.opphoerstidspunkt is not None, r.id))
    return [
        _relation_version(row, related[row.relatert_person_id].ident)
        for row in ordered
        if row.relatert_person_id in related
    ]


def _responsible(ansvar: str | None, parent_role: str) -> bool:
    return ansvar == "felles" or ansvar == parent_role


def _is_minor_alive(born: date, died: date | None, today: date) -> bool:
    return died is None and age_on(born, today) < MAJORITY_AGE


def _ansvar_version(
    row: RelationValues, *, ansvar: str, ansvarlig: str, ansvarssubjekt: str, born: date
) -> dict[str, Any]:
    return {
        "ajourholdstidspunkt": iso_instant(row.ajourholdstidspunkt),
        "erGjeldende": True,
        "kilde": DEFAULT_KILDE,
        "gyldighetstidspunkt": date_instant(row.gyldig_fra or born),
        "ansvar": ansvar,
        "ansvarlig": ansvarlig,
        "ansvarssubjekt": ansvarssubjekt,
    }


def _foreldreansvar_as_child(
    person: PersonValues,
    relations: Sequence[RelationValues],
    related: Mapping[int, RelatedPerson],
    today: date,
) -> list[dict[str, Any]]:
    if not _is_minor_alive(person.foedselsdato, person.doedsdato, today):
        return []
    entries = []
    for row in relations:
        parent = related.get(row.relatert_person_id)
        if (
            parent is None
            or row.opphoerstidspunkt is not None
            or row.relatert_persons_rolle not in PARENT_ROLES
            or parent.doedsdato is not None
            or not _responsible(person.foreldreansvar, row.relatert_persons_rolle)
        ):
            continue
        entries.append(
            _ansvar_version(
                row,
                ansvar=person.foreldreansvar or "",
                ansvarlig=parent.ident,
                ansvarssubjekt=person.ident,
                born=person.foedselsdato,
            )
        )
    return entries


def _foreldreansvar_as_parent(
    person: PersonValues,
    relations: Sequence[RelationValues],
    related: Mapping[int, RelatedPerson],
    today: date,
) -> list[dict[str, Any]]:
    if person.doedsdato is not None:
        return []
    entries = []
    for row in relations:
        child = related.get(row.relatert_person_id)
        if (
            child is None
            or row.opphoerstidspunkt is not None
            or row.relatert_persons_rolle != "barn"
            or not _is_minor_alive(child.foedselsdato, child.doedsdato, today)
            or not _responsible(child.foreldreansvar, row.min_rolle_for_person)
        ):
            continue
        entries.append(
            _ansvar_version(
                row,
                ansvar=child.foreldreansvar or "",
                ansvarlig=person.ident,
                ansvarssubjekt=child.ident,
                born=child.foedselsdato,
            )
        )
    return entries


# ------------------------------------------------------------------------------------------
# The whole document
# ------------------------------------------------------------------------------------------


def wanted_elements(parts: Collection[str] | None) -> tuple[str, ...]:
    """The elements to build for ``parts`` (all when None); identifikasjonsnummer always."""
    if parts is None:
        return ELEMENTS
    wanted = set(parts) | {"identifikasjonsnummer"}
    return tuple(element for element in ELEMENTS if element in wanted)


def build_document(
    person: PersonValues,
    *,
    history: Sequence[HistoryValues],
    relations: Sequence[RelationValues],
    related: Mapping[int, RelatedPerson],
    today: date,
    parts: Collection[str] | None = None,
    include_protected_address: bool = False,
) -> dict[str, Any]:
    """Assemble one ``Folkeregisterperson`` from its rows (see the module docstring)."""
    by_element: dict[str, list[HistoryValues]] = {}
    for row in history:
        by_element.setdefault(row.element, []).append(row)
    spouse = related.get(person.sivilstand_relatert_id or -1)
    idents = {person.sivilstand_relatert_id or -1: spouse.ident} if spouse is not None else {}
    opprettet = iso_instant(person.opprettet)
    document: dict[str, Any] = {}
    for element in wanted_elements(parts):
        past = by_element.get(element, [])
        if element == "familierelasjon":
            document[element] = _familierelasjon(relations, related)
        elif element == "foreldreansvar":
            document[element] = _foreldreansvar_as_child(
                person, relations, related, today
            ) + _foreldreansvar_as_parent(person, relations, related, today)
        elif element == "bostedsadresse":
            versions = _bostedsadresse_versions(
                person, past, include_protected_address=include_protected_address
            )
            if versions is not None:
                document[element] = versions
        elif element == "doedsfall":
            versions = _element_versions(person, element, past, idents, opprettet)
            if versions:
                document[element] = versions[0]
        elif element == "adressebeskyttelse":
            if person.adressebeskyttelse != "ugradert":
                document[element] = _element_versions(person, element, past, idents, opprettet)
        else:
            document[element] = _element_versions(person, element, past, idents, opprettet)
    return document
