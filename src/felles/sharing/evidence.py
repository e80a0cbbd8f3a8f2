"""Evidence bundles (eBevis): what a public buyer needs to know about one organisation.

As data.altinn.no serves it for public procurement: a public body asks, for one organisation
(a tenderer), the evidence it needs — skatteattest, firmaattest, MVA registration — and gets
all of it in one answer, each item with a status, a value, its source and when it was made.

Each kind of evidence is one entry of ``KINDS``: its code, its name, its source (register and
the agency's organisasjonsnummer) and a function from the organisation's open facts
(``enhetsregisteret.queries.UnitFacts``) to a ``Finding``. The functions read the registries
through their query functions only, so a new kind is one function and one entry.

Statuses: ``ok`` (the evidence speaks for the organisation), ``ikke-ok`` (it does not: arrears,
bankruptcy, not registered …), ``ukjent`` (the source cannot say; no kind built today answers
it, a source not yet in felles would).

Who may ask: an organisation's system with a Maskinporten token carrying the scope
``altinn:dataaltinnno`` (as data.altinn.no), whose organisation is a public body by its
organisasjonsform in Enhetsregisteret (``PUBLIC_BODY_FORMS``). Asking reads and writes
nothing else: no event, no access-log entry.

Evidence about an organisation is not a person's data, so nothing goes to the person access
log (innsynslogg). An enkeltpersonforetak (ENK) is the exception in substance: it has no legal
personality apart from its owner, so its arrears (and the facts of its business) are arguably
the owner's personal data. felles treats them as the organisation's here, as the procurement
rules treat the tenderer; logging them under the owner would need the owner's identity from
the roles, and is left for later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Literal

from sqlalchemy.orm import Session

from felles.kernel.errors import Forbidden, InvalidInput, NotFound
from felles.kernel.ids import orgnr_input
from felles.registries.enhetsregisteret import queries as enhetsregisteret
from felles.registries.enhetsregisteret import reference
from felles.registries.enhetsregisteret.queries import UnitFacts
from felles.registries.skatt import queries as skatt

#: The Maskinporten scope of data.altinn.no, which an evidence consumer's token must carry.
SCOPE: Final = "altinn:dataaltinnno"

#: The purposes evidence may be asked for (formål); a new purpose is one entry.
PURPOSES: Final = ("offentlig-anskaffelse",)

#: Organisation forms of the public bodies that may ask for evidence: the public buyers of
#: anskaffelsesloven § 2, as far as a form says it. The codes are those of Enhetsregisteret's
#: reference data (registries/enhetsregisteret/data/organisasjonsformer.csv):
#: STAT staten, ORGL organisasjonsledd (state agencies), ADOS administrativ enhet i offentlig
#: sektor, FYLK fylkeskommune, KOMM kommune, SF statsforetak, KF kommunalt foretak, FKF
#: fylkeskommunalt foretak, IKS interkommunalt selskap, KIRK Den norske kirke. A company
#: (AS) owned by the public can be a body governed by public law too, but its form does not
#: say so; it is not admitted here.
PUBLIC_BODY_FORMS: Final = frozenset(
    {"STAT", "ORGL", "ADOS", "FYLK", "KOMM", "SF", "KF", "FKF", "IKS", "KIRK"}
)

Status = Literal["ok", "ikke-ok", "ukjent"]
BRREG: Final = ("Enhetsregisteret", "974760673")  # Brønnøysundregistrene
SKATTEETATEN: Final = ("Skatteetaten (innkreving, restanser)", "974761076")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a kind of evidence comes from: the register and the agency keeping it."""

    register: str
    organisasjonsnummer: str


@dataclass(frozen=True, slots=True)
class Finding:
    """What a source says: the status and the value behind it."""

    status: Status
    verdi: Mapping[str, Any]


