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
(``DocumentBuilder``), and writes each version as one dict without intermediate ``None``
filtering. ``current_content`` and ``current_metadata`` stay the single definition of an
element's current value: operations archive exactly what the document shows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from operator import attrgetter
from typing import Any, Final, NamedTuple, Protocol

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


# The frg_person columns of a PersonRow, in order (the last field is not a column).
PERSON_COLUMNS: Final = PersonRow._fields[:-1]


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
    """

    person_id: int
    id: int
    relatert_persons_rolle: str
    min_rolle_for_person: str
    gyldig_fra: date | None
    ajourholdstidspunkt: datetime
    opphoerstidspunkt: datetime | None
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


def iso_instant(value: datetime) -> str:
    """An instant as ISO 8601 in UTC (naive values, as SQLite returns them, are UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC).isoformat()
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
# Builds an element's current content from the person and the spouse's ident.
ContentBuilder = Callable[[PersonValues, str | None], Content]


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


def _bostedsadresse(person: PersonValues, spouse: str | None = None) -> Content:
    if person.adresse_id is None and person.adressenavn is None:
        return []
    adresse: dict[str, Any] = {"vegadresse": _vegadresse(person)}
    if person.adresse_id is not None:
        adresse["adresseIdentifikatorFraMatrikkelen"] = str(person.adresse_id)
    if person.adressebeskyttelse is not None:
        adresse["adressegradering"] = person.adressebeskyttelse
    if person.flyttedato is not None:
        adresse["flyttedato"] = person.flyttedato.isoformat()
    return [adresse]


def _identifikasjonsnummer(person: PersonValues, spouse: str | None) -> Content:
    return [
        {
            "foedselsEllerDNummer": person.ident,
            "identifikatortype": person.identifikatortype,
            "status": "iBruk",
        }
    ]


def _status(person: PersonValues, spouse: str | None) -> Content:
    return [{"status": person.status}]


def _navn(person: PersonValues, spouse: str | None) -> Content:
    navn = {"fornavn": person.fornavn}
    if person.mellomnavn:
        navn["mellomnavn"] = person.mellomnavn
    navn["etternavn"] = person.etternavn
    navn["forkortetNavn"] = forkortet_navn(person.fornavn, person.mellomnavn, person.etternavn)
    return [navn]


def _foedsel(person: PersonValues, spouse: str | None) -> Content:
    foedsel = {
        "foedselsdato": person.foedselsdato.isoformat(),
        "foedselsaar": str(person.foedselsdato.year),
    }
    if person.foedekommune:
        foedsel["foedekommuneINorge"] = person.foedekommune
    foedsel["foedeland"] = person.foedeland
    return [foedsel]


def _kjoenn(person: PersonValues, spouse: str | None) -> Content:
    return [{"kjoenn": person.kjoenn}]


def _doedsfall(person: PersonValues, spouse: str | None) -> Content:
    return [{"doedsdato": person.doedsdato.isoformat()}] if person.doedsdato else []


def _sivilstand(person: PersonValues, spouse: str | None) -> Content:
    sivilstand = {"sivilstand": person.sivilstand}
    if person.sivilstandsdato is not None:
        sivilstand["sivilstandsdato"] = person.sivilstandsdato.isoformat()
    if spouse is not None:
        sivilstand["relatertVedSivilstand"] = spouse
    return [sivilstand]


def _adressebeskyttelse(person: PersonValues, spouse: str | None) -> Content:
    gradering = person.adressebeskyttelse
    return [] if gradering == "ugradert" else [{"graderingsnivaa": gradering}]


def _statsborgerskap(person: PersonValues, spouse: str | None) -> Content:
    ervervsdato = _iso_date(person.statsborgerskap_ervervsdato)
    if ervervsdato is None:
        return [{"statsborgerskap": code} for code in citizenships(person)]
    return [{"statsborgerskap": code, "ervervsdato": ervervsdato} for code in citizenships(person)]


def _innflytting(person: PersonValues, spouse: str | None) -> Content:
    return [{"fraflyttingsland": person.innflyttet_fra}] if person.innflyttet_fra else []


def _utflytting(person: PersonValues, spouse: str | None) -> Content:
    if not person.utflyttet_til:
        return []
    utflytting = {"tilflyttingsland": person.utflyttet_til}
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
    return build(person, idents.get(relatert) if relatert else None)


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
    version: dict[str, Any] = {
        "ajourholdstidspunkt": iso_instant(row.ajourholdstidspunkt),
        "erGjeldende": ended is None,
        "kilde": DEFAULT_KILDE,
    }
    if row.gyldig_fra:
        version["gyldighetstidspunkt"] = date_instant(row.gyldig_fra)
    if ended is not None:
        version["opphoerstidspunkt"] = iso_instant(ended)
    version["relatertPerson"] = row.relatert_ident
    version["relatertPersonsRolle"] = row.relatert_persons_rolle
    version["minRolleForPerson"] = row.min_rolle_for_person
    return version


def _relation_order(row: RelationRow) -> tuple[bool, int]:
    return row.opphoerstidspunkt is not None, row.id


def _responsible(ansvar: str | None, parent_role: str) -> bool:
    return ansvar == "felles" or ansvar == parent_role


def _is_minor_alive(born: date, died: date | None, today: date) -> bool:
    return died is None and age_on(born, today) < MAJORITY_AGE


