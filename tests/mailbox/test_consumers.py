"""A vedtak reaches the mailbox: barnetrygd at birth decides, then the mailbox's consumer
sends the decision letter stored on the case to the mother, once, in nb, nn and en, routed
by KRR with the read in her access log. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from felles.kernel.bus import DatabaseTransport, Worker
from felles.kernel.db import Database
from felles.kernel.events import Event, OutboxRow
from felles.mailbox import queries
from felles.mailbox.consumers import CONSUMER, send_decision_letters
from felles.mailbox.model import Forsendelse, Innhold
from felles.mailbox.rendering import render_html
from felles.registries.folkeregister.operations import register_birth
from felles.services.barnetrygd import NAV_ORGNR, SERVICE
from felles.services.barnetrygd.service import handle_births
from felles.services.model import Vedtak
from felles.services.runtime import consumer_for
from tests.mailbox.conftest import People, log_entries, rows


def run_all(database: Database) -> None:
    consumers = [consumer_for(SERVICE, handle_births), CONSUMER]
    for consumer in consumers:
        totals = Worker(DatabaseTransport(database), [consumer]).run(
            threading.Event(), until_idle=True
        )
        assert totals.failed == 0


def test_a_decision_letter_reaches_the_mothers_mailbox_once(
    database: Database, people: People
) -> None:
    mor = people.digital(foedselsdato=date(1990, 2, 3))
    child = people.register.run(
        register_birth, mor=mor, foedselsdato=date(2025, 5, 20), kjoenn="kvinne", fornavn="Emma"
    ).ident
    run_all(database)

    [vedtak] = rows(database, Vedtak)
    [letter] = rows(database, Forsendelse)
    assert (letter.recipient, letter.sender_orgnr, letter.kind, letter.status) == (
        mor,
        NAV_ORGNR,
        "vedtak",
        "Published",
    )
    assert letter.origin == f"vedtak:{vedtak.id}" and letter.idempotent_key == f"vedtak-{vedtak.id}"
    assert sorted(c.language for c in rows(database, Innhold)) == ["en", "nb", "nn"]
    with database.read_session() as session:
        found = queries.details(session, letter.id)
        assert found is not None
        html = render_html(queries.sheet(found, "nb"))
        inbox = queries.inbox(session, mor, language="en")
    assert "Du får barnetrygd for Emma" in html and "1 968 kr" in html.replace("\u00a0", " ")
    assert '<table><thead><tr><th scope="col">Fra og med</th>' in html
    assert inbox.items[0].language == "en" and "Emma" in inbox.items[0].title
    # The mailbox's KRR read is in the mother's log, as Digdir's, beside NAV's reads.
    mailbox_reads = [e for e in log_entries(database) if e.formaal == "digital-post"]
    assert [(e.subjekt, e.datasett) for e in mailbox_reads] == [(mor, "krr.kontakt")]
    assert child not in {e.subjekt for e in mailbox_reads}

    # Run again, and hand the decision's event to the handler itself (a redelivery the
    # processed-events record did not catch): the decision's key still gives one letter.
    run_all(database)
    with database.read_session() as session:
        stored = session.scalars(
            select(OutboxRow).where(OutboxRow.type == "no.felles.vedtak.fattet")
        ).one()
        event = Event(type=stored.type, source=stored.source, data=stored.data, id=stored.event_id)
    with database.unit_of_work() as uow:
        send_decision_letters(uow, [event])
        uow.commit()
    assert len(rows(database, Forsendelse)) == 1


def _case_with_letter(database: Database, part: str, vedtak_id: int) -> Event:
    """A decided case with its nb letter stored, and the decision's event."""
    from datetime import UTC, datetime

    from felles.services.model import Dokument, Sak

    now = datetime(2025, 6, 1, tzinfo=UTC)
    with database.unit_of_work() as uow:
        sak = Sak(
            service_id="test-mailbox",
            subject=part,
            part=part,
            owner_orgnr=NAV_ORGNR,
            status="vedtatt",
            created=now,
            updated=now,
        )
        uow.session.add(sak)
        uow.session.flush()
        uow.session.add(
            Dokument(
                sak_id=sak.id,
                vedtak_id=vedtak_id,
                kind="vedtaksbrev",
                language="nb",
                title="Vedtak",
                media_type="text/html",
                content="<html><body><main><h1>Vedtak</h1><p>Innvilget.</p></main></body></html>",
                created=now,
            )
        )
        uow.commit()
        data = {"sakId": sak.id, "vedtakId": vedtak_id, "tjeneste": "test-mailbox"}
    return Event(type="no.felles.vedtak.fattet", source="/tjenester/test", data=data)


def test_a_refused_letter_is_skipped_and_the_rest_of_the_batch_is_sent(
    database: Database, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.registries.krr.conftest import new_fnr

    kari = people.digital()
    unknown = new_fnr()  # a valid number no one has in Folkeregisteret
    events = [_case_with_letter(database, unknown, 1), _case_with_letter(database, kari, 2)]
    with database.unit_of_work() as uow:
        send_decision_letters(uow, events)
        uow.commit()
    [letter] = rows(database, Forsendelse)
    assert letter.recipient == kari and letter.origin == "vedtak:2"
    assert "not sent" in caplog.text and unknown not in caplog.text
