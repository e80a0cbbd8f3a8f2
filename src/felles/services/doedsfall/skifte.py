"""The probate court after a death: tell the heirs, give them the estate overview, and ask
each adult heir to choose how the estate is settled — privat or offentlig skifte, or uskifte
for the surviving spouse — within 60 days of the death.

One batch of deaths reads through the distributor as the court (purpose ``skifte``): the
deceased's basis and family, their property (Grunnboken) and latest tax summary, and each
death's heirs as relatives of the deceased. The court opens a case per death (one per
deceased: a second delivery of the event finds it and does nothing) and sends one task letter
per adult heir, keyed by death and heir. Letters carry no address, not even the property's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event
from felles.mailbox.content import Content
from felles.mailbox.operations import Letter, send_letters
from felles.services import batch
from felles.services.doedsfall import SKIFTE, SKIFTE_DAYS, USKIFTE_LAW
from felles.services.doedsfall.common import (
    Deceased,
    Heir,
    date_of,
    due,
    long_date,
    read_deceased,
    released,
    skifte_deadline,
    skifte_key,
)
from felles.services.reader import service_reader
from felles.services.states import SakStatus

log = logging.getLogger(__name__)

EIENDOM: Final = "eiendom.eierskap"
SKATT: Final = "skatt.skatteoppgjoer.sammendrag"

#: The tax summary's posts shown in the overview, by field, with their names for people.
_POSTS: Final[tuple[tuple[str, str, dict[str, str]], ...]] = (
    ("inntekt", "samletLoennsinntektMedTrygdeavgiftspliktOgMedTrekkplikt",
     {"nb": "Lønnsinntekt", "nn": "Lønsinntekt", "en": "Pay"}),
    ("inntekt", "samledeOpptjenteRenterIInnenlandskeBanker",
     {"nb": "Renteinntekter", "nn": "Renteinntekter", "en": "Interest received"}),
    ("inntekt", "alminneligInntektFoerSaerfradrag",
     {"nb": "Alminnelig inntekt", "nn": "Alminneleg inntekt", "en": "Ordinary income"}),
    ("formue", "bruttoformue",
     {"nb": "Bruttoformue", "nn": "Bruttoformue", "en": "Gross wealth"}),
    ("gjeld", "samletGjeld", {"nb": "Gjeld", "nn": "Gjeld", "en": "Debt"}),
    ("formue", "nettoformue", {"nb": "Nettoformue", "nn": "Nettoformue", "en": "Net wealth"}),
)  # fmt: skip

_T: Final[dict[str, dict[str, str]]] = {
    "title": {
        "nb": "Dødsfall: velg hvordan boet etter {navn} skal gjøres opp",
        "nn": "Dødsfall: vel korleis buet etter {navn} skal gjerast opp",
        "en": "Death: choose how the estate of {navn} is to be settled",
    },
    "summary": {
        "nb": "Meld fra til tingretten innen {frist} om dere vil ha privat eller offentlig skifte.",
        "nn": "Meld frå til tingretten innan {frist} om de vil ha privat eller offentleg skifte.",
        "en": "Tell the court by {frist} whether you want private or public probate.",
    },
    "intro": {
        "nb": "{navn} døde {doed}. Tingretten skriver til deg fordi du er arving etter loven.",
        "nn": "{navn} døydde {doed}. Tingretten skriv til deg fordi du er arving etter lova.",
        "en": "{navn} died on {doed}. The court is writing to you because you are an heir by law.",
    },
    "todo": {
        "nb": "## Dette må du gjøre innen {frist}",
        "nn": "## Dette må du gjere innan {frist}",
        "en": "## What you must do by {frist}",
    },
    "choose": {
        "nb": "Arvingene må velge hvordan boet skal gjøres opp:",
        "nn": "Arvingane må velje korleis buet skal gjerast opp:",
        "en": "The heirs must choose how the estate is to be settled:",
    },
    "privat": {
        "nb": "- Privat skifte: arvingene overtar boet og gjør det opp selv. Dere tar da på dere "
        "ansvaret for gjelden etter den avdøde.",
        "nn": "- Privat skifte: arvingane overtek buet og gjer det opp sjølve. De tek då på dykk "
        "ansvaret for gjelda etter den avdøde.",
        "en": "- Private probate (privat skifte): the heirs take over the estate and settle it "
        "themselves, taking on responsibility for the debts of the deceased.",
    },
    "offentlig": {
        "nb": "- Offentlig skifte: tingretten gjør opp boet, som regel med en bostyrer.",
        "nn": "- Offentleg skifte: tingretten gjer opp buet, som regel med ein bustyrar.",
        "en": "- Public probate (offentlig skifte): the court settles the estate, usually "
        "through an administrator.",
    },
    "uskifte": {
        "nb": "- Uskifte: som gjenlevende ektefelle kan du overta boet uten å skifte nå. Da "
        "arver de andre arvingene senere.",
        "nn": "- Uskifte: som attlevande ektefelle kan du overta buet utan å skifte no. Då arvar "
        "dei andre arvingane seinare.",
        "en": "- Undivided possession (uskifte): as the surviving spouse you may take over the "
        "estate without settling it now. The other heirs then inherit later.",
    },
    "deadline": {
        "nb": "Meld valget til tingretten innen {frist}, {dager} dager etter dødsfallet "
        "({lov}). Marker oppgaven som utført når du har meldt valget.",
        "nn": "Meld valet til tingretten innan {frist}, {dager} dagar etter dødsfallet "
        "({lov}). Marker oppgåva som utført når du har meldt valet.",
        "en": "Tell the court your choice by {frist}, {dager} days after the death ({lov}). "
        "Mark the task as done when you have told the court.",
    },
    "late": {
        "nb": "Fristen på {dager} dager etter dødsfallet gikk ut {frist}. Kontakt tingretten "
        "snarest.",
        "nn": "Fristen på {dager} dagar etter dødsfallet gjekk ut {frist}. Kontakt tingretten "
        "snarast.",
        "en": "The deadline of {dager} days after the death passed on {frist}. Contact the "
        "court as soon as you can.",
    },
    "overview": {
        "nb": "## Oversikt over boet",
        "nn": "## Oversikt over buet",
        "en": "## Overview of the estate",
    },
    "property": {
        "nb": "### Eiendom (Grunnboken)",
        "nn": "### Eigedom (Grunnboka)",
        "en": "### Property (Land Register)",
    },
    "property_head": {
        "nb": "| Matrikkelnummer | Kommune | Type | Andel |",
        "nn": "| Matrikkelnummer | Kommune | Type | Del |",
        "en": "| Cadastral number | Municipality | Type | Share |",
    },
    "no_property": {
        "nb": "Den avdøde eide ingen eiendom i Grunnboken.",
        "nn": "Den avdøde eigde ingen eigedom i Grunnboka.",
        "en": "The deceased owned no property in the Land Register.",
    },
    "tax": {
        "nb": "### Inntekt og formue (skatteoppgjøret for {aar})",
        "nn": "### Inntekt og formue (skatteoppgjeret for {aar})",
        "en": "### Income and wealth (tax assessment for {aar})",
    },
    "tax_head": {"nb": "| Post | Beløp |", "nn": "| Post | Beløp |", "en": "| Item | Amount |"},
    "no_tax": {
        "nb": "Det finnes ikke noe skatteoppgjør for den avdøde.",
        "nn": "Det finst ikkje noko skatteoppgjer for den avdøde.",
        "en": "There is no tax assessment for the deceased.",
    },
    "note": {
        "nb": "Oversikten er hentet fra Grunnboken og Skatteetaten. Bankinnskudd, gjeld og "
        "annet kan ha endret seg siden skatteoppgjøret.",
        "nn": "Oversikta er henta frå Grunnboka og Skatteetaten. Bankinnskot, gjeld og anna kan "
        "ha endra seg sidan skatteoppgjeret.",
        "en": "The overview comes from the Land Register and the Tax Administration. Bank "
        "deposits, debts and the rest may have changed since the assessment.",
    },
}


def _kroner(amount: Any, language: str) -> str:
    if not isinstance(amount, int):
        return "–"
    text = f"{amount:,}".replace(",", "\u00a0")
    return f"NOK {text}" if language == "en" else f"{text} kr"


def _property_lines(eiendom: Mapping[str, Any] | None, language: str) -> list[str]:
    lines = [_T["property"][language]]
    owned = (eiendom or {}).get("eiendommer") or []
    if not owned:
        return [*lines, _T["no_property"][language]]
    rows = [_T["property_head"][language]]
    for item in owned:
        # No address: the deceased's home may be a protected address, and it is not needed.
        rows.append(
            f"| {item['matrikkelnummertekst']} | {item['kommunenavn']} | "
            f"{item['matrikkelenhetstype']} | {item['andel']} |"
        )
    return [*lines, "\n".join(rows)]


def _tax_lines(skatt: Mapping[str, Any] | None, language: str) -> list[str]:
    summary = skatt or {}
    year = next((v["inntektsaar"] for v in summary.values() if isinstance(v, dict) and v), None)
    if year is None:
        return [_T["tax"][language].format(aar="–"), _T["no_tax"][language]]
    rows = [_T["tax_head"][language]]
    for field, post, names in _POSTS:
        values = summary.get(field) or {}
        rows.append(f"| {names[language]} | {_kroner(values.get(post), language)} |")
    return [_T["tax"][language].format(aar=year), "\n".join(rows)]


def render(
    deceased: Deceased,
    heir: Heir,
    *,
    doedsdato: date,
    eiendom: Mapping[str, Any] | None,
    skatt: Mapping[str, Any] | None,
    late: bool,
) -> list[Content]:
    """The task letter to one heir, in nb, nn and en (structured text for the mailbox)."""
    deadline = skifte_deadline(doedsdato)
    contents = []
    for language in ("nb", "nn", "en"):
        frist = long_date(deadline, language)
        navn = (
            deceased.name
            or {"nb": "Den avdøde", "nn": "Den avdøde", "en": "The deceased"}[language]
        )
        fields = {"navn": navn, "frist": frist, "dager": SKIFTE_DAYS, "lov": USKIFTE_LAW.name}
        choices = [_T["privat"][language], _T["offentlig"][language]]
        if heir.relation == "ektefelle":
            choices.append(_T["uskifte"][language])
        paragraphs = [
            _T["intro"][language].format(doed=long_date(doedsdato, language), **fields),
            _T["todo"][language].format(**fields),
            _T["choose"][language],
            "\n".join(choices),
            _T["late" if late else "deadline"][language].format(**fields),
            _T["overview"][language],
            *_property_lines(eiendom, language),
            *_tax_lines(skatt, language),
            _T["note"][language],
        ]
        contents.append(
            Content(
                language,
                _T["title"][language].format(**fields)[:255],
                "\n\n".join(paragraphs),
                _T["summary"][language].format(**fields),
            )
        )
    return contents


def handle_deaths(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """The bus's batch handler: one court case per death, one task letter per adult heir."""
    service = SKIFTE
    subjects = list(dict.fromkeys(e.subject for e in events if e.subject))
    taken = batch.existing_subjects(uow, service, subjects)
    subjects = [s for s in subjects if s not in taken]
    if not subjects:
        return
    event_of = {e.subject: e for e in events}
    reader = service_reader(uow.database, service)
    found = read_deceased(reader, subjects, fields=("navn", "status", "doedsfall"))
    eiendom = reader.read(EIENDOM, subjects, fields=("eiendommer",))
    skatt = reader.read(SKATT, subjects, fields=("inntekt", "formue", "gjeld"))
    opened = batch.open_cases(
        uow,
        service,
        [
            batch.NewCase(
                subject=subject,
                part=None,
                trigger_event_id=event_of[subject].id,
                settles_as=SakStatus.UNDER_BEHANDLING,
            )
            for subject in subjects
        ],
    )
    letters: list[Letter] = []
    for subject in opened:
        deceased = found[subject]
        doedsdato = deceased.doedsdato or date_of((event_of[subject].data or {}).get("doedsdato"))
        if doedsdato is None:
            continue
        property_ = released(eiendom, subject)
        tax = released(skatt, subject)
        at, late = due(skifte_deadline(doedsdato))
        for heir in deceased.adult_heirs():
            letters.append(
                Letter(
                    sender_orgnr=service.orgnr,
                    recipient=heir.ident,
                    kind="oppgave",
                    contents=render(
                        deceased,
                        heir,
                        doedsdato=doedsdato,
                        eiendom=property_.data if property_ else None,
                        skatt=tax.data if tax else None,
                        late=late,
                    ),
                    due=at,
                    idempotent_key=skifte_key(subject, heir.ident),
                    message_sender=service.owner_name,
                    origin=f"sak:{opened[subject].id}",
                )
            )
    if letters:
        send_letters(uow, letters)
    log.info("court: %d deaths, %d letters to heirs", len(opened), len(letters))
    reader.flush(uow)
