"""Monthly reports (a-meldinger): an employer's pay and withholding tax for a calendar month.

One a-melding covers one employer (opplysningspliktig) and one month: for every employee
(inntektsmottaker) and sub-unit (virksomhet) the pay by kind in whole NOK and the withholding
tax (forskuddstrekk). As in A-ordningen, reporting the month again *replaces* the employer's
earlier report of it: the new one becomes the next version, the earlier one is kept, marked
``erstattet``, and an employee left out of the new report no longer has pay reported for that
month from that employer.

Rules: the month is a month of A-ordningen (2015-01 up to the current month); every employee
has an employment with this employer at this sub-unit that lasts into the month (``NotFound``
when there is none at all, ``Conflict`` when none is active in the month); an employee and
sub-unit appear once per report; each has at least one line of pay; every amount is a whole
number of NOK greater than 0 (withholding tax may be 0). A report whose one line breaks a rule
is refused as a whole: nothing of it is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.db import member_of
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.setwise import insert_many, insert_returning_ids, update_many
from felles.registries.aordningen import events, kodeverk
from felles.registries.aordningen.model import AMelding, Arbeidsforhold, Inntekt
from felles.registries.aordningen.operations.common import (
    MAX_AMOUNT,
    check_month,
    lock_employments,
    parse_orgnr,
    parse_person,
    table_of,
)

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

_amelding: Final = table_of(AMelding)
_inntekt: Final = table_of(Inntekt)


@dataclass(frozen=True, slots=True)
class PayReport:
    """What an a-melding says about one employee at one sub-unit for the month."""

    norskident: str
    virksomhet: str
    # Pay by kind (an INNTEKTSBESKRIVELSER code) in whole NOK.
    inntekter: Mapping[str, int]
    forskuddstrekk: int = 0


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    """An a-melding: one employer's report for one calendar month (``YYYY-MM``)."""

    opplysningspliktig: str
    kalendermaaned: str
    inntektsmottakere: Sequence[PayReport] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class _Line:
    norskident: str
    virksomhet: str
    report: PayReport


@dataclass(frozen=True, slots=True)
class _Parsed:
    opplysningspliktig: str
    lines: list[_Line]


