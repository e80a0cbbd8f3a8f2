"""NAV at a birth: foreldrepenger or engangsstønad, decided by the rules, applied for by the
mother on a form NAV has filled in already ("kun én gang").

For each birth NAV finds the mother (the child's ``familierelasjon``), reads her basis and
the pay her employers reported in A-ordningen (purpose ``foreldrepenger``), and asks the
rules whether she meets the earning requirement (``foreldrepenger_rett``: member of the
scheme, pensionable income ≥ 0.5 G, in work 6 of the last 10 months) or is left with
``engangsstoenad_rett``. Two inputs the registries do not hold are simplified, visibly:

* ``pensjonsgivende_inntekt`` is the assessed income of the calendar year, which does not
  exist at the birth: NAV feeds the pay reported in A-ordningen for the 12 months before the
  birth month (the letter says so);
* ``i_arbeid_maaneder_siste_10`` counts the months among the 10 before the birth month with
  pay reported (a month with an employment but no pay does not count);
* the rules' ``kjoenn`` is taken from her role ``mor`` in Folkeregisteret (the basis gives NAV
  no legal sex).

NAV decides nothing here — a claim is what starts a case — so no case is opened. The mother
gets a task (kind ``oppgave``) with the application prefilled from the distributor: each form
field NAV already knows with its source and legal basis, and what she must still give. The
form is checked and answered by ``felles.sharing.prefill`` (``check_form``, ``answer``)
over the service's reader: ``prefill.prefill`` itself writes the access log in its own
transaction, which on SQLite would wait on the consumer's (the bus holds the write lock), so
the releases are logged here in the consumer's unit of work instead — the same decision,
minimisation and log entries. One letter per child (``foedsel-<child>-foreldrepenger``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event
from felles.mailbox.content import Content
from felles.mailbox.operations import Letter, send_letters
from felles.rules.calculation import filled_in, release, run
from felles.rules.system import tax_benefit_system
from felles.services.declaration import LegalReference
from felles.services.doedsfall.common import add_months, date_of, due, long_date, one, released
from felles.services.foedsel import (
    ARBEIDSFORHOLD,
    BASIS,
    ENGANGSSTOENAD_DEADLINE_LAW,
    ENGANGSSTOENAD_MONTHS,
    FAMILIE,
    FORELDREPENGER,
    FORELDREPENGER_DEADLINE_LAW,
    FORELDREPENGER_MONTHS,
    INNTEKT,
)
from felles.services.foedsel.births import Birth, already_sent, births_of, foreldrepenger_key
from felles.services.reader import service_reader
from felles.sharing.prefill import (
    NOT_REGISTERED,
    Filled,
    FormField,
    Prefilled,
    answer,
    check_form,
)
from felles.sharing.reader import InternalReader
from felles.sharing.release import Outcome, Released

log = logging.getLogger(__name__)

ORIGIN: Final = FORELDREPENGER.id
Benefit = Literal["foreldrepenger", "engangsstoenad"]
FP: Final = "foreldrepenger"
ES: Final = "engangsstoenad"
MOTHER_FIELDS: Final = ("navn", "foedselsdato", "status", "statsborgerskap")
INCOME_MONTHS: Final = 12  # the stand-in for the year's pensionable income (module docstring)
WORK_MONTHS: Final = 10  # folketrygdloven § 14-6: the window the months in work are counted in

# The application forms: what NAV's søknad asks that a register holds (ids are the form's).
FP_FORM: Final = (
    FormField("fornavn", BASIS, "navn.fornavn"),
    FormField("etternavn", BASIS, "navn.etternavn"),
    FormField("foedselsdato", BASIS, "foedselsdato"),
    FormField("statsborgerskap", BASIS, "statsborgerskap.0.statsborgerskap"),
    FormField("sivilstand", FAMILIE, "sivilstand.sivilstand"),
    FormField(
        "arbeidsgiver", ARBEIDSFORHOLD, "arbeidsforhold.0.opplysningspliktig.identer.0.ident"
    ),
    FormField(
        "stillingsprosent",
        ARBEIDSFORHOLD,
        "arbeidsforhold.0.ansettelsesdetaljer.0.avtaltStillingsprosent",
    ),
)
ES_FORM: Final = FP_FORM[:4]  # the engangsstønad basis gives no sivilstand or employment
#: What no register holds: the mother answers these herself.
OWN_QUESTIONS: Final[dict[str, tuple[str, ...]]] = {
    FP: ("dekningsgrad", "uttaksplan", "utenlandsopphold"),
    ES: ("utenlandsopphold",),
}
PURPOSE: Final[dict[str, str]] = {FP: "foreldrepenger", ES: "engangsstoenad"}


@dataclass(frozen=True, slots=True)
class Screening:
    """The rules' answer for one mother in the birth month."""

    benefit: Benefit
    member: bool  # medlem_i_folketrygden (resident, as Folkeregisteret says)
    engangsstoenad: int  # the amount if engangsstønad applies (0 otherwise)
    income: int  # the stand-in for pensionable income (NOK)
    months_in_work: int


