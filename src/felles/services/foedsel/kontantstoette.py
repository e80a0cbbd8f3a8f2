"""Kontantstøtte offered when the child reaches the age for it (issue 8, Få barn).

A daily job (``felles.kernel.schedule``), not a bus consumer: nothing happens in any register
on the day a child turns 13 months; the day itself is the trigger. On a day D NAV:

1. works out which birth months have their kontantstøtte window open on D
   (``kontantstoette_window``: age months 13–19 by the rules' parameters, kontantstøtteloven
   § 8; it opens on the first of a month, so on other days nothing is read at all);
2. finds, **in its own barnetrygd cases**, the children born then: cases of
   ``barnetrygd-foedsel`` that are vedtatt, whose decision in force grants barnetrygd from
   the month after one of those birth months (barnetrygdloven § 11: from the month after the
   birth), with the parent paid (the case's part). A closed case (avsluttet: the child or
   the parent has died, the benefit stopped) is not among them;
3. confirms each child through the distributor — NAV's identity, purpose ``kontantstoette``,
   basis ``nav-kontantstoette-barn`` — reading only ``foedselsdato`` and ``status``: a dead
   child gets nothing, and only a child whose window opens exactly on D is offered;
4. sends the parent a task (kind ``oppgave``, due the window's last day) in nb, nn and en:
   the child may have the right to kontantstøtte from the window's first to its last day if it
   has no full-time kindergarten place, the month's full rate (the rules' ``sats``), and how to
   apply. Idempotency key ``kontantstoette-<child>``: a day run again, or a second job-day
   finding the same child, sends nothing more (and reads nothing: the key is checked first).

The letter names the child only by birth date and carries no address; the mailbox routes it
(KRR, and for paper a protected address stays with the unit that prints it). Only children
with a barnetrygd case get an offer: those born while felles ran its services (the simulator,
a worker). The synthetic base population has no cases, so its children get none — the journey
step still tells their parents to apply (``journeys.faa_barn.kontantstoette``).
"""

from __future__ import annotations

import logging
from calendar import monthrange
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from typing import Final

from openfisca_core.errors import ParameterNotFoundError
from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.kernel.db import UnitOfWork
from felles.mailbox.content import Content
from felles.mailbox.operations import Letter, send_letters
from felles.rules.system import tax_benefit_system
from felles.services.barnetrygd import SERVICE as BARNETRYGD
from felles.services.doedsfall.common import date_of, due, long_date, one, released
from felles.services.foedsel import BASIS, KONTANTSTOETTE, KONTANTSTOETTELOVEN
from felles.services.foedsel.births import already_sent
from felles.services.model import Sak, Vedtak
from felles.services.reader import service_reader
from felles.services.states import SakStatus

log = logging.getLogger(__name__)

JOB: Final = KONTANTSTOETTE.id
ORIGIN: Final = KONTANTSTOETTE.id
CHILD_FIELDS: Final = ("foedselsdato", "status")
#: How far back a birth month can be for its window to open today: the window opens at 13
#: months by the rules (``forste_maaned``); three years leaves room for a later rule.
LOOKBACK_MONTHS: Final = 36
GRANTED: Final = "innvilget"
APPLY_URL: Final = "https://www.nav.no/kontantstotte"


def offer_key(child: str) -> str:
    """NAV's kontantstøtte offer about one child (one per child, whoever gets it)."""
    return f"kontantstoette-{child}"