def _check_amount(value: int, *, where: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{where} must be a whole number of NOK")
    if not minimum <= value <= MAX_AMOUNT:
        raise InvalidInput(f"{where} must lie between {minimum} and {MAX_AMOUNT} NOK")


def _check_line(report: PayReport, *, where: str) -> _Line:
    ident = parse_person(report.norskident, role=f"{where}.norskident")
    virksomhet = parse_orgnr(report.virksomhet, role=f"{where}.virksomhet")
    if not report.inntekter:
        raise InvalidInput(f"{where} has no inntekt")
    for beskrivelse, beloep in report.inntekter.items():
        if beskrivelse not in kodeverk.INNTEKTSBESKRIVELSER:
            known = ", ".join(kodeverk.INNTEKTSBESKRIVELSER)
            raise InvalidInput(f"{where}: beskrivelse must be one of {known}")
        _check_amount(beloep, where=f"{where}: {beskrivelse}", minimum=1)
    _check_amount(report.forskuddstrekk, where=f"{where}: forskuddstrekk", minimum=0)
    return _Line(ident, virksomhet, report)


def _check_input(report: MonthlyReport) -> _Parsed:
    """The input checks of an a-melding (InvalidInput), naming the line that failed."""
    opplysningspliktig = parse_orgnr(report.opplysningspliktig, role="opplysningspliktig")
    check_month(report.kalendermaaned)
    lines, seen = [], set()
    for number, item in enumerate(report.inntektsmottakere):
        line = _check_line(item, where=f"inntektsmottaker {number}")
        key = (line.norskident, line.virksomhet)
        if key in seen:
            raise InvalidInput(
                f"inntektsmottaker {number}: this person and virksomhet are already in the report"
            )
        seen.add(key)
        lines.append(line)
    return _Parsed(opplysningspliktig, lines)


def _employment_for(
    employments: Sequence[Arbeidsforhold], line: _Line, month: str, *, where: str
) -> Arbeidsforhold:
    """The employment the line's pay is for: the first at the sub-unit active in the month."""
    at_unit = [e for e in employments if e.arbeidssted == line.virksomhet]
    if not at_unit:
        raise NotFound(
            f"{where}: the person has no employment with this opplysningspliktig at this virksomhet"
        )
    for employment in at_unit:
        if kodeverk.active_in(employment.startdato, employment.sluttdato, month):
            return employment
    raise Conflict(f"{where}: no employment of the person at this virksomhet lasts into {month}")


def _current_reports(
    session: Session, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], AMelding]:
    """The current a-melding of each (opplysningspliktig, month), row-locked."""
    if not keys:
        return {}
    query = (
        select(AMelding)
        .where(
            and_(
                member_of(session, AMelding.opplysningspliktig, sorted({k[0] for k in keys})),
                member_of(session, AMelding.kalendermaaned, sorted({k[1] for k in keys})),
                AMelding.erstattet.is_(None),
            )
        )
        .order_by(AMelding.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = {(m.opplysningspliktig, m.kalendermaaned): m for m in session.scalars(query)}
    return {key: melding for key, melding in found.items() if key in keys}


def _reported_people(session: Session, meldinger: Sequence[AMelding]) -> dict[int, set[str]]:
    """The people each a-melding reports pay for, by melding id."""
    if not meldinger:
        return {}
    query = select(Inntekt.amelding_id, Inntekt.norskident).where(
        member_of(session, Inntekt.amelding_id, sorted(m.id for m in meldinger))
    )
    people: dict[int, set[str]] = {m.id: set() for m in meldinger}
    for melding_id, ident in session.execute(query):
        people[melding_id].add(ident)
    return people


def _lines_rows(line: _Line, employment: Arbeidsforhold, month: str) -> list[dict[str, Any]]:
    common = {
        "arbeidsforhold_id": employment.id,
        "norskident": line.norskident,
        "virksomhet": line.virksomhet,
        "kalendermaaned": month,
    }
    rows = [common | {"beskrivelse": k, "beloep": v} for k, v in line.report.inntekter.items()]
    if line.report.forskuddstrekk:
        trekk = line.report.forskuddstrekk
        rows.append(common | {"beskrivelse": kodeverk.FORSKUDDSTREKK, "beloep": trekk})
    return rows


def report_months(uow: UnitOfWork, *, reports: Sequence[MonthlyReport]) -> list[AMelding | Problem]:
    """Receive many a-meldinger; per report the new a-melding or the ``Problem`` refusing it.

    The employments of all reports are row-locked in id order in one statement, the current
    a-meldinger of the months in one more; the replaced ones are marked in one statement, the
    new ones and all their lines inserted in two.
    """
    batch: Batch[AMelding] = Batch(len(reports))
    parsed: dict[int, _Parsed] = {}
    for index, report in enumerate(reports):
        try:
            parsed[index] = _check_input(report)
        except Problem as problem:
            batch.refuse(index, problem)
    session = uow.session
    employers = {p.opplysningspliktig for p in parsed.values()}
    idents = {line.norskident for p in parsed.values() for line in p.lines}
    employments: dict[tuple[str, str], list[Arbeidsforhold]] = {}
    if employers and idents:
        locked = lock_employments(
            session,
            and_(
                member_of(session, Arbeidsforhold.opplysningspliktig, sorted(employers)),
                member_of(session, Arbeidsforhold.arbeidstaker, sorted(idents)),
            ),
        )
        for employment in locked:
            key = (employment.opplysningspliktig, employment.arbeidstaker)
            employments.setdefault(key, []).append(employment)

    matched: dict[int, list[Arbeidsforhold]] = {}
    claimed: set[tuple[str, str]] = set()
    for index in batch.open():
        found, month = parsed[index], reports[index].kalendermaaned
        try:
            if (found.opplysningspliktig, month) in claimed:
                raise Conflict(
                    "Another report of the same batch is for this opplysningspliktig and month"
                )
            claimed.add((found.opplysningspliktig, month))
            matched[index] = [
                _employment_for(
                    employments.get((found.opplysningspliktig, line.norskident), []),
                    line,
                    month,
                    where=f"inntektsmottaker {number}",
                )
                for number, line in enumerate(found.lines)
            ]
        except Problem as problem:
            batch.refuse(index, problem)

    accepted = batch.open()
    keys = {(parsed[i].opplysningspliktig, reports[i].kalendermaaned) for i in accepted}
    previous = _current_reports(session, keys)
    before = _reported_people(session, list(previous.values()))
    now = get_clock().now()
    replaced = list(previous.values())
    update_many(
        session,
        _amelding,
        keys=("id",),
        rows=[{"id": melding.id, "erstattet": now} for melding in replaced],
    )
    for melding in replaced:
        set_committed_value(melding, "erstattet", now)

    rows = []
    for index in accepted:
        key = (parsed[index].opplysningspliktig, reports[index].kalendermaaned)
        earlier = previous.get(key)
        rows.append(
            {
                "opplysningspliktig": key[0],
                "kalendermaaned": key[1],
                "versjon": 1 if earlier is None else earlier.versjon + 1,
                "mottatt": now,
                "erstattet": None,
                "antall_inntektsmottakere": len({line.norskident for line in parsed[index].lines}),
            }
        )
    ids = insert_returning_ids(session, _amelding, rows)
    lines: list[dict[str, Any]] = []
    created: list[AMelding] = []
    for index, row, melding_id in zip(accepted, rows, ids, strict=True):
        melding = AMelding(id=melding_id, **row)
        make_transient_to_detached(melding)
        session.add(melding)
        created.append(melding)
        month = reports[index].kalendermaaned
        for line, employment in zip(parsed[index].lines, matched[index], strict=True):
            lines.extend(
                {"amelding_id": melding_id} | r for r in _lines_rows(line, employment, month)
            )
    insert_many(session, _inntekt, lines)

    for index, melding in zip(accepted, created, strict=True):
        batch.done(index, melding)
        earlier = previous.get((melding.opplysningspliktig, melding.kalendermaaned))
        events.maaned_rapportert(
            uow, melding, erstatter=None if earlier is None else earlier.versjon
        )
        now_reported = {line.norskident for line in parsed[index].lines}
        removed = before.get(earlier.id, set()) - now_reported if earlier is not None else set()
        for ident in sorted(now_reported):
            events.inntekt_endret(uow, melding, norskident=ident, rapportert=True)
        for ident in sorted(removed):
            events.inntekt_endret(uow, melding, norskident=ident, rapportert=False)
    return batch.results()


def report_month(
    uow: UnitOfWork,
    *,
    opplysningspliktig: str,
    kalendermaaned: str,
    inntektsmottakere: Sequence[PayReport],
) -> AMelding:
    """Receive one a-melding (replacing the employer's earlier report of the month)."""
    report = MonthlyReport(
        opplysningspliktig=opplysningspliktig,
        kalendermaaned=kalendermaaned,
        inntektsmottakere=tuple(inntektsmottakere),
    )
    return single(report_months(uow, reports=[report]))
