"""NAV's filter rules for an automatic barnetrygd decision at birth (Filtreringsregel).

A birth passes when every rule holds; otherwise the case goes to a caseworker with the codes
of the rules that failed. The rules follow ``/work/shared/reference/benefits.md`` (NAV's
familie-ba-sak): mother and child have valid fødselsnumre and are alive, the mother is 18 or
older and has no guardian, more than five months have passed since her previous child, and
she has no ongoing extended (utvidet) or EEA case. Two checks NAV makes in its vilkår
assessment right after are added, since they also stop automation: both are resident in
Norway and the child lives with the mother. A strictly confidential address goes to NAV's
own unit for such cases (NAV Vikafossen), never through the ordinary queue's automation.

Pure functions on facts taken from the released data: no registry reads here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from felles.kernel.ids import InvalidIdentifier, parse_person_identifier


@dataclass(frozen=True, slots=True)
class Person:
    """What the filter needs to know about one person (from the released data)."""

    ident: str
    foedselsdato: date | None
    status: str | None  # Folkeregisteret status: bosatt, doed, utflyttet …
    adressebeskyttelse: str | None  # None, klientadresse, fortrolig, strengtFortrolig
    bolig: str | None  # a key for the dwelling (never shown), None when no address
    har_verge: bool = False


@dataclass(frozen=True, slots=True)
class BirthFacts:
    mor: Person | None  # None: no mother registered or not released
    barn: Person
    soesken_foedselsdatoer: tuple[date, ...]  # the mother's other children
    mor_har_loepende_utvidet: bool = False
    mor_har_loepende_eoes: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    texts: Mapping[str, str]


def _rule(code: str, nb: str, nn: str, en: str) -> Rule:
    return Rule(code, {"nb": nb, "nn": nn, "en": en})


MOR_FINNES: Final = _rule(
    "MOR_FINNES",
    "Barnet har en registrert mor",
    "Barnet har ei registrert mor",
    "The child has a registered mother",
)
MOR_GYLDIG_FNR: Final = _rule(
    "MOR_GYLDIG_FNR",
    "Mor har gyldig fødselsnummer",
    "Mor har gyldig fødselsnummer",
    "The mother has a valid national identity number",
)
BARN_GYLDIG_FNR: Final = _rule(
    "BARN_GYLDIG_FNR",
    "Barnet har gyldig fødselsnummer",
    "Barnet har gyldig fødselsnummer",
    "The child has a valid national identity number",
)
MOR_LEVER: Final = _rule("MOR_LEVER", "Mor lever", "Mor lever", "The mother is alive")
BARN_LEVER: Final = _rule("BARN_LEVER", "Barnet lever", "Barnet lever", "The child is alive")
MOR_ER_OVER_18_AAR: Final = _rule(
    "MOR_ER_OVER_18_AAR",
    "Mor er 18 år eller eldre",
    "Mor er 18 år eller eldre",
    "The mother is 18 or older",
)
MOR_HAR_IKKE_VERGE: Final = _rule(
    "MOR_HAR_IKKE_VERGE", "Mor har ikke verge", "Mor har ikkje verje", "The mother has no guardian"
)
MER_ENN_5_MND_SIDEN_FORRIGE_BARN: Final = _rule(
    "MER_ENN_5_MND_SIDEN_FORRIGE_BARN",
    "Det er mer enn fem måneder siden mor fikk forrige barn",
    "Det er meir enn fem månader sidan mor fekk førre barnet",
    "More than five months have passed since the mother's previous child",
)
MOR_MOTTAR_IKKE_LOEPENDE_UTVIDET: Final = _rule(
    "MOR_MOTTAR_IKKE_LOEPENDE_UTVIDET",
    "Mor har ikke løpende utvidet barnetrygd",
    "Mor har ikkje løpande utvida barnetrygd",
    "The mother receives no extended child benefit",
)
MOR_HAR_IKKE_LOEPENDE_EOES: Final = _rule(
    "MOR_HAR_IKKE_LOEPENDE_EOES",
    "Mor har ikke løpende EØS-sak",
    "Mor har ikkje løpande EØS-sak",
    "The mother has no ongoing EEA case",
)
BEGGE_BOSATT: Final = _rule(
    "MOR_OG_BARN_BOSATT",
    "Mor og barn er bosatt i Norge",
    "Mor og barn er busette i Noreg",
    "Mother and child are resident in Norway",
)
BARN_BOR_MED_MOR: Final = _rule(
    "BARN_BOR_MED_MOR",
    "Barnet bor sammen med mor",
    "Barnet bur saman med mor",
    "The child lives with the mother",
)
IKKE_STRENGT_FORTROLIG: Final = _rule(
    "IKKE_STRENGT_FORTROLIG_ADRESSE",
    "Saker med strengt fortrolig adresse behandles av NAVs egen enhet",
    "Saker med strengt fortruleg adresse blir behandla av NAV si eiga eining",
    "Cases with a strictly confidential address are handled by NAV's own unit",
)

RULES: Final = (
    MOR_FINNES,
    MOR_GYLDIG_FNR,
    BARN_GYLDIG_FNR,
    MOR_LEVER,
    BARN_LEVER,
    MOR_ER_OVER_18_AAR,
    MOR_HAR_IKKE_VERGE,
    MER_ENN_5_MND_SIDEN_FORRIGE_BARN,
    MOR_MOTTAR_IKKE_LOEPENDE_UTVIDET,
    MOR_HAR_IKKE_LOEPENDE_EOES,
    BEGGE_BOSATT,
    BARN_BOR_MED_MOR,
    IKKE_STRENGT_FORTROLIG,
)


def _valid_fnr(ident: str) -> bool:
    """A fødselsnummer, not a D-number (NAV's rule: a D-number means a caseworker looks)."""
    try:
        parsed = parse_person_identifier(ident)
    except InvalidIdentifier:
        return False
    return parsed.kind == "foedselsnummer"


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _months_between(earlier: date, later: date) -> float:
    return (later - earlier).days / (365.25 / 12)


def failed_rules(facts: BirthFacts) -> list[Rule]:
    """The rules the birth breaks, in the order above (empty: automatic decision)."""
    mor, barn = facts.mor, facts.barn
    if mor is None:
        return [MOR_FINNES]
    born = barn.foedselsdato
    failed: list[Rule] = []
    if not _valid_fnr(mor.ident):
        failed.append(MOR_GYLDIG_FNR)
    if not _valid_fnr(barn.ident):
        failed.append(BARN_GYLDIG_FNR)
    if mor.status == "doed":
        failed.append(MOR_LEVER)
    if barn.status == "doed":
        failed.append(BARN_LEVER)
    if mor.foedselsdato is None or born is None or _age_on(mor.foedselsdato, born) < 18:
        failed.append(MOR_ER_OVER_18_AAR)
    if mor.har_verge:
        failed.append(MOR_HAR_IKKE_VERGE)
    if born is not None and any(
        # Twins and other children of the same birth share the date; they do not count.
        (born - other).days > 0 and _months_between(other, born) <= 5
        for other in facts.soesken_foedselsdatoer
    ):
        failed.append(MER_ENN_5_MND_SIDEN_FORRIGE_BARN)
    if facts.mor_har_loepende_utvidet:
        failed.append(MOR_MOTTAR_IKKE_LOEPENDE_UTVIDET)
    if facts.mor_har_loepende_eoes:
        failed.append(MOR_HAR_IKKE_LOEPENDE_EOES)
    if mor.status != "bosatt" or barn.status not in ("bosatt", "foedselsregistrert"):
        failed.append(BEGGE_BOSATT)
    if mor.bolig is None or mor.bolig != barn.bolig:
        failed.append(BARN_BOR_MED_MOR)
    if "strengtFortrolig" in (mor.adressebeskyttelse, barn.adressebeskyttelse):
        failed.append(IKKE_STRENGT_FORTROLIG)
    return failed


def reasons(failed: list[Rule]) -> list[dict[str, str]]:
    """The task's reasons: each failed rule's code and its text in nb, nn and en."""
    return [
        {"kode": rule.code, **{f"tekst_{k}": v for k, v in rule.texts.items()}} for rule in failed
    ]