def _ansvar_version(
    row: RelationRow, *, ansvar: str, ansvarlig: str, ansvarssubjekt: str, born: date
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


# ------------------------------------------------------------------------------------------
# The whole document
# ------------------------------------------------------------------------------------------


def wanted_elements(parts: Collection[str] | None) -> tuple[str, ...]:
    """The elements to build for ``parts`` (all when None); identifikasjonsnummer always."""
    if parts is None:
        return ELEMENTS
    wanted = set(parts) | {"identifikasjonsnummer"}
    return tuple(element for element in ELEMENTS if element in wanted)


class _Person:
    """One person's document under construction: the rows and values its elements share.

    Each element is a method taking the element's name and returning its value, or None when
    the element is left out of the document.
    """

    __slots__ = ("history", "opprettet", "person", "relations", "today", "unchanged_head")

    def __init__(
        self,
        person: PersonRow,
        history: Mapping[str, Sequence[HistoryRow]] | None,
        relations: Sequence[RelationRow],
        today: date,
    ) -> None:
        self.person = person
        self.history = history
        self.relations = relations
        self.today = today
        self.opprettet = opprettet = iso_instant(person.opprettet)
        # The metadata of an element unchanged since the person was created and without a
        # domain date. Versions are new dicts merged from it, so it is never shared.
        self.unchanged_head: dict[str, Any] = {
            "ajourholdstidspunkt": opprettet,
            "erGjeldende": True,
            "kilde": DEFAULT_KILDE,
            "gyldighetstidspunkt": opprettet,
        }

    def current(self, element: str) -> list[dict[str, Any]]:
        """The current version(s) of a single-valued element ([] when it has none)."""
        person = self.person
        contents = _CONTENT[element](person, person.relatert_ved_sivilstand)
        if not contents:
            return []
        meta = person.element_meta
        if meta is not None and element in meta:
            head = _changed_head(person, element, self.opprettet)
        else:
            domain_date_of = _DOMAIN_DATE_OF[element]
            day = domain_date_of(person) if domain_date_of is not None else None
            if day is None:
                head = self.unchanged_head
            else:
                head = {
                    "ajourholdstidspunkt": self.opprettet,
                    "erGjeldende": True,
                    "kilde": DEFAULT_KILDE,
                    "gyldighetstidspunkt": date_instant(day),
                }
        if len(contents) == 1:
            return [head | contents[0]]
        return [head | content for content in contents]

    def versions(self, element: str) -> list[dict[str, Any]]:
        """The current version(s) of a single-valued element, then the superseded ones."""
        versions = self.current(element)
        past = self.history.get(element) if self.history is not None else None
        if past:
            versions += _past_versions(past)
        return versions

    def doedsfall(self, element: str) -> dict[str, Any] | None:
        versions = self.versions(element)
        return versions[0] if versions else None

    def adressebeskyttelse(self, element: str) -> list[dict[str, Any]] | None:
        return None if self.person.adressebeskyttelse == "ugradert" else self.versions(element)

    def visible_bostedsadresse(self, element: str) -> list[dict[str, Any]] | None:
        """Left out while the address is protected; so are addresses left while protected."""
        if self.person.adressebeskyttelse in PROTECTED_GRADERINGER:
            return None
        versions = self.current(element)
        past = self.history.get(element) if self.history is not None else None
        if past:
            visible = [
                h for h in past if h.data.get("adressegradering") not in PROTECTED_GRADERINGER
            ]
            versions += _past_versions(visible)
        return versions

    def familierelasjon(self, element: str) -> list[dict[str, Any]]:
        """Current relations first, then ended ones (each in id order)."""
        relations = self.relations
        if len(relations) < 2:
            return [_relation_version(row) for row in relations]
        return [_relation_version(row) for row in sorted(relations, key=_relation_order)]

    def foreldreansvar(self, element: str) -> list[dict[str, Any]]:
        """Foreldreansvar held for this person (while a minor), then held by this person."""
        entries: list[dict[str, Any]] = []
        if not self.relations:
            return entries
        person = self.person
        today = self.today
        if _is_minor_alive(person.foedselsdato, person.doedsdato, today):
            ansvar = person.foreldreansvar
            for row in self.relations:
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
            for row in self.relations:
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


_Step = Callable[[_Person, str], Any]
# How each element is built; an element not named here is a plain single-valued one.
_STEPS: Final[dict[str, _Step]] = {
    "doedsfall": _Person.doedsfall,
    "adressebeskyttelse": _Person.adressebeskyttelse,
    "bostedsadresse": _Person.visible_bostedsadresse,
    "familierelasjon": _Person.familierelasjon,
    "foreldreansvar": _Person.foreldreansvar,
}


class DocumentBuilder:
    """Builds the documents of one request: which elements, as of which day, which addresses.

    Decides once what the documents need (``needs_relations``, ``needs_spouse``,
    ``history_elements``), so the queries fetch only that and ``build`` only assembles.
    """

    __slots__ = (
        "current_steps",
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
    steps: tuple[tuple[str, _Step], ...]
    current_steps: tuple[tuple[str, _Step], ...]
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
        steps = dict(_STEPS)
        if include_protected_address:
            steps["bostedsadresse"] = _Person.versions
        self.steps = tuple((e, steps.get(e, _Person.versions)) for e in self.elements)
        # For people without superseded versions (most of them): only the current ones.
        self.current_steps = tuple((e, steps.get(e, _Person.current)) for e in self.elements)

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
        """
        state = _Person(person, history, relations, self.today)
        document: dict[str, Any] = {}
        for element, step in self.steps if history else self.current_steps:
            value = step(state, element)
            if value is not None:
                document[element] = value
        return document