def _months_before(day: date, count: int) -> list[str]:
    """The ``count`` months (``YYYY-MM``) before ``day``'s month, oldest first."""
    index = day.year * 12 + day.month - 1
    return [f"{(i) // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count, index)]


def pay_by_month(inntekt: Mapping[str, Any] | None) -> dict[str, int]:
    """The pay reported per month (all employers), from ``arbeid.inntekt.siste-36-mnd``."""
    months: dict[str, int] = {}
    for month in ((inntekt or {}).get("inntekt") or {}).get("data") or []:
        total = sum(int(line.get("beloep") or 0) for line in month.get("inntektListe") or [])
        months[month["maaned"]] = months.get(month["maaned"], 0) + total
    return months


def screen(
    *, mor_foedt: date | None, barn_foedt: date, bosatt: bool, pay: Mapping[str, int]
) -> Screening:
    """Foreldrepenger or engangsstønad by the rules for the birth month."""
    month = barn_foedt.strftime("%Y-%m")
    income = sum(pay.get(m, 0) for m in _months_before(barn_foedt, INCOME_MONTHS))
    worked = sum(1 for m in _months_before(barn_foedt, WORK_MONTHS) if pay.get(m, 0) > 0)
    wanted = (
        "foreldrepenger_rett",
        "engangsstoenad_rett",
        "engangsstoenad",
        "medlem_i_folketrygden",
    )
    mor: dict[str, Any] = {
        "kjoenn": {"ETERNITY": "kvinne"},  # her role mor (module docstring)
        "bosatt_i_norge": {month: bosatt},
        "pensjonsgivende_inntekt": {str(barn_foedt.year): income},
        "i_arbeid_maaneder_siste_10": {month: worked},
        **{name: {month: None} for name in wanted},
    }
    if mor_foedt is not None:
        mor["foedselsdato"] = {"ETERNITY": mor_foedt.isoformat()}
    situation = {
        "personer": {"mor": mor, "barn": {"foedselsdato": {"ETERNITY": barn_foedt.isoformat()}}},
        "familier": {"familie": {"foreldre": ["mor"], "barn": ["barn"]}},
    }
    calculated = run(tax_benefit_system(), situation)
    try:
        values = filled_in(calculated)["personer"]["mor"]
    finally:
        release(calculated.simulation)
    foreldrepenger = bool(values["foreldrepenger_rett"][month])
    return Screening(
        benefit=FP if foreldrepenger else ES,
        member=bool(values["medlem_i_folketrygden"][month]),
        engangsstoenad=int(values["engangsstoenad"][month]),
        income=income,
        months_in_work=worked,
    )


def fill(
    reader: InternalReader,
    subject: str,
    form: Sequence[FormField],
    known: Mapping[str, Outcome] | None = None,
) -> Prefilled:
    """``form`` filled for ``subject`` with what ``reader`` may see, answered by
    ``prefill.answer`` as the distributor's own prefill is (the module docstring says why the
    reads go through the service's reader). ``known``: outcomes already read for the same
    purpose with the fields the form needs, so nothing is read (and logged) twice."""
    checked = check_form(subject, form)
    outcomes: dict[str, Outcome] = dict(known or {})
    wanted: dict[str, set[str]] = {}
    for item in checked:
        wanted.setdefault(item.product.name, set()).add(item.path[0])
    for name, heads in wanted.items():
        have = outcomes.get(name)
        if isinstance(have, Released) and heads <= set(have.data) | set(have.withheld):
            continue
        outcomes[name] = reader.read(name, [subject], fields=sorted(heads))[subject]
    return answer(checked, outcomes)


# --- the letter ----------------------------------------------------------------------------

_LABEL: Final[dict[str, dict[str, str]]] = {
    "fornavn": {"nb": "Fornavn", "nn": "Førenamn", "en": "First name"},
    "etternavn": {"nb": "Etternavn", "nn": "Etternamn", "en": "Surname"},
    "foedselsdato": {"nb": "Fødselsdato", "nn": "Fødselsdato", "en": "Date of birth"},
    "statsborgerskap": {"nb": "Statsborgerskap", "nn": "Statsborgarskap", "en": "Citizenship"},
    "sivilstand": {"nb": "Sivilstand", "nn": "Sivilstand", "en": "Marital status"},
    "arbeidsgiver": {
        "nb": "Arbeidsgiver (organisasjonsnummer)",
        "nn": "Arbeidsgivar (organisasjonsnummer)",
        "en": "Employer (organisation number)",
    },
    "stillingsprosent": {"nb": "Stillingsprosent", "nn": "Stillingsprosent", "en": "Position %"},
    "dekningsgrad": {
        "nb": "Dekningsgrad: 100 % i kortere tid eller 80 % i lengre tid (avtal med den andre "
        "forelderen)",
        "nn": "Dekningsgrad: 100 % i kortare tid eller 80 % i lengre tid (avtal med den andre "
        "forelderen)",
        "en": "Coverage: 100 % for a shorter time or 80 % for longer (agree with the other parent)",
    },
    "uttaksplan": {
        "nb": "Når du tar ut foreldrepengene (mødrekvote og fellesperiode)",
        "nn": "Når du tek ut foreldrepengane (mødrekvote og fellesperiode)",
        "en": "When you take the leave (mother's quota and the shared period)",
    },
    "utenlandsopphold": {
        "nb": "Opphold i utlandet de siste og de neste 12 månedene",
        "nn": "Opphald i utlandet dei siste og dei neste 12 månadene",
        "en": "Stays abroad in the last and the next 12 months",
    },
}
_REASON: Final[dict[str, dict[str, str]]] = {
    NOT_REGISTERED: {
        "nb": "ikke registrert",
        "nn": "ikkje registrert",
        "en": "not registered",
    },
    "protected-address": {
        "nb": "beskyttet",
        "nn": "verna",
        "en": "protected",
    },
}
_OTHER_REASON: Final = {
    "nb": "NAV kan ikke hente dette",
    "nn": "NAV kan ikkje hente dette",
    "en": "NAV cannot fetch this",
}
_T: Final[dict[str, dict[str, str]]] = {
    "fp_title": {
        "nb": "Søk om foreldrepenger for barnet født {barn}",
        "nn": "Søk om foreldrepengar for barnet fødd {barn}",
        "en": "Apply for parental benefit for the child born {barn}",
    },
    "es_title": {
        "nb": "Søk om engangsstønad for barnet født {barn}",
        "nn": "Søk om eingongsstønad for barnet fødd {barn}",
        "en": "Apply for the lump-sum grant for the child born {barn}",
    },
    "fp_summary": {
        "nb": "Du ser ut til å ha rett til foreldrepenger. Søk innen {frist}.",
        "nn": "Du ser ut til å ha rett til foreldrepengar. Søk innan {frist}.",
        "en": "You appear to be entitled to parental benefit. Apply by {frist}.",
    },
    "es_summary": {
        "nb": "Du kan ha rett til engangsstønad. Søk innen {frist}.",
        "nn": "Du kan ha rett til eingongsstønad. Søk innan {frist}.",
        "en": "You may be entitled to the lump-sum grant. Apply by {frist}.",
    },
    "fp_intro": {
        "nb": "Gratulerer med barnet! Arbeidsgiverne dine har meldt lønn i {maaneder} av de ti "
        "siste månedene før fødselen, og minst halvparten av grunnbeløpet de tolv siste "
        "månedene. Da ser du ut til å oppfylle kravet til opptjening for foreldrepenger "
        "(folketrygdloven §§ 14-6 og 14-7).",
        "nn": "Gratulerer med barnet! Arbeidsgivarane dine har meldt løn i {maaneder} av dei ti "
        "siste månadene før fødselen, og minst halvparten av grunnbeløpet dei tolv siste "
        "månadene. Då ser du ut til å oppfylle kravet til opptening for foreldrepengar "
        "(folketrygdlova §§ 14-6 og 14-7).",
        "en": "Congratulations on the child! Your employers have reported pay in {maaneder} of "
        "the last ten months before the birth, and at least half the basic amount over the last "
        "twelve months. You therefore appear to meet the earning requirement for parental "
        "benefit (folketrygdloven §§ 14-6 and 14-7).",
    },
    "es_intro": {
        "nb": "Gratulerer med barnet! Etter det arbeidsgiverne har meldt, oppfyller du ikke "
        "kravet til opptjening for foreldrepenger (lønn minst seks av de ti siste månedene og "
        "minst halvparten av grunnbeløpet). Da kan du få engangsstønad, {beloep} per barn "
        "(folketrygdloven § 14-17; foreløpig sats).",
        "nn": "Gratulerer med barnet! Etter det arbeidsgivarane har meldt, oppfyller du ikkje "
        "kravet til opptening for foreldrepengar (løn minst seks av dei ti siste månadene og "
        "minst halvparten av grunnbeløpet). Då kan du få eingongsstønad, {beloep} per barn "
        "(folketrygdlova § 14-17; førebels sats).",
        "en": "Congratulations on the child! From what your employers have reported, you do not "
        "meet the earning requirement for parental benefit (pay in at least six of the last ten "
        "months and at least half the basic amount). You may get the lump-sum grant instead, "
        "{beloep} per child (folketrygdloven § 14-17; provisional rate).",
    },
    "not_member": {
        "nb": "Du er ikke registrert som bosatt i Norge. Engangsstønad krever at du er medlem i "
        "folketrygden; søk hvis du er det.",
        "nn": "Du er ikkje registrert som busett i Noreg. Eingongsstønad krev at du er medlem i "
        "folketrygda; søk viss du er det.",
        "en": "You are not registered as resident in Norway. The grant requires membership of "
        "the national insurance scheme; apply if you are a member.",
    },
    "no_decision": {
        "nb": "NAV har ikke fattet noe vedtak. Det gjør vi når du har søkt.",
        "nn": "NAV har ikkje gjort noko vedtak. Det gjer vi når du har søkt.",
        "en": "NAV has not made a decision. We will when you have applied.",
    },
    "prefilled": {
        "nb": "## Søknaden er fylt ut på forhånd\n"
        "NAV har fylt ut {gjenbrukt} opplysninger fra offentlige registre, så du slipper å "
        "oppgi dem på nytt. Du fyller ut {selv} selv.",
        "nn": "## Søknaden er fylt ut på førehand\n"
        "NAV har fylt ut {gjenbrukt} opplysningar frå offentlege register, så du slepp å "
        "oppgi dei på nytt. Du fyller ut {selv} sjølv.",
        "en": "## The application is filled in already\n"
        "NAV has filled in {gjenbrukt} details from public registers, so you need not give "
        "them again. You fill in {selv} yourself.",
    },
    "source": {"nb": "fra {kilde}", "nn": "frå {kilde}", "en": "from {kilde}"},
    "basis": {"nb": "hjemmel: {lov}", "nn": "heimel: {lov}", "en": "legal basis: {lov}"},
    "yourself": {
        "nb": "## Dette fyller du ut selv",
        "nn": "## Dette fyller du ut sjølv",
        "en": "## What you fill in yourself",
    },
    "deadline": {
        "nb": "## Frist\nSøk innen {frist} ({lov}). Marker oppgaven som utført når du har søkt.",
        "nn": "## Frist\nSøk innan {frist} ({lov}). Marker oppgåva som utført når du har søkt.",
        "en": "## Deadline\nApply by {frist} ({lov}). Mark the task as done when you have applied.",
    },
    "income_note": {
        "nb": "NAV har regnet med lønnen i a-meldingen de tolv siste månedene før fødselen; "
        "saksbehandleren ser på hele opptjeningen når du søker.",
        "nn": "NAV har rekna med løna i a-meldinga dei tolv siste månadene før fødselen; "
        "sakshandsamaren ser på heile oppteninga når du søkjer.",
        "en": "NAV counted the pay in the a-melding for the twelve months before the birth; the "
        "caseworker looks at all your earnings when you apply.",
    },
}


def _kroner(amount: int, language: str) -> str:
    text = f"{amount:,}".replace(",", "\u00a0")
    return f"NOK {text}" if language == "en" else f"{text} kr"


def _shown(field: Filled, language: str) -> str:
    value = field.verdi
    if field.id == "stillingsprosent" and isinstance(value, int | float):
        return f"{value:g}\u00a0%"
    if field.id == "foedselsdato" and (day := date_of(value)) is not None:
        return long_date(day, language)
    return str(value)


def _known_line(field: Filled, language: str) -> str:
    source = _T["source"][language].format(kilde=field.product.owner_name)
    law = field.grunnlag.lovnavn if field.grunnlag and field.grunnlag.lovnavn else None
    basis = f"; {_T['basis'][language].format(lov=law)}" if law else ""
    return f"- {_LABEL[field.id][language]}: {_shown(field, language)} ({source}{basis})"


def render(
    birth: Birth, screening: Screening, form: Prefilled, deadline: date, law: LegalReference
) -> list[Content]:
    benefit = screening.benefit
    own = OWN_QUESTIONS[benefit]
    contents = []
    for language in ("nb", "nn", "en"):
        words = {
            "barn": long_date(birth.foedselsdato, language),
            "frist": long_date(deadline, language),
            "lov": law.name,
            "maaneder": str(screening.months_in_work),
            "beloep": _kroner(screening.engangsstoenad, language),
            "gjenbrukt": str(form.gjenbrukt),
            "selv": str(form.maa_fylles_ut + len(own)),
        }
        prefix = "fp" if benefit == FP else "es"
        paragraphs = [_T[f"{prefix}_intro"][language]]
        if benefit == ES and not screening.member:
            paragraphs.append(_T["not_member"][language])
        paragraphs += [_T["income_note"][language], _T["no_decision"][language]]
        known = [_known_line(f, language) for f in form.felter if f.status == "utfylt"]
        paragraphs.append(_T["prefilled"][language] + ("\n" + "\n".join(known) if known else ""))
        missing = [
            f"- {_LABEL[f.id][language]} ({_REASON.get(f.grunn or '', _OTHER_REASON)[language]})"
            for f in form.felter
            if f.status != "utfylt"
        ]
        missing += [f"- {_LABEL[q][language]}" for q in own]
        paragraphs.append(_T["yourself"][language] + "\n" + "\n".join(missing))
        paragraphs.append(_T["deadline"][language])
        contents.append(
            Content(
                language,
                _T[f"{prefix}_title"][language].format(**words)[:255],
                "\n\n".join(p.format(**words) for p in paragraphs),
                _T[f"{prefix}_summary"][language].format(**words),
            )
        )
    return contents


def deadline_of(benefit: str, born: date) -> tuple[date, LegalReference]:
    if benefit == FP:
        return add_months(born, FORELDREPENGER_MONTHS), FORELDREPENGER_DEADLINE_LAW
    return add_months(born, ENGANGSSTOENAD_MONTHS), ENGANGSSTOENAD_DEADLINE_LAW


def _mothers(reader: InternalReader, births: Sequence[Birth]) -> dict[str, str]:
    """Each child's mother by the child's familierelasjon (role mor)."""
    familie = reader.read(FAMILIE, [b.child for b in births], fields=("familierelasjon",))
    found: dict[str, str] = {}
    for birth in births:
        family = released(familie, birth.child)
        for relation in (family.data.get("familierelasjon") if family else None) or []:
            if relation.get("relatertPersonsRolle") == "mor" and relation.get("relatertPerson"):
                found[birth.child] = relation["relatertPerson"]
                break
    return found


def handle_births(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """The bus's batch handler: screen each mother by the rules; send her the prefilled
    application as a task."""
    births = births_of(events)
    sent = already_sent(uow.session, [foreldrepenger_key(b.child) for b in births], origin=ORIGIN)
    births = [b for b in births if foreldrepenger_key(b.child) not in sent]
    if not births:
        return
    reader = service_reader(uow.database, FORELDREPENGER)
    es_reader = InternalReader(uow.database, reader.principal, PURPOSE[ES], at=reader.at)
    mother_of = _mothers(reader, births)
    mothers = sorted(set(mother_of.values()))
    basis = reader.read(BASIS, mothers, fields=MOTHER_FIELDS) if mothers else {}
    income = reader.read(INNTEKT, mothers, fields=("inntekt",)) if mothers else {}
    letters: list[Letter] = []
    outcomes: dict[str, int] = {}
    for birth in births:
        mother = mother_of.get(birth.child)
        mor = released(basis, mother) if mother else None
        if mother is None or mor is None:
            continue  # no registered mother NAV may read: nobody to ask
        status = one(mor.data.get("status")).get("status")
        if status == "doed":
            continue
        pay = released(income, mother)
        screening = screen(
            mor_foedt=date_of(mor.data.get("foedselsdato")),
            barn_foedt=birth.foedselsdato,
            bosatt=status == "bosatt",
            pay=pay_by_month(pay.data if pay else None),
        )
        outcomes[screening.benefit] = outcomes.get(screening.benefit, 0) + 1
        if screening.benefit == FP:
            form = fill(reader, mother, FP_FORM, known={BASIS: mor})
        else:
            form = fill(es_reader, mother, ES_FORM)
        deadline, law = deadline_of(screening.benefit, birth.foedselsdato)
        at, _ = due(deadline)
        letters.append(
            Letter(
                sender_orgnr=FORELDREPENGER.orgnr,
                recipient=mother,
                kind="oppgave",
                contents=render(birth, screening, form, deadline, law),
                due=at,
                idempotent_key=foreldrepenger_key(birth.child),
                # The journey says which benefit the task is about from this (never a value).
                senders_reference=screening.benefit,
                message_sender=FORELDREPENGER.owner_name,
                origin=ORIGIN,
            )
        )
    if letters:
        send_letters(uow, letters)
    log.info("foreldrepenger at birth: %s, %d letters", outcomes, len(letters))
    reader.flush(uow)
    es_reader.flush(uow)