Build = Callable[[Session, UnitFacts, date], Finding]


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of evidence: its code, name (bokmål), source and how it is made."""

    kode: str
    navn: str
    kilde: Source
    build: Build


@dataclass(frozen=True, slots=True)
class Evidence:
    """One item of an answer."""

    kode: str
    navn: str
    status: Status
    verdi: Mapping[str, Any]
    kilde: Source
    tidspunkt: datetime


@dataclass(frozen=True, slots=True)
class Bundle:
    """The answer: the organisation asked about and its evidence, in the order asked."""

    organisasjonsnummer: str
    navn: str
    organisasjonsform: str
    bevis: tuple[Evidence, ...]
    tidspunkt: datetime


# ------------------------------------------------------------------------------------------
# The kinds of evidence
# ------------------------------------------------------------------------------------------


def skatteattest(session: Session, unit: UnitFacts, today: date) -> Finding:
    """ok when nothing is overdue and unpaid (restanser) on ``today``; the value gives the
    sums by kind of claim (skatt, arbeidsgiveravgift, merverdiavgift, forskuddstrekk), never
    the claims themselves."""
    arrears = skatt.arrears_of(session, skyldner=unit.organisasjonsnummer, today=today)
    owed = {kind: amount for kind, amount in sorted(arrears.forfalt_og_ubetalt.items()) if amount}
    return Finding(
        "ikke-ok" if owed else "ok",
        {
            "harRestanser": bool(owed),
            "forfaltOgUbetalt": owed,
            "sum": sum(owed.values()),
            "dato": today.isoformat(),
        },
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def firmaattest(session: Session, unit: UnitFacts, today: date) -> Finding:
    """ok when the entity is registered, not deleted, not bankrupt and not being dissolved
    (by its owners or by force); ``avvik`` names what is wrong."""
    avvik = [
        code
        for code, present in (
            ("slettet", unit.slettedato is not None),
            ("konkurs", unit.konkurs),
            ("under-avvikling", unit.under_avvikling),
            ("under-tvangsavvikling", unit.under_tvangsavvikling),
        )
        if present
    ]
    form = reference.organisasjonsformer().get(unit.organisasjonsform)
    return Finding(
        "ikke-ok" if avvik else "ok",
        {
            "navn": unit.navn,
            "organisasjonsform": {
                "kode": unit.organisasjonsform,
                "beskrivelse": form.beskrivelse if form else unit.organisasjonsform,
            },
            "registreringsdato": unit.registreringsdato.isoformat(),
            "registrertIForetaksregisteret": unit.registrert_i_foretaksregisteret,
            "konkurs": unit.konkurs,
            "konkursdato": _iso(unit.konkursdato),
            "underAvvikling": unit.under_avvikling,
            "underAvviklingDato": _iso(unit.under_avvikling_dato),
            "underTvangsavviklingEllerTvangsopplosning": unit.under_tvangsavvikling,
            "slettedato": _iso(unit.slettedato),
            "avvik": avvik,
        },
    )


def mva_registrering(session: Session, unit: UnitFacts, today: date) -> Finding:
    """ok when the entity is registered in Merverdiavgiftsregisteret (Enhetsregisteret's
    flag: the register keeps no date of the registration)."""
    registered = unit.registrert_i_mvaregisteret
    return Finding("ok" if registered else "ikke-ok", {"registrertIMvaregisteret": registered})


#: Every kind of evidence, by code, in the order an answer lists them.
KINDS: Final[Mapping[str, Kind]] = {
    kind.kode: kind
    for kind in (
        Kind("skatteattest", "Skatteattest", Source(*SKATTEETATEN), skatteattest),
        Kind("firmaattest", "Firmaattest", Source(*BRREG), firmaattest),
        Kind(
            "mva-registrering",
            "Registrering i Merverdiavgiftsregisteret",
            Source(*BRREG),
            mva_registrering,
        ),
    )
}


# ------------------------------------------------------------------------------------------
# Asking
# ------------------------------------------------------------------------------------------


def check_public_body(session: Session, *, orgnr: str) -> None:
    """Forbidden (403) unless ``orgnr`` is a public body registered in Enhetsregisteret."""
    status = enhetsregisteret.unit_status(session, orgnr=orgnr)
    if status is None or status.slettet or status.organisasjonsform not in PUBLIC_BODY_FORMS:
        raise Forbidden(
            "Only a public body (organisasjonsform "
            f"{', '.join(sorted(PUBLIC_BODY_FORMS))}) may ask for evidence",
            organisasjonsform=status.organisasjonsform if status is not None else None,
        )


def chosen_kinds(codes: Sequence[str] | None) -> tuple[Kind, ...]:
    """The kinds asked for, once each and in the order asked (all when ``codes`` is None);
    InvalidInput (422) for an empty list or a code that is not known."""
    if codes is None:
        return tuple(KINDS.values())
    if not codes:
        raise InvalidInput("bevis: name at least one kind of evidence, or leave it out for all")
    unknown = sorted({code for code in codes if code not in KINDS})
    if unknown:
        raise InvalidInput(
            f"bevis: unknown kind of evidence {', '.join(repr(c[:50]) for c in unknown)}",
            kjente=list(KINDS),
        )
    return tuple(KINDS[code] for code in dict.fromkeys(codes))


def check_purpose(formaal: str) -> str:
    """The purpose, if evidence may be asked for it; InvalidInput (422) otherwise."""
    if formaal not in PURPOSES:
        raise InvalidInput(f"formaal must be one of {', '.join(PURPOSES)}", kjente=list(PURPOSES))
    return formaal


def gather(session: Session, *, orgnr: str, codes: Sequence[str] | None, at: datetime) -> Bundle:
    """The evidence ``codes`` (all when None) about the main entity ``orgnr`` at ``at``.

    InvalidInput (422) for an invalid organisasjonsnummer or an unknown code; NotFound (404)
    when no main entity has the number (a sub-unit's number names its main entity).
    """
    number = orgnr_input(orgnr, role="organisasjonsnummer")
    kinds = chosen_kinds(codes)
    unit = enhetsregisteret.unit_facts(session, orgnr=number)
    if unit is None:
        raise NotFound(f"No entity is registered with organisasjonsnummer {number}")
    if unit.er_underenhet:
        raise NotFound(
            f"{number} is a sub-unit (underenhet); evidence is about its main entity",
            overordnetEnhet=unit.overordnet_enhet,
        )
    today = at.date()
    items = []
    for kind in kinds:
        finding = kind.build(session, unit, today)
        items.append(Evidence(kind.kode, kind.navn, finding.status, finding.verdi, kind.kilde, at))
    return Bundle(number, unit.navn, unit.organisasjonsform, tuple(items), at)
