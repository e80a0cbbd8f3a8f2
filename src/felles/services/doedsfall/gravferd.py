"""NAV checks gravferdsstønad (folketrygdloven § 7-2) when someone dies, with the rules.

The rule system says whether support toward the funeral may apply: the deceased died in the
month and was a member of the national insurance scheme (resident, folketrygdloven § 2-1),
the highest amount, and whether it is means-tested (a deceased aged 18 or more). The rules
do not model the means test itself (the estate's and a spouse's assets, insurance, pensions:
``docs/rules.md``), so NAV decides nothing here: when support may apply it asks the surviving
spouse — or, without one, each adult child — to apply within six months (folketrygdloven
§ 22-13), as a task in the mailbox; otherwise nobody is written to and the journey says why
(``screen`` is the same function the journey uses).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event
from felles.mailbox.content import Content
from felles.mailbox.operations import Letter, send_letters
from felles.rules.calculation import filled_in, release, run
from felles.rules.system import tax_benefit_system
from felles.services.doedsfall import GRAVFERD, GRAVFERD_DEADLINE_LAW
from felles.services.doedsfall.common import (
    BASIS,
    Deceased,
    Heir,
    date_of,
    due,
    gravferd_deadline,
    gravferd_key,
    long_date,
    one,
    read_deceased,
)
from felles.services.reader import service_reader

log = logging.getLogger(__name__)

FIELDS: Final = ("navn", "foedselsdato", "status", "doedsfall", "bostedsadresse")
#: Reasons support does not apply, as codes (the journey words them).
NOT_A_MEMBER: Final = "IKKE_MEDLEM"
DEADLINE_PASSED: Final = "FRIST_UTE"
UNKNOWN: Final = "UKJENTE_OPPLYSNINGER"
#: Costs far above any maximum: the rules' ``gravferdsstoenad`` then gives the maximum itself.
_ANY_COSTS: Final = 10**9


@dataclass(frozen=True, slots=True)
class Screening:
    may_apply: bool
    means_tested: bool = False
    maximum: int = 0
    reason: str | None = None  # when it does not apply
    deadline: date | None = None


def screen(
    *, foedselsdato: date | None, doedsdato: date | None, resident: bool, today: date
) -> Screening:
    """Whether gravferdsstønad may apply, from the rules for the month of the death."""
    if foedselsdato is None or doedsdato is None:
        return Screening(False, reason=UNKNOWN)
    deadline = gravferd_deadline(doedsdato)
    month = doedsdato.strftime("%Y-%m")
    wanted = ("gravferdsstoenad_rett", "gravferdsstoenad_behovsproeves", "gravferdsstoenad")
    situation = {
        "personer": {
            "avdoede": {
                "foedselsdato": {"ETERNITY": foedselsdato.isoformat()},
                "doedsdato": {"ETERNITY": doedsdato.isoformat()},
                "bosatt_i_norge": {month: resident},
                "gravferdsutgifter": {month: _ANY_COSTS},
                **{name: {month: None} for name in wanted},
            }
        }
    }
    calculated = run(tax_benefit_system(), situation)
    try:
        values = filled_in(calculated)["personer"]["avdoede"]
    finally:
        release(calculated.simulation)
    if not values["gravferdsstoenad_rett"][month]:
        return Screening(False, reason=NOT_A_MEMBER, deadline=deadline)
    if today > deadline:
        return Screening(False, reason=DEADLINE_PASSED, deadline=deadline)
    return Screening(
        True,
        means_tested=bool(values["gravferdsstoenad_behovsproeves"][month]),
        maximum=int(values["gravferdsstoenad"][month]),
        deadline=deadline,
    )


def resident(basis: Mapping[str, Any]) -> bool:
    """Resident in Norway at the death: a Norwegian home address in Folkeregisteret."""
    return bool(one(basis.get("bostedsadresse")))


def recipients(deceased: Deceased) -> list[Heir]:
    """Who is asked to apply: the surviving spouse, else the adult children."""
    spouse = deceased.spouse
    if spouse is not None and spouse.adult:
        return [spouse]
    return [heir for heir in deceased.adult_heirs() if heir.relation == "barn"]


_T: Final[dict[str, dict[str, str]]] = {
    "title": {
        "nb": "Søk om gravferdsstønad etter {navn}",
        "nn": "Søk om gravferdsstønad etter {navn}",
        "en": "Apply for a funeral grant after {navn}",
    },
    "summary": {
        "nb": "Du kan ha rett til gravferdsstønad. Søk innen {frist}.",
        "nn": "Du kan ha rett til gravferdsstønad. Søk innan {frist}.",
        "en": "You may be entitled to a funeral grant. Apply by {frist}.",
    },
    "intro": {
        "nb": "{navn} døde {doed}. Du kan ha rett til gravferdsstønad fra NAV til nødvendige "
        "utgifter til gravferden, opptil {maks} (folketrygdloven § 7-2).",
        "nn": "{navn} døydde {doed}. Du kan ha rett til gravferdsstønad frå NAV til naudsynte "
        "utgifter til gravferda, opp til {maks} (folketrygdlova § 7-2).",
        "en": "{navn} died on {doed}. You may be entitled to a funeral grant from NAV toward "
        "the necessary costs of the funeral, up to {maks} (folketrygdloven § 7-2).",
    },
    "means": {
        "nb": "Stønaden er behovsprøvd: NAV ser på formuen etter den avdøde og en eventuell "
        "ektefelle når du søker.",
        "nn": "Stønaden er behovsprøvd: NAV ser på formuen etter den avdøde og ein eventuell "
        "ektefelle når du søkjer.",
        "en": "The grant is means-tested: NAV looks at the assets of the deceased and of any "
        "spouse when you apply.",
    },
    "todo": {
        "nb": "## Dette må du gjøre innen {frist}",
        "nn": "## Dette må du gjere innan {frist}",
        "en": "## What you must do by {frist}",
    },
    "apply": {
        "nb": "Søk om gravferdsstønad innen {frist}, seks måneder etter dødsfallet ({lov}). "
        "Legg ved regningen for gravferden. Marker oppgaven som utført når du har søkt.",
        "nn": "Søk om gravferdsstønad innan {frist}, seks månader etter dødsfallet ({lov}). "
        "Legg ved rekninga for gravferda. Marker oppgåva som utført når du har søkt.",
        "en": "Apply for the funeral grant by {frist}, six months after the death ({lov}). "
        "Enclose the bill for the funeral. Mark the task as done when you have applied.",
    },
}


def _kroner(amount: int, language: str) -> str:
    text = f"{amount:,}".replace(",", "\u00a0")
    return f"NOK {text}" if language == "en" else f"{text} kr"


def render(deceased: Deceased, doedsdato: date, screening: Screening) -> list[Content]:
    assert screening.deadline is not None
    contents = []
    for language in ("nb", "nn", "en"):
        navn = (
            deceased.name
            or {"nb": "Den avdøde", "nn": "Den avdøde", "en": "The deceased"}[language]
        )
        fields = {
            "navn": navn,
            "doed": long_date(doedsdato, language),
            "maks": _kroner(screening.maximum, language),
            "frist": long_date(screening.deadline, language),
            "lov": GRAVFERD_DEADLINE_LAW.name,
        }
        paragraphs = [_T["intro"][language]]
        if screening.means_tested:
            paragraphs.append(_T["means"][language])
        paragraphs += [_T["todo"][language], _T["apply"][language]]
        contents.append(
            Content(
                language,
                _T["title"][language].format(**fields)[:255],
                "\n\n".join(p.format(**fields) for p in paragraphs),
                _T["summary"][language].format(**fields),
            )
        )
    return contents


def handle_deaths(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """The bus's batch handler: screen each death; ask the spouse or children to apply."""
    service = GRAVFERD
    subjects = list(dict.fromkeys(e.subject for e in events if e.subject))
    if not subjects:
        return
    event_of = {e.subject: e for e in events}
    reader = service_reader(uow.database, service)
    found = read_deceased(reader, subjects, fields=FIELDS)
    today = get_clock().today()
    letters: list[Letter] = []
    outcomes: dict[str, int] = {}
    for subject in subjects:
        deceased = found[subject]
        basis = deceased.released.get(BASIS)
        data = basis.data if basis is not None else {}
        doedsdato = deceased.doedsdato or date_of((event_of[subject].data or {}).get("doedsdato"))
        screening = screen(
            foedselsdato=date_of(data.get("foedselsdato")),
            doedsdato=doedsdato,
            resident=resident(data),
            today=today,
        )
        key = "kan-gjelde" if screening.may_apply else (screening.reason or "")
        outcomes[key] = outcomes.get(key, 0) + 1
        if not screening.may_apply or doedsdato is None or screening.deadline is None:
            continue
        at, _ = due(screening.deadline)
        for heir in recipients(deceased):
            letters.append(
                Letter(
                    sender_orgnr=service.orgnr,
                    recipient=heir.ident,
                    kind="oppgave",
                    contents=render(deceased, doedsdato, screening),
                    due=at,
                    idempotent_key=gravferd_key(subject, heir.ident),
                    message_sender=service.owner_name,
                )
            )
    if letters:
        # The same key again (an event delivered twice) returns the first letter: one each.
        send_letters(uow, letters)
    log.info("gravferdsstønad at death: %s, %d letters", outcomes, len(letters))
    reader.flush(uow)
