"""The HTTP API in Altinn Notifications' shape: an organisation's system orders with a
Maskinporten token and reads its orders' status; every error is problem+json and writes
nothing; addresses never leave in an answer."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.mailbox.notifications.api import PREFIX, SCOPE
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from felles.mailbox.notifications.model import NotificationRow, OrderRow
from tests.identity.conftest import JWT_BEARER, app_client, base_url  # noqa: F401
from tests.mailbox.notifications.conftest import NAV, People, SmtpServer, send
from tests.sharing.conftest import ADMIN, Machines, problem

ORDERS = f"{PREFIX}/orders"
EMAIL = "api@example.no"
SKATT = "974761076"


@pytest.fixture
def machines(app_client: TestClient, clock: SimulatedClock) -> Machines:  # noqa: F811
    """Tokens issued on the simulated clock the rest of the test runs on."""
    return Machines(app_client)


@pytest.fixture
def nav(machines: Machines) -> dict[str, str]:
    return machines.token(NAV, (SCOPE,))


def stored(database: Database) -> tuple[int, int]:
    with database.read_session() as session:
        return (
            session.scalar(select(func.count()).select_from(OrderRow)) or 0,
            session.scalar(select(func.count()).select_from(NotificationRow)) or 0,
        )


def body(ident: str, **values: Any) -> dict[str, Any]:
    return {
        "notificationChannel": "EmailPreferred",
        "recipients": [{"nationalIdentityNumber": ident}],
        "emailTemplate": {"subject": "Nytt brev", "body": "Hei $recipientName$, se innboksen."},
        "sendersReference": "sak-1",
    } | values


def test_order_send_and_read_the_status(
    database: Database,
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(email=EMAIL)
    created = app_client.post(
        ORDERS, json=body(ident, reminders=[{"delayDays": 7}], idempotencyId="i-1"), headers=nav
    )
    assert created.status_code == 202, created.text
    order_id = created.json()["orderId"]
    assert created.headers["Location"] == f"{ORDERS}/{order_id}"
    assert len(created.json()["reminders"]) == 1

    again = app_client.post(ORDERS, json=body(ident, idempotencyId="i-1"), headers=nav)
    assert again.status_code == 200 and again.json()["orderId"] == order_id

    order = app_client.get(f"{ORDERS}/{order_id}", headers=nav).json()
    assert order["notificationChannel"] == "EmailPreferred"
    assert order["recipients"] == [{"nationalIdentityNumber": ident}]
    assert order["emailTemplate"]["subject"] == "Nytt brev"
    status = app_client.get(f"{ORDERS}/{order_id}/status", headers=nav).json()
    assert status["processingStatus"]["status"] == "Registered"

    send(database, email_sender, sms_gateway)

    status = app_client.get(f"{ORDERS}/{order_id}/status", headers=nav).json()
    assert status["processingStatus"]["status"] == "Completed"
    assert status["notificationsStatusSummary"]["email"]["generated"] == 1
    assert status["notificationsStatusSummary"]["email"]["succeeded"] == 1
    assert status["notificationsStatusSummary"]["sms"]["generated"] == 0
    emails = app_client.get(f"{ORDERS}/{order_id}/notifications/email", headers=nav)
    assert emails.status_code == 200
    [notification] = emails.json()["notifications"]
    assert notification["succeeded"] is True
    assert notification["sendStatus"]["status"] == "Succeeded"
    assert EMAIL not in emails.text  # the address was read for notifying, not for the sender
    sms = app_client.get(f"{ORDERS}/{order_id}/notifications/sms", headers=nav).json()
    assert sms["generated"] == 0

    listed = app_client.get(ORDERS, params={"sendersReference": "sak-1"}, headers=nav).json()
    assert listed["count"] == 2  # the order and its reminder
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Nytt brev"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"emailTemplate": {"subject": "Vedtak", "body": "Gjelder {fnr}"}}, 422),
        ({"smsTemplate": {"body": "Svar til saksbehandler@nav.no"}}, 422),
        ({"notificationChannel": "Pigeon"}, 422),
        ({"recipients": []}, 422),
        ({"recipients": [{"nationalIdentityNumber": "12345678901"}]}, 422),
        ({"recipients": [{"emailAddress": "x@example.no"}]}, 422),
        ({"conditionEndpoint": "http://example.no/status"}, 422),
        ({"reminders": [{"delayDays": 0}]}, 422),
        ({"requestedSendTime": "2030-01-01T00:00:00Z"}, 422),
        ({"unknownField": 1}, 422),
        ({"emailTemplate": {"subject": "Brev\nBcc: x", "body": "Hei"}}, 422),
        ({"conditionEndpoint": "http://[::1"}, 422),
        ({"smsTemplate": {"body": "Hei", "senderNumber": "NAV!"}}, 422),
        ({"emailTemplate": {"subject": "Hei", "body": "Hei $recipientAddress$"}}, 422),
    ],
)
def test_bad_input_is_problem_json_and_stores_nothing(
    database: Database,
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    people: People,
    change: dict[str, Any],
    status: int,
) -> None:
    ident = people.person(email=EMAIL)
    before = stored(database)
    payload = body(ident, **change)
    if "emailTemplate" in change:
        payload["emailTemplate"]["body"] = payload["emailTemplate"]["body"].replace("{fnr}", ident)
    answer = app_client.post(ORDERS, json=payload, headers=nav)
    details = problem(answer, status)
    assert ident not in answer.text and EMAIL not in answer.text
    assert details["status"] == status
    assert stored(database) == before


def test_a_senders_reference_alone_is_no_idempotency_key(
    database: Database,
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    people: People,
) -> None:
    ident = people.person(email=EMAIL)
    first = app_client.post(ORDERS, json=body(ident), headers=nav)
    second = app_client.post(ORDERS, json=body(ident), headers=nav)
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["orderId"] != second.json()["orderId"]
    assert stored(database) == (2, 0)


def test_unreadable_body_is_problem_json(
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
) -> None:
    answer = app_client.post(
        ORDERS, content=b"{not json", headers=nav | {"Content-Type": "application/json"}
    )
    assert answer.status_code in (400, 422)
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_who_may_call(
    app_client: TestClient,  # noqa: F811
    machines: Machines,
    people: People,
) -> None:
    ident = people.person(email=EMAIL)
    problem(app_client.post(ORDERS, json=body(ident)), 401)
    problem(app_client.post(ORDERS, json=body(ident), headers=ADMIN), 403)
    without = machines.token(NAV, ("felles:datafordeler",))
    problem(app_client.post(ORDERS, json=body(ident), headers=without), 403)


def test_another_senders_orders_are_not_found(
    app_client: TestClient,  # noqa: F811
    machines: Machines,
    nav: dict[str, str],
    people: People,
) -> None:
    ident = people.person(email=EMAIL)
    order_id = app_client.post(ORDERS, json=body(ident), headers=nav).json()["orderId"]
    skatt = machines.token(SKATT, (SCOPE,))
    for path in ("", "/status", "/notifications/email", "/notifications/sms"):
        problem(app_client.get(f"{ORDERS}/{order_id}{path}", headers=skatt), 404)
    problem(app_client.put(f"{ORDERS}/{order_id}/cancel", headers=skatt), 404)
    problem(app_client.get(f"{ORDERS}/not-an-order-id", headers=nav), 422)
    unknown = "00000000-0000-0000-0000-000000000000"
    problem(app_client.get(f"{ORDERS}/{unknown}", headers=nav), 404)


def test_cancel_before_processing(
    database: Database,
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(email=EMAIL)
    order_id = app_client.post(
        ORDERS, json=body(ident, requestedSendTime="2025-06-02T12:00:00Z"), headers=nav
    ).json()["orderId"]
    cancelled = app_client.put(f"{ORDERS}/{order_id}/cancel", headers=nav)
    assert cancelled.status_code == 200
    assert cancelled.json()["processingStatus"]["status"] == "Cancelled"
    problem(app_client.put(f"{ORDERS}/{order_id}/cancel", headers=nav), 409)


def test_every_route_is_in_openapi(app_client: TestClient) -> None:  # noqa: F811
    paths = app_client.get("/openapi.json").json()["paths"]
    assert {p for p in paths if p.startswith(PREFIX)} == {
        ORDERS,
        f"{ORDERS}/{{id}}",
        f"{ORDERS}/{{id}}/status",
        f"{ORDERS}/{{id}}/notifications/email",
        f"{ORDERS}/{{id}}/notifications/sms",
        f"{ORDERS}/{{id}}/cancel",
    }
    post = paths[ORDERS]["post"]["responses"]
    assert "application/problem+json" in post["422"]["content"]
