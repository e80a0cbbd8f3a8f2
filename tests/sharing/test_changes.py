"""Change lists (``GET /datafordeler/v1/{produkt}/endringer``): which subjects changed after a
cursor, built on Folkeregisteret's events from its own operations; each test runs on SQLite
and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from datetime import date
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from felles.access.datasets import DATASETS
from felles.access.decision import MachinePrincipal
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput, NotFound
from felles.kernel.events import last_seq, read_events
from felles.registries.folkeregister import operations as ops
from felles.sharing import changes
from felles.sharing.changes import list_changes
from felles.sharing.product import Product, ProductField
from felles.sharing.products import PRODUCTS
from tests.conftest import ADMIN_TOKEN
from tests.registries.folkeregister.conftest import (
    FJORDVEIEN,
    SOLBAKKEN,
    STORGATA,
    Register,
    seed_addresses,
)
from tests.sharing.conftest import BANK, DATAFORDELER, NAV, Machines, log_count, problem

BASIS = "folkeregister.person.basis"
TEXT = {"nb": "Test", "nn": "Test", "en": "Test"}
ENDRINGER = f"{DATAFORDELER}/{BASIS}/endringer"


def _stand_in(name: str = BASIS, **overrides: Any) -> Product:
    """A product over the dataset's fields, changed by every Folkeregisteret event."""
    values: dict[str, Any] = {
        "name": name,
        "version": "1",
        "title": TEXT,
        "description": TEXT,
        "owner_orgnr": "974760673",
        "owner_name": "Skatteetaten",
        "subject": "person",
        "sensitivity": "personal",
        "fields": tuple(
            ProductField(field, {"type": "string"}, TEXT) for field in DATASETS[BASIS].fields
        ),
        "load": lambda session, subjects, at: {},
        "changed_by": ("no.folkeregisteret.",),
    }
    return Product(**(values | overrides))


@pytest.fixture
def product(monkeypatch: pytest.MonkeyPatch) -> Iterator[Product]:
    """``folkeregister.person.basis`` as declared, or a stand-in until it is."""
    declared = PRODUCTS.get(BASIS)
    if declared is None:
        declared = _stand_in()
        monkeypatch.setitem(cast(MutableMapping[str, Product], PRODUCTS), BASIS, declared)
    yield declared


@pytest.fixture
def frg(database: Database, clock: SimulatedClock) -> Register:
    seed_addresses(database)
    return Register(database, clock)


def _changed(frg: Register, product: Product, after: int) -> list[tuple[int, str]]:
    """(seq, subject) of the outbox's events after ``after`` that change ``product``."""
    with frg.database.read_session() as session:
        events = read_events(session, after_seq=after, limit=10_000)
    return [
        (e.seq, e.event.subject)
        for e in events
        if e.event.subject and e.event.type.startswith(product.changed_by)
    ]


def _newest(database: Database) -> int:
    with database.read_session() as session:
        return last_seq(session)


def _get(http: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = http.get(ENDRINGER, params={"formaal": "barnetrygd"} | params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_consumer_with_a_legal_basis_sees_who_moved_and_who_was_born(
    frg: Register, machines: Machines, product: Product
) -> None:
    nav = machines.token(NAV)
    anne, bjoern, mor = frg.person(), frg.person(kjoenn="mann"), frg.person()
    start = _newest(frg.database)
    frg.run(ops.register_move, ident=anne, adresse_id=FJORDVEIEN, flyttedato=date(2025, 5, 1))
    frg.run(ops.register_move, ident=bjoern, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 2))
    child = frg.run(
        ops.register_birth, mor=mor, foedselsdato=date(2025, 5, 20), kjoenn="kvinne", fornavn="Eva"
    ).ident

    body = _get(machines.http, nav, etter=start)

    expected = _changed(frg, product, start)
    assert {anne, bjoern} <= {subject for _, subject in expected}
    latest = {subject: seq for seq, subject in expected}
    assert body["produkt"] == BASIS
    assert [(c["sekvensnummer"], c["subjekt"]) for c in body["endringer"]] == sorted(
        (seq, subject) for subject, seq in latest.items()
    )
    seqs = [c["sekvensnummer"] for c in body["endringer"]]
    assert seqs == sorted(seqs)
    moved = {c["subjekt"]: c for c in body["endringer"]}
    assert moved[anne]["hendelsestype"] == "no.folkeregisteret.endringIBostedsadresse"
    assert moved[anne]["tidspunkt"].startswith("2025-06-01T12:00:00")
    if any(subject == child for _, subject in expected):
        assert child in moved
    assert body["neste"] == _newest(frg.database)
    # Listing changed subjects releases no values: nothing is logged.
    assert log_count(frg.database) == 0


def test_a_consumer_without_a_legal_basis_sees_none_but_its_cursor_advances(
    frg: Register, machines: Machines, product: Product
) -> None:
    bank, nav = machines.token(BANK), machines.token(NAV)
    anne = frg.person()
    start = _newest(frg.database)
    frg.run(ops.register_move, ident=anne, adresse_id=FJORDVEIEN, flyttedato=date(2025, 5, 1))

    seen = _get(machines.http, bank, etter=start, formaal="laanesoeknad")

    assert seen["endringer"] == []
    assert seen["neste"] == _newest(frg.database) > start
    assert [c["subjekt"] for c in _get(machines.http, nav, etter=start)["endringer"]] == [anne]
    # The bank asking again from its new cursor: caught up, the cursor stays.
    again = _get(machines.http, bank, etter=seen["neste"], formaal="laanesoeknad")
    assert again == {"produkt": BASIS, "endringer": [], "neste": seen["neste"]}


def test_pages_follow_the_cursor_to_the_end(
    frg: Register, machines: Machines, product: Product
) -> None:
    nav = machines.token(NAV)
    people = [frg.person(foedselsdato=date(1980 + n, 1, 10)) for n in range(4)]
    start = _newest(frg.database)
    for n, ident in enumerate(people):
        frg.run(
            ops.register_move, ident=ident, adresse_id=FJORDVEIEN, flyttedato=date(2025, 5, n + 1)
        )

    collected: list[str] = []
    cursor, calls = start, 0
    while True:
        body = _get(machines.http, nav, etter=cursor, antall=1)
        calls += 1
        assert len(body["endringer"]) <= 1
        collected += [c["subjekt"] for c in body["endringer"]]
        if body["neste"] == cursor:
            break
        assert body["neste"] > cursor
        cursor = body["neste"]
    assert collected == people  # oldest first, each once
    assert calls == len(_changed(frg, product, start)) + 1
    assert cursor == _newest(frg.database)


def test_a_subject_changed_twice_in_a_page_appears_once_at_its_latest_change(
    frg: Register, machines: Machines, product: Product
) -> None:
    nav = machines.token(NAV)
    anne, bjoern = frg.person(), frg.person(kjoenn="mann")
    start = _newest(frg.database)
    frg.run(ops.register_move, ident=anne, adresse_id=FJORDVEIEN, flyttedato=date(2025, 5, 1))
    frg.run(ops.register_move, ident=bjoern, adresse_id=FJORDVEIEN, flyttedato=date(2025, 5, 2))
    frg.run(ops.register_move, ident=anne, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 3))

    body = _get(machines.http, nav, etter=start)

    assert [c["subjekt"] for c in body["endringer"]] == [bjoern, anne]
    anne_last = max(seq for seq, subject in _changed(frg, product, start) if subject == anne)
    assert body["endringer"][1]["sekvensnummer"] == anne_last
    # Across pages the same subject may come again: each page is deduplicated on its own.
    first = _get(machines.http, nav, etter=start, antall=1)
    assert [c["subjekt"] for c in first["endringer"]] == [anne]


