"""What the death-and-inheritance services share: the deceased and their heirs, read through
the data distributor, and the deadlines."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from babel.dates import format_date

from felles.kernel.clock import get_clock
from felles.services.doedsfall import GRAVFERD_MONTHS, SKIFTE_DAYS
from felles.sharing.reader import InternalReader
from felles.sharing.release import Outcome, Released

BASIS: Final = "folkeregister.person.basis"
FAMILIE: Final = "folkeregister.familie"
ADULT_AGE: Final = 18
#: A task's due time: the end of its last day in Norway (22:00 UTC is midnight in summer; an
#: hour early in winter errs on the safe side).
_DUE_AT: Final = time(22, 0, tzinfo=UTC)
#: When the law's deadline has passed already (a death registered late), the task still needs
#: a future due date in the mailbox: this many days from today.
LATE_DAYS: Final = 14


@dataclass(frozen=True, slots=True)
class Heir:
    """An heir of the deceased (arving): the spouse or registered partner, or a child."""

    ident: str
    relation: str  # ektefelle | barn
    name: str
    adult: bool
    alive: bool


@dataclass(frozen=True, slots=True)
class Deceased:
    ident: str
    name: str
    doedsdato: date | None
    heirs: tuple[Heir, ...]
    released: dict[str, Released] = field(default_factory=dict)  # product -> its release

    @property
    def spouse(self) -> Heir | None:
        return next((h for h in self.heirs if h.relation == "ektefelle" and h.alive), None)

    def adult_heirs(self) -> list[Heir]:
        """Those who get a letter: living adults (a minor's guardian acts for them)."""
        return [heir for heir in self.heirs if heir.alive and heir.adult]


_LOCALES: Final = {"nb": "nb", "nn": "nn", "en": "en_GB"}


def long_date(day: date, language: str) -> str:
    """``3. mars 2026`` / ``3 March 2026`` (as the journeys write dates)."""
    return format_date(day, "long", locale=_LOCALES[language])


def released(outcomes: Mapping[str, Outcome], ident: str) -> Released | None:
    outcome = outcomes.get(ident)
    return outcome if isinstance(outcome, Released) else None


def one(value: Any) -> dict[str, Any]:
    """A single-valued element of a person document (a list keeps the current first)."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else {}


def name_of(data: Mapping[str, Any]) -> str:
    navn = one(data.get("navn"))
    parts = [navn.get("fornavn"), navn.get("mellomnavn"), navn.get("etternavn")]
    return " ".join(part for part in parts if part)


def date_of(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _relatives(familie: Released | None) -> list[tuple[str, str]]:
    """(ident, ektefelle|barn) for the spouse by sivilstand and the children by relation."""
    if familie is None:
        return []
    found: list[tuple[str, str]] = []
    spouse = one(familie.data.get("sivilstand")).get("relatertVedSivilstand")
    if isinstance(spouse, str):
        found.append((spouse, "ektefelle"))
    for relation in familie.data.get("familierelasjon") or []:
        if relation.get("relatertPersonsRolle") == "barn" and relation.get("relatertPerson"):
            found.append((relation["relatertPerson"], "barn"))
    return list(dict.fromkeys(found))


def read_deceased(
    reader: InternalReader, deceased: Sequence[str], *, fields: Sequence[str]
) -> dict[str, Deceased]:
    """The deceased and their heirs: two distributor calls for the batch, and one for each
    death's heirs (a basis for relatives holds for one main person at a time)."""
    basis = reader.read(BASIS, deceased, fields=fields)
    familie = reader.read(FAMILIE, deceased, fields=("sivilstand", "familierelasjon"))
    today = get_clock().today()
    result: dict[str, Deceased] = {}
    for ident in deceased:
        own = released(basis, ident)
        family = released(familie, ident)
        relatives = _relatives(family)
        heirs: list[Heir] = []
        if relatives:
            read = reader.read(
                BASIS, [r for r, _ in relatives], fields=("navn", "foedselsdato", "status"),
                relatert_til=ident,
            )  # fmt: skip
            for relative, relation in relatives:
                heir = released(read, relative)
                if heir is None:
                    continue
                born = date_of(heir.data.get("foedselsdato"))
                status = one(heir.data.get("status")).get("status")
                heirs.append(
                    Heir(
                        ident=relative,
                        relation=relation,
                        name=name_of(heir.data),
                        adult=born is not None and age_on(born, today) >= ADULT_AGE,
                        alive=status != "doed",
                    )
                )
        doedsfall = one(own.data.get("doedsfall")) if own else {}
        releases = {BASIS: own} if own is not None else {}
        if family is not None:
            releases[FAMILIE] = family
        result[ident] = Deceased(
            ident=ident,
            name=name_of(own.data) if own else "",
            doedsdato=date_of(doedsfall.get("doedsdato")),
            heirs=tuple(heirs),
            released=releases,
        )
    return result


def due(deadline: date) -> tuple[datetime, bool]:
    """The mailbox's due time for a task with the law's ``deadline``, and whether the
    deadline has passed already (then the task is due ``LATE_DAYS`` from today)."""
    at = datetime.combine(deadline, _DUE_AT)
    now = get_clock().now()
    if at > now:
        return at, False
    return datetime.combine(now.date() + timedelta(days=LATE_DAYS), _DUE_AT), True


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when that month is shorter)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, monthrange(year, month0 + 1)[1]))


def skifte_deadline(doedsdato: date) -> date:
    return doedsdato + timedelta(days=SKIFTE_DAYS)


def gravferd_deadline(doedsdato: date) -> date:
    return add_months(doedsdato, GRAVFERD_MONTHS)


def skifte_key(deceased: str, heir: str) -> str:
    """The court's letter to one heir about one death (the mailbox's idempotency key)."""
    return f"doedsfall-{deceased}-skifte-{heir}"


def gravferd_key(deceased: str, recipient: str) -> str:
    return f"doedsfall-{deceased}-gravferdsstoenad-{recipient}"