def _month_start(day: date, months_after: int) -> date:
    index = day.year * 12 + day.month - 1 + months_after
    return date(index // 12, index % 12 + 1, 1)


def kontantstoette_window(born: date) -> tuple[date, date]:
    """The first and last day of the months kontantstøtte is paid for, by the rules in force
    when the window opens (kontantstøtteloven § 8; age in calendar months, 0 in the birth
    month, as the rules' ``alder_maaneder``). ParameterNotFoundError for a birth before the
    rules are modelled (2021)."""
    first = tax_benefit_system().get_parameters_at_instant(born.isoformat())
    window = first.kontantstoetteloven.barnets_alder
    opens = _month_start(born, int(window.forste_maaned))
    rules = tax_benefit_system().get_parameters_at_instant(opens.isoformat())
    last = int(rules.kontantstoetteloven.barnets_alder.siste_maaned)
    closes = _month_start(born, last + 1) - timedelta(days=1)
    return opens, closes


def monthly_rate(day: date) -> int:
    """Full kontantstøtte per child and month on ``day`` (kontantstøtteloven § 7)."""
    rules = tax_benefit_system().get_parameters_at_instant(day.isoformat())
    return int(rules.kontantstoetteloven.sats)


def opens_on(born: date, day: date) -> bool:
    """Whether the window of a child born ``born`` opens on ``day``."""
    try:
        return kontantstoette_window(born)[0] == day
    except ParameterNotFoundError:
        return False


@cache
def _opening_days(year: int, month: int) -> frozenset[date]:
    """The days the windows of the children born in one month open (one, unless a rule
    changes within the month)."""
    days = set()
    for number in range(1, monthrange(year, month)[1] + 1):
        try:
            days.add(kontantstoette_window(date(year, month, number))[0])
        except ParameterNotFoundError:
            continue  # born before the rules are modelled: past any window now
    return frozenset(days)


def birth_months_opening_on(day: date) -> list[date]:
    """The birth months (their first days) of the children whose window may open on ``day``:
    none on most days, so most days read nothing."""
    index = day.year * 12 + day.month - 1
    months = []
    for i in range(index - LOOKBACK_MONTHS, index + 1):
        year, month = divmod(i, 12)
        if day in _opening_days(year, month + 1):
            months.append(date(year, month + 1, 1))
    return months


def barnetrygd_children(session: Session, birth_months: Sequence[date]) -> list[tuple[str, str]]:
    """(child, parent paid) from NAV's barnetrygd cases, vedtatt, whose decision in force
    grants barnetrygd from the month after one of ``birth_months``; oldest case first."""
    if not birth_months:
        return []
    paid_from = sorted({_month_start(month, 1) for month in birth_months})
    query = (
        select(Sak.subject, Sak.part)
        .join(Vedtak, Vedtak.sak_id == Sak.id)
        .where(
            Sak.service_id == BARNETRYGD.id,
            Sak.owner_orgnr == KONTANTSTOETTE.orgnr,
            Sak.status == SakStatus.VEDTATT.value,
            Sak.part.is_not(None),
            Vedtak.superseded_by.is_(None),
            Vedtak.outcome == GRANTED,
            Vedtak.period_from.in_(paid_from),
        )
        .order_by(Sak.id)
    )
    found: dict[str, str] = {}
    for child, parent in session.execute(query):
        if parent is not None:
            found.setdefault(child, parent)
    return list(found.items())


def _kroner(amount: int, language: str) -> str:
    text = f"{amount:,}".replace(",", "\u00a0")
    return f"NOK {text}" if language == "en" else f"{text} kr"


_T: Final[dict[str, dict[str, str]]] = {
    "title": {
        "nb": "Kontantstøtte for barnet ditt født {foedt}",
        "nn": "Kontantstøtte for barnet ditt fødd {foedt}",
        "en": "Cash-for-care benefit for your child born {foedt}",
    },
    "summary": {
        "nb": "Barnet kan ha rett til kontantstøtte fra {fra} til {til}. Søk hvis barnet ikke "
        "har heltidsplass i barnehage.",
        "nn": "Barnet kan ha rett til kontantstøtte frå {fra} til {til}. Søk viss barnet ikkje "
        "har heiltidsplass i barnehage.",
        "en": "The child may be entitled to cash-for-care benefit from {fra} to {til}. Apply if "
        "the child has no full-time kindergarten place.",
    },
    "intro": {
        "nb": "Barnet ditt som er født {foedt}, kan ha rett til kontantstøtte fra {fra} til og "
        "med {til}, hvis barnet ikke har heltidsplass i barnehage ([kontantstøtteloven § 8]"
        "({lov8})).",
        "nn": "Barnet ditt som er fødd {foedt}, kan ha rett til kontantstøtte frå {fra} til og "
        "med {til}, viss barnet ikkje har heiltidsplass i barnehage ([kontantstøttelova § 8]"
        "({lov8})).",
        "en": "Your child born {foedt} may be entitled to cash-for-care benefit from {fra} up to "
        "and including {til}, if the child has no full-time kindergarten place "
        "([kontantstøtteloven § 8]({lov8})).",
    },
    "rate": {
        "nb": "Full kontantstøtte er {sats} i måneden for hvert barn (kontantstøtteloven § 7). "
        "Har barnet deltidsplass i barnehage, kan du få redusert kontantstøtte.",
        "nn": "Full kontantstøtte er {sats} i månaden for kvart barn (kontantstøttelova § 7). "
        "Har barnet deltidsplass i barnehage, kan du få redusert kontantstøtte.",
        "en": "The full benefit is {sats} a month for each child (kontantstøtteloven § 7). If "
        "the child has a part-time kindergarten place, you may get a reduced amount.",
    },
    "why": {
        "nb": "Vi skriver til deg fordi du får barnetrygd for barnet, og barnet nå har nådd "
        "alderen det gis kontantstøtte for. NAV har sjekket barnets fødselsdato i "
        "Folkeregisteret. NAV har ikke fattet noe vedtak; det gjør vi når du har søkt.",
        "nn": "Vi skriv til deg fordi du får barnetrygd for barnet, og barnet no har nådd "
        "alderen det blir gitt kontantstøtte for. NAV har sjekka fødselsdatoen til barnet i "
        "Folkeregisteret. NAV har ikkje gjort noko vedtak; det gjer vi når du har søkt.",
        "en": "We are writing to you because you receive child benefit for the child, and the "
        "child has now reached the age cash-for-care benefit is paid for. NAV has checked the "
        "child's date of birth in the National Population Register. NAV has not made a "
        "decision; we will when you have applied.",
    },
    "apply": {
        "nb": "## Slik søker du\n"
        "- Søk på [nav.no/kontantstotte]({url}).\n"
        "- Oppgi om barnet har plass i barnehage, og hvor mange timer i uka.\n"
        "- Søk innen {til}. Marker oppgaven som utført når du har søkt.",
        "nn": "## Slik søkjer du\n"
        "- Søk på [nav.no/kontantstotte]({url}).\n"
        "- Oppgi om barnet har plass i barnehage, og kor mange timar i veka.\n"
        "- Søk innan {til}. Marker oppgåva som utført når du har søkt.",
        "en": "## How to apply\n"
        "- Apply at [nav.no/kontantstotte]({url}).\n"
        "- Say whether the child has a kindergarten place, and how many hours a week.\n"
        "- Apply by {til}. Mark the task as done when you have applied.",
    },
    "no_place": {
        "nb": "Har barnet fått heltidsplass i barnehage, trenger du ikke gjøre noe.",
        "nn": "Har barnet fått heiltidsplass i barnehage, treng du ikkje gjere noko.",
        "en": "If the child has a full-time kindergarten place, you need not do anything.",
    },
}


def render(born: date, opens: date, closes: date, rate: int) -> list[Content]:
    """The offer in bokmål, nynorsk and English (the child only by its birth date)."""
    contents = []
    for language in ("nb", "nn", "en"):
        words = {
            "foedt": long_date(born, language),
            "fra": long_date(opens, language),
            "til": long_date(closes, language),
            "sats": _kroner(rate, language),
            "lov8": f"{KONTANTSTOETTELOVEN}/§8",
            "url": APPLY_URL,
        }
        paragraphs = [_T[name][language] for name in ("intro", "rate", "why", "apply", "no_place")]
        contents.append(
            Content(
                language,
                _T["title"][language].format(**words),
                "\n\n".join(p.format(**words) for p in paragraphs),
                _T["summary"][language].format(**words),
            )
        )
    return contents


def offer(uow: UnitOfWork, day: date) -> None:
    """The daily job: offer kontantstøtte for every child whose window opens on ``day``."""
    months = birth_months_opening_on(day)
    if not months:
        return
    found = barnetrygd_children(uow.session, months)
    sent = already_sent(uow.session, [offer_key(child) for child, _ in found], origin=ORIGIN)
    found = [(child, parent) for child, parent in found if offer_key(child) not in sent]
    if not found:
        return
    reader = service_reader(uow.database, KONTANTSTOETTE)
    basis = reader.read(BASIS, [child for child, _ in found], fields=CHILD_FIELDS)
    letters: list[Letter] = []
    for child, parent in found:
        person = released(basis, child)
        if person is None:
            continue  # not released to NAV for this purpose
        if one(person.data.get("status")).get("status") == "doed":
            continue
        born = date_of(person.data.get("foedselsdato"))
        if born is None or not opens_on(born, day):
            continue  # born in the month, but its window opens another day (a rule change)
        opens, closes = kontantstoette_window(born)
        at, _ = due(closes)
        letters.append(
            Letter(
                sender_orgnr=KONTANTSTOETTE.orgnr,
                recipient=parent,
                kind="oppgave",
                contents=render(born, opens, closes, monthly_rate(opens)),
                due=at,
                idempotent_key=offer_key(child),
                senders_reference="kontantstoette",
                message_sender=KONTANTSTOETTE.owner_name,
                origin=ORIGIN,
            )
        )
    if letters:
        send_letters(uow, letters)
    # Counts only: whose child turned 13 months is personal data.
    log.info("kontantstøtte offers: %d children found, %d letters", len(found), len(letters))
    reader.flush(uow)