def test_events_of_other_registries_move_the_cursor_only(
    database: Database, clock: SimulatedClock, machines: Machines, product: Product
) -> None:
    nav = machines.token(NAV)  # registering the client wrote identity's events
    assert _newest(database) > 0

    body = _get(machines.http, nav)

    assert body == {"produkt": BASIS, "endringer": [], "neste": _newest(database)}


def test_refusals_are_problems(
    frg: Register, machines: Machines, product: Product, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = machines.http
    nav = machines.token(NAV)
    no_scope = machines.token(NAV, scopes=("nav:other.read",))
    operator = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ok = {"formaal": "barnetrygd"}
    assert problem(http.get(ENDRINGER, params=ok), 401)["status"] == 401
    assert problem(http.get(ENDRINGER, params=ok, headers=operator), 403)
    assert (
        "felles:datafordeler"
        in problem(http.get(ENDRINGER, params=ok, headers=no_scope), 403)["detail"]
    )
    assert problem(http.get(f"{DATAFORDELER}/nothing.here/endringer", params=ok, headers=nav), 404)
    for bad in (
        {},
        {"formaal": ""},
        ok | {"etter": -1},
        ok | {"etter": "x"},
        ok | {"etter": 2**63},
        ok | {"antall": 0},
        ok | {"antall": 1001},
    ):
        assert problem(http.get(ENDRINGER, params=bad, headers=nav), 422)["status"] == 422
    quiet = _stand_in("folkeregister.familie.stille", changed_by=())
    monkeypatch.setitem(cast(MutableMapping[str, Product], PRODUCTS), quiet.name, quiet)
    body = problem(http.get(f"{DATAFORDELER}/{quiet.name}/endringer", params=ok, headers=nav), 404)
    assert "publishes no changes" in body["detail"]


def test_an_open_product_lists_every_subject_and_the_scan_is_bounded(
    frg: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    anne, bjoern = frg.person(), frg.person(kjoenn="mann")
    frg.run(ops.register_move, ident=anne, adresse_id=FJORDVEIEN, flyttedato=date(2025, 5, 1))
    frg.run(ops.register_move, ident=bjoern, adresse_id=STORGATA, flyttedato=date(2025, 5, 2))
    open_product = _stand_in("aapne.data", sensitivity="open")
    nobody = MachinePrincipal(orgnr=BANK)
    newest = _newest(frg.database)

    with frg.database.read_session() as session:
        page = list_changes(session, principal=nobody, product=open_product, purpose="x")
        assert [c.subject for c in page.changes] == [anne, bjoern]
        assert page.next == newest
        monkeypatch.setattr(changes, "SCAN_WINDOW", 1)
        stepped = [list_changes(session, principal=nobody, product=open_product, purpose="x")]
        while stepped[-1].next < newest:
            after = stepped[-1].next
            stepped.append(
                list_changes(
                    session, principal=nobody, product=open_product, purpose="x", after=after
                )
            )
        assert [p.next for p in stepped] == list(range(1, newest + 1))
        assert [c.subject for p in stepped for c in p.changes] == [anne, bjoern]
        with pytest.raises(InvalidInput):
            list_changes(session, principal=nobody, product=open_product, purpose=" ")
        with pytest.raises(InvalidInput):
            list_changes(session, principal=nobody, product=open_product, purpose="x", limit=0)
        with pytest.raises(NotFound):
            list_changes(session, principal=nobody, product=_stand_in(changed_by=()), purpose="x")
