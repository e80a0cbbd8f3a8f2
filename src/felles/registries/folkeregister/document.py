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

Documents are built in bulk (up to 1000 per call, see ``queries.get_documents``), so the
builder works on plain tuples (``PersonRow``, ``RelationRow``, ``HistoryRow``) rather than
ORM objects or SQLAlchemy rows, decides once per call which elements to build
(``DocumentBuilder``), and writes each version as one dict: a copy of its metadata (the head)
with the element's fields added, no intermediate dicts merged. Instants that are only written
out come as strings (``PersonRow.opprettet_instant``, a relation's instants), formatted by
PostgreSQL or once on fetch. ``current_content`` and ``current_metadata`` stay the single
definition of an element's current value: operations archive exactly what the document shows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from operator import attrgetter
from typing import Any, Final, NamedTuple, Protocol
from zoneinfo import ZoneInfo

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
# Elements built from frg_familierelasjon rows (with the related people's facts joined).
# sivilstand needs only the spouse's ident, which comes with the person's row.
RELATION_ELEMENTS: Final = frozenset({"familierelasjon", "foreldreansvar"})

PROTECTED_GRADERINGER: Final = frozenset({"fortrolig", "strengtFortrolig"})
PARENT_ROLES: Final = frozenset({"mor", "far", "medmor"})
DEFAULT_KILDE: Final = "felles"
MAJORITY_AGE: Final = 18


class PersonValues(Protocol):
    """What the document reads of a person (an ORM ``Person`` or a ``PersonRow``)."""

    @property
    def id(self) -> int: ...
    @property
    def ident(self) -> str: ...
    @property
    def identifikatortype(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def fornavn(self) -> str: ...
    @property
    def mellomnavn(self) -> str | None: ...
    @property
    def etternavn(self) -> str: ...
    @property
    def foedselsdato(self) -> date: ...
    @property
    def foedekommune(self) -> str | None: ...
    @property
    def foedeland(self) -> str: ...
    @property
    def kjoenn(self) -> str: ...
    @property
    def doedsdato(self) -> date | None: ...
    @property
    def sivilstand(self) -> str: ...
    @property
    def sivilstandsdato(self) -> date | None: ...
    @property
    def sivilstand_relatert_id(self) -> int | None: ...
    @property
    def foreldreansvar(self) -> str | None: ...
    @property
    def adressebeskyttelse(self) -> str: ...
    @property
    def adresse_id(self) -> int | None: ...
    @property
    def kommunenummer(self) -> str | None: ...
    @property
    def adressenavn(self) -> str | None: ...
    @property
    def husnummer(self) -> int | None: ...
    @property
    def husbokstav(self) -> str | None: ...
    @property
    def adressekode(self) -> int | None: ...
    @property
    def bruksenhetsnummer(self) -> str | None: ...
    @property
    def postnummer(self) -> str | None: ...
    @property
    def poststed(self) -> str | None: ...
    @property
    def flyttedato(self) -> date | None: ...
    @property
    def statsborgerskap(self) -> str: ...
    @property
    def statsborgerskap_ervervsdato(self) -> date | None: ...
    @property
    def innflyttet_fra(self) -> str | None: ...
    @property
    def innflyttingsdato(self) -> date | None: ...
    @property
    def utflyttet_til(self) -> str | None: ...
    @property
    def utflyttingsdato(self) -> date | None: ...
    @property
    def opprettet(self) -> datetime: ...
    @property
    def element_meta(self) -> dict[str, Any] | None: ...


class PersonRow(NamedTuple):
    """The frg_person columns a document reads, plus the spouse's ident (for sivilstand)."""

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
    # frg_person.ident of sivilstand_relatert_id (None when there is none or it is unknown).
    relatert_ved_sivilstand: str | None
    # iso_instant(opprettet): the ajourholdstidspunkt of every version not changed since.
    opprettet_instant: str


# The frg_person columns of a PersonRow, in order (the last two fields are not columns).
PERSON_COLUMNS: Final = PersonRow._fields[:-2]


class HistoryRow(NamedTuple):
    """A frg_historikk row: a superseded version of a single-valued element."""

    person_id: int
    id: int
    element: str
    data: dict[str, Any]
    gyldighetstidspunkt: datetime | None
    ajourholdstidspunkt: datetime
    opphoerstidspunkt: datetime
    kilde: str
    aarsak: str | None


class RelationRow(NamedTuple):
    """A frg_familierelasjon row with the few facts about the related person it needs.

    Never the related person's address: a document shows only their ident and whether they
    hold (or are subject to) foreldreansvar.

    Instants come as the document shows them (ISO 8601 in UTC, see ``iso_instant`` and
    ``date_instant``): they are only ever written out, so PostgreSQL formats them in the query.
    """

    person_id: int
    id: int
    relatert_persons_rolle: str
    min_rolle_for_person: str
    # date_instant(gyldig_fra); None when gyldig_fra is unknown.
    gyldighetstidspunkt: str | None
    ajourholdstidspunkt: str
    opphoerstidspunkt: str | None
    relatert_ident: str
    relatert_foedselsdato: date
    relatert_doedsdato: date | None
    relatert_foreldreansvar: str | None


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

_MIDNIGHT_UTC: Final = "T00:00:00+00:00"


# Time zones that are UTC all year: an instant in one of them needs no conversion. psycopg
# gives timestamptz values in the session's zone, ZoneInfo("Etc/UTC") on a UTC server.
_UTC_ZONES: Final = frozenset({UTC, ZoneInfo("UTC"), ZoneInfo("Etc/UTC")})
_UTC_SUFFIX: Final = "+00:00"


def iso_instant(value: datetime) -> str:
    """An instant as ISO 8601 in UTC (naive values, as SQLite returns them, are UTC)."""
    zone = value.tzinfo
    if zone is None:
        return value.isoformat() + _UTC_SUFFIX
    if zone in _UTC_ZONES:
        return value.isoformat()
    return value.astimezone(UTC).isoformat()


def date_instant(value: date) -> str:
    """A calendar date as the instant it starts (UTC), for ``gyldighetstidspunkt``."""
    if type(value) is date:  # the common case, three times faster than combine + isoformat
        return value.isoformat() + _MIDNIGHT_UTC
    return datetime.combine(value, time(), tzinfo=UTC).isoformat()


def _iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def forkortet_navn(fornavn: str, mellomnavn: str | None, etternavn: str) -> str:
    """``forkortetNavn``: surname first, upper case, at most 25 characters."""
    if mellomnavn:
        return f"{etternavn} {fornavn} {mellomnavn}".upper()[:25]
    return f"{etternavn} {fornavn}".upper()[:25]


def citizenships(person: PersonValues) -> list[str]:
    """The person's citizenship codes (stored comma-separated)."""
    codes = person.statsborgerskap
    if "," not in codes:  # most people have one
        return [codes] if codes else []
    return [code for code in codes.split(",") if code]


# ------------------------------------------------------------------------------------------
# Current values of the single-valued elements
# ------------------------------------------------------------------------------------------

Content = list[dict[str, Any]]
# The register metadata fields a version starts with (empty for bare content). Never changed:
# builders copy it (dict.copy is the cheapest way to start a dict with its fields).
Head = dict[str, Any]
# Builds an element's current version(s) from the person, the spouse's ident and the head: each
# version is a new dict with the head's fields first, then the element's own fields.
ContentBuilder = Callable[[PersonValues, str | None, Head], Content]
_NO_HEAD: Final[Head] = {}


def _vegadresse(person: PersonValues) -> dict[str, Any]:
    vegadresse: dict[str, Any] = {
        "kommunenummer": person.kommunenummer,
        "adressenavn": person.adressenavn,
    }
    husnummer = person.husnummer
    if husnummer is not None:
        husbokstav = person.husbokstav
        vegadresse["adressenummer"] = (
            {"husnummer": str(husnummer), "husbokstav": husbokstav}
            if husbokstav
            else {"husnummer": str(husnummer)}
        )
    if person.adressekode is not None:
        vegadresse["adressekode"] = f"{person.adressekode:05d}"
    if person.bruksenhetsnummer:
        vegadresse["bruksenhetsnummer"] = person.bruksenhetsnummer
    vegadresse["poststed"] = {"postnummer": person.postnummer, "poststedsnavn": person.poststed}
    return vegadresse


def _bostedsadresse(person: PersonValues, spouse: str | None, head: Head) -> Content:
    adresse_id = person.adresse_id
    if adresse_id is None and person.adressenavn is None:
        return []
    adresse = head.copy()
    adresse["vegadresse"] = _vegadresse(person)
    if adresse_id is not None:
        adresse["adresseIdentifikatorFraMatrikkelen"] = str(adresse_id)
    if person.adressebeskyttelse is not None:
        adresse["adressegradering"] = person.adressebeskyttelse
    if person.flyttedato is not None:
        adresse["flyttedato"] = person.flyttedato.isoformat()
    return [adresse]


def _identifikasjonsnummer(person: PersonValues, spouse: str | None, head: Head) -> Content:
    version = head.copy()
    version["foedselsEllerDNummer"] = person.ident
    version["identifikatortype"] = person.identifikatortype
    version["status"] = "iBruk"
    return [version]


def _status(person: PersonValues, spouse: str | None, head: Head) -> Content:
    version = head.copy()
    version["status"] = person.status
    return [version]


def _navn(person: PersonValues, spouse: str | None, head: Head) -> Content:
    fornavn, mellomnavn, etternavn = person.fornavn, person.mellomnavn, person.etternavn
    navn = head.copy()
    navn["fornavn"] = fornavn
    if mellomnavn:
        navn["mellomnavn"] = mellomnavn
    navn["etternavn"] = etternavn
    navn["forkortetNavn"] = forkortet_navn(fornavn, mellomnavn, etternavn)
    return [navn]


def _foedsel(person: PersonValues, spouse: str | None, head: Head) -> Content:
    born = person.foedselsdato
    foedsel = head.copy()
    foedsel["foedselsdato"] = born.isoformat()
    foedsel["foedselsaar"] = str(born.year)
    if person.foedekommune:
        foedsel["foedekommuneINorge"] = person.foedekommune
    foedsel["foedeland"] = person.foedeland
    return [foedsel]


def _kjoenn(person: PersonValues, spouse: str | None, head: Head) -> Content:
    version = head.copy()
    version["kjoenn"] = person.kjoenn
    return [version]


def _doedsfall(person: PersonValues, spouse: str | None, head: Head) -> Content:
    died = person.doedsdato
    if not died:
        return []
    version = head.copy()
    version["doedsdato"] = died.isoformat()
    return [version]


def _sivilstand(person: PersonValues, spouse: str | None, head: Head) -> Content:
    sivilstand = head.copy()
    sivilstand["sivilstand"] = person.sivilstand
    if person.sivilstandsdato is not None:
        sivilstand["sivilstandsdato"] = person.sivilstandsdato.isoformat()
    if spouse is not None:
        sivilstand["relatertVedSivilstand"] = spouse
    return [sivilstand]


def _adressebeskyttelse(person: PersonValues, spouse: str | None, head: Head) -> Content:
    gradering = person.adressebeskyttelse
    if gradering == "ugradert":
        return []
    version = head.copy()
    version["graderingsnivaa"] = gradering
    return [version]


def _statsborgerskap(person: PersonValues, spouse: str | None, head: Head) -> Content:
    ervervsdato = _iso_date(person.statsborgerskap_ervervsdato)
    versions = []
    for code in citizenships(person):
        version = head.copy()
        version["statsborgerskap"] = code
        if ervervsdato is not None:
            version["ervervsdato"] = ervervsdato
        versions.append(version)
    return versions


def _innflytting(person: PersonValues, spouse: str | None, head: Head) -> Content:
    fra = person.innflyttet_fra
    if not fra:
        return []
    version = head.copy()
    version["fraflyttingsland"] = fra
    return [version]


def _utflytting(person: PersonValues, spouse: str | None, head: Head) -> Content:
    if not person.utflyttet_til:
        return []
    utflytting = head.copy()
    utflytting["tilflyttingsland"] = person.utflyttet_til
    if person.utflyttingsdato:
        utflytting["utflyttingsdato"] = person.utflyttingsdato.isoformat()
    return [utflytting]


_CONTENT: Final[dict[str, ContentBuilder]] = {
    "identifikasjonsnummer": _identifikasjonsnummer,
    "status": _status,
    "navn": _navn,
    "foedsel": _foedsel,
    "kjoenn": _kjoenn,
    "doedsfall": _doedsfall,
    "sivilstand": _sivilstand,
    "bostedsadresse": _bostedsadresse,
    "adressebeskyttelse": _adressebeskyttelse,
    "statsborgerskap": _statsborgerskap,
    "innflytting": _innflytting,
    "utflytting": _utflytting,
}


def current_content(person: PersonValues, element: str, *, idents: Mapping[int, str]) -> Content:
    """The current version(s) of a single-valued element, without metadata ([] if none).

    ``idents`` maps person ids to idents; only ``sivilstand`` reads it (the spouse's).
    """
    build = _CONTENT.get(element)
    if build is None:
        raise ValueError(f"{element!r} is not a single-valued element")
    relatert = person.sivilstand_relatert_id
    return build(person, idents.get(relatert) if relatert else None, _NO_HEAD)


_DOMAIN_DATE: Final[dict[str, str]] = {
    "foedsel": "foedselsdato",
    "doedsfall": "doedsdato",
    "sivilstand": "sivilstandsdato",
    "bostedsadresse": "flyttedato",
    "statsborgerskap": "statsborgerskap_ervervsdato",
    "innflytting": "innflyttingsdato",
    "utflytting": "utflyttingsdato",
}
# The same, as getters (None for elements whose validity starts when they were registered).
_DOMAIN_DATE_OF: Final[dict[str, Callable[[PersonValues], date | None] | None]] = {
    element: attrgetter(_DOMAIN_DATE[element]) if element in _DOMAIN_DATE else None
    for element in SINGLE_VALUED
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


def _changed_head(person: PersonValues, element: str, opprettet: str) -> dict[str, Any]:
    """The metadata fields of the current version of an element changed by an operation."""
    meta = current_metadata(person, element, opprettet=opprettet)
    head: dict[str, Any] = {
        "ajourholdstidspunkt": meta.ajourholdstidspunkt,
        "erGjeldende": True,
        "kilde": meta.kilde,
    }
    if meta.aarsak is not None:
        head["aarsak"] = meta.aarsak
    if meta.gyldighetstidspunkt is not None:
        head["gyldighetstidspunkt"] = meta.gyldighetstidspunkt
    return head


def _historic_version(row: HistoryRow) -> dict[str, Any]:
    version: dict[str, Any] = {
        "ajourholdstidspunkt": iso_instant(row.ajourholdstidspunkt),
        "erGjeldende": False,
        "kilde": row.kilde,
    }
    if row.aarsak is not None:
        version["aarsak"] = row.aarsak
    if row.gyldighetstidspunkt is not None:
        version["gyldighetstidspunkt"] = iso_instant(row.gyldighetstidspunkt)
    version["opphoerstidspunkt"] = iso_instant(row.opphoerstidspunkt)
    return version | row.data


def _past_versions(rows: Sequence[HistoryRow]) -> list[dict[str, Any]]:
    """Superseded versions, newest first."""
    newest_first = sorted(
        rows, key=lambda r: (iso_instant(r.opphoerstidspunkt), r.id), reverse=True
    )
    return [_historic_version(row) for row in newest_first]


def _relation_version(row: RelationRow) -> dict[str, Any]:
    ended = row.opphoerstidspunkt
    gyldighet = row.gyldighetstidspunkt
    if ended is None and gyldighet is not None:  # most relations: current, from a known day
        return {
            "ajourholdstidspunkt": row.ajourholdstidspunkt,
            "erGjeldende": True,
            "kilde": DEFAULT_KILDE,
            "gyldighetstidspunkt": gyldighet,
            "relatertPerson": row.relatert_ident,
            "relatertPersonsRolle": row.relatert_persons_rolle,
            "minRolleForPerson": row.min_rolle_for_person,
        }
    version: dict[str, Any] = {
        "ajourholdstidspunkt": row.ajourholdstidspunkt,
        "erGjeldende": ended is None,
        "kilde": DEFAULT_KILDE,
    }
    if gyldighet is not None:
        version["gyldighetstidspunkt"] = gyldighet
    if ended is not None:
        version["opphoerstidspunkt"] = ended
    version["relatertPerson"] = row.relatert_ident
    version["relatertPersonsRolle"] = row.relatert_persons_rolle
    version["minRolleForPerson"] = row.min_rolle_for_person
    return version


def _responsible(ansvar: str | None, parent_role: str) -> bool:
    return ansvar == "felles" or ansvar == parent_role


def _is_minor_alive(born: date, died: date | None, today: date) -> bool:
    return died is None and age_on(born, today) < MAJORITY_AGE


def _ansvar_version(
    row: RelationRow, *, ansvar: str, ansvarlig: str, ansvarssubjekt: str, born: date
) -> dict[str, Any]:
    return {
        "ajourholdstidspunkt": row.ajourholdstidspunkt,
        "erGjeldende": True,
        "kilde": DEFAULT_KILDE,
        "gyldighetstidspunkt": row.gyldighetstidspunkt or date_instant(born),
        "ansvar": ansvar,
        "ansvarlig": ansvarlig,
        "ansvarssubjekt": ansvarssubjekt,
    }


# ------------------------------------------------------------------------------------------
# The whole document
# ------------------------------------------------------------------------------------------


def wanted_elements(parts: Collection[str] | None) -> tuple[str, ...]:
    """The elements to build for ``parts`` (all when None); identifikasjonsnummer always."""
    if parts is None:
        return ELEMENTS
    wanted = set(parts) | {"identifikasjonsnummer"}
    return tuple(element for element in ELEMENTS if element in wanted)


def _familierelasjon(relations: Sequence[RelationRow]) -> list[dict[str, Any]]:
    """Current relations first, then ended ones (each in id order, as ``relations`` come)."""
    versions = [_relation_version(row) for row in relations if row.opphoerstidspunkt is None]
    if len(versions) < len(relations):
        versions += [
            _relation_version(row) for row in relations if row.opphoerstidspunkt is not None
        ]
    return versions


def _foreldreansvar(
    person: PersonRow, relations: Sequence[RelationRow], today: date
) -> list[dict[str, Any]]:
    """Foreldreansvar held for this person (while a minor), then held by this person."""
    entries: list[dict[str, Any]] = []
    if not relations:
        return entries
    if _is_minor_alive(person.foedselsdato, person.doedsdato, today):
        ansvar = person.foreldreansvar
        for row in relations:
            if (
                row.opphoerstidspunkt is None
                and row.relatert_persons_rolle in PARENT_ROLES
                and row.relatert_doedsdato is None
                and _responsible(ansvar, row.relatert_persons_rolle)
            ):
                entries.append(
                    _ansvar_version(
                        row,
                        ansvar=ansvar or "",
                        ansvarlig=row.relatert_ident,
                        ansvarssubjekt=person.ident,
                        born=person.foedselsdato,
                    )
                )
    if person.doedsdato is None:
        for row in relations:
            if (
                row.opphoerstidspunkt is None
                and row.relatert_persons_rolle == "barn"
                and _is_minor_alive(row.relatert_foedselsdato, row.relatert_doedsdato, today)
                and _responsible(row.relatert_foreldreansvar, row.min_rolle_for_person)
            ):
                entries.append(
                    _ansvar_version(
                        row,
                        ansvar=row.relatert_foreldreansvar or "",
                        ansvarlig=person.ident,
                        ansvarssubjekt=row.relatert_ident,
                        born=row.relatert_foedselsdato,
                    )
                )
    return entries


# How an element is built (``_Step.kind``):
_VERSIONS: Final = 0  # its versions, current first
_FIRST: Final = 1  # doedsfall: the first version alone, left out when there is none
_UNLESS_UGRADERT: Final = 2  # adressebeskyttelse: left out while ugradert
_VISIBLE_ADDRESS: Final = 3  # bostedsadresse: left out while protected, see below
_FAMILIERELASJON: Final = 4
_FORELDREANSVAR: Final = 5
_KINDS: Final[dict[str, int]] = {
    "doedsfall": _FIRST,
    "adressebeskyttelse": _UNLESS_UGRADERT,
    "bostedsadresse": _VISIBLE_ADDRESS,
    "familierelasjon": _FAMILIERELASJON,
    "foreldreansvar": _FORELDREANSVAR,
}


class _Step(NamedTuple):
    """One element of the document and what building it takes."""

    element: str
    kind: int
    content: ContentBuilder | None  # single-valued elements only
    domain_date_of: Callable[[PersonValues], date | None] | None


class DocumentBuilder:
    """Builds the documents of one request: which elements, as of which day, which addresses.

    Decides once what the documents need (``needs_relations``, ``needs_spouse``,
    ``history_elements``) and how each element is built (``steps``), so the queries fetch only
    that and ``build`` only assembles.
    """

    __slots__ = (
        "elements",
        "history_elements",
        "needs_relations",
        "needs_spouse",
        "steps",
        "today",
    )

    elements: tuple[str, ...]
    history_elements: tuple[str, ...]
    needs_relations: bool
    needs_spouse: bool
    steps: tuple[_Step, ...]
    today: date

    def __init__(
        self,
        parts: Collection[str] | None = None,
        *,
        today: date,
        include_protected_address: bool = False,
    ) -> None:
        self.elements = wanted_elements(parts)
        self.today = today
        # Superseded versions exist only of these elements, and only for people changed by an
        # operation (element_meta is set whenever a version is archived).
        self.history_elements = tuple(e for e in self.elements if e in SINGLE_VALUED)
        self.needs_relations = not RELATION_ELEMENTS.isdisjoint(self.elements)
        self.needs_spouse = "sivilstand" in self.elements
        kinds = dict(_KINDS)
        if include_protected_address:
            kinds["bostedsadresse"] = _VERSIONS
        self.steps = tuple(
            _Step(e, kinds.get(e, _VERSIONS), _CONTENT.get(e), _DOMAIN_DATE_OF.get(e))
            for e in self.elements
        )

    @staticmethod
    def may_have_history(person: PersonRow) -> bool:
        """Whether ``frg_historikk`` can hold rows for ``person`` (unchanged people have none)."""
        return person.element_meta is not None

    def build(
        self,
        person: PersonRow,
        *,
        history: Mapping[str, Sequence[HistoryRow]] | None = None,
        relations: Sequence[RelationRow] = (),
    ) -> dict[str, Any]:
        """Assemble one ``Folkeregisterperson`` (see the module docstring).

        ``history`` holds the person's superseded versions by element (None: there are none);
        ``relations`` the person's family relations, in id order.

        A single loop with the metadata worked out inline, as a thousand documents are built
        per bulk lookup: the versions of an element are made by its content builder, each a new
        dict that starts with the head (the metadata fields).
        """
        opprettet = person.opprettet_instant
        meta = person.element_meta
        spouse = person.relatert_ved_sivilstand
        gradering = person.adressebeskyttelse
        # The head of an element unchanged since the person was created and without a domain
        # date. Versions copy its fields; it is never shared.
        unchanged = {
            "ajourholdstidspunkt": opprettet,
            "erGjeldende": True,
            "kilde": DEFAULT_KILDE,
            "gyldighetstidspunkt": opprettet,
        }
        document: dict[str, Any] = {}
        for element, kind, content, domain_date_of in self.steps:
            if content is None:  # built from the relations
                if kind == _FAMILIERELASJON:
                    document[element] = _familierelasjon(relations)
                else:
                    document[element] = _foreldreansvar(person, relations, self.today)
                continue
            if kind == _UNLESS_UGRADERT and gradering == "ugradert":
                continue
            if kind == _VISIBLE_ADDRESS and gradering in PROTECTED_GRADERINGER:
                continue
            if meta is not None and element in meta:
                head = _changed_head(person, element, opprettet)
            elif domain_date_of is None or (day := domain_date_of(person)) is None:
                head = unchanged
            else:
                head = {
                    "ajourholdstidspunkt": opprettet,
                    "erGjeldende": True,
                    "kilde": DEFAULT_KILDE,
                    "gyldighetstidspunkt": date_instant(day),
                }
            versions = content(person, spouse, head)
            past = history.get(element) if history is not None else None
            if past:
                if kind == _VISIBLE_ADDRESS:
                    # An address left while the person was protected stays hidden.
                    past = [
                        h
                        for h in past
                        if h.data.get("adressegradering") not in PROTECTED_GRADERINGER
                    ]
                versions += _past_versions(past)
            if kind != _FIRST:
                document[element] = versions
            elif versions:
                document[element] = versions[0]
        return document
