"""Property: whatever the sequence of commands, KRR's answer matches the last effect.

A tiny reference model says what each command should do from each state (registered or not,
deleted or not, reserved or not). After every command the lookup API's status and
reservasjon must equal the model's, and the person's events must number exactly the
successful commands (refusals emit nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from felles.kernel.db import Database
from felles.kernel.errors import Problem
from felles.registries.krr import operations
from tests.registries.krr.conftest import new_fnr, outbox_count


@dataclass(frozen=True)
class State:
    status: str = "IKKE_REGISTRERT"
    reserved: bool = False


def _expected(state: State, command: str) -> State | None:
    """The state after the command, or None when the command must be refused."""
    active = state.status == "AKTIV"
    match command:
        case "reserve":
            return None if active and state.reserved else State("AKTIV", True)
        case "unreserve":
            return State("AKTIV", False) if active and state.reserved else None
        case "delete":
            return State("SLETTET", False) if active else None
        case _:  # contact updates: register, or reactivate with no reservation
            return State("AKTIV", state.reserved if active else False)


CONTACTS: dict[str, dict[str, str]] = {
    "email": {"epostadresse": "kari@example.no"},
    "mobile": {"mobiltelefonnummer": "+47 41 23 45 67"},
    "language": {"spraak": "se"},
}
COMMANDS = st.lists(
    st.sampled_from(["reserve", "unreserve", "delete", *CONTACTS]), min_size=1, max_size=10
)


def _run(database: Database, fnr: str, command: str) -> bool:
    """Run one command; True when it succeeded."""
    calls: dict[str, Any] = {
        "reserve": operations.reserve,
        "unreserve": operations.unreserve,
        "delete": operations.delete_registration,
    }
    try:
        with database.unit_of_work() as uow:
            if command in CONTACTS:
                operations.register_contact(uow, personidentifikator=fnr, **CONTACTS[command])
            else:
                calls[command](uow, personidentifikator=fnr)
            uow.commit()
    except Problem:
        return False
    return True


def _observed(client: TestClient, headers: dict[str, str], fnr: str) -> State:
    response = client.post(
        "/kontaktregisteret/rest/v1/personer",
        json={"personidentifikatorer": [fnr]},
        headers=headers,
    )
    (person,) = response.json()["personer"]
    return State(person["status"], person.get("reservasjon") == "JA")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(commands=COMMANDS)
def test_api_state_follows_the_last_effect_and_events_count_successes(
    database: Database, client: TestClient, admin_headers: dict[str, str], commands: list[str]
) -> None:
    fnr = new_fnr()  # a fresh person per example, so examples do not see each other
    model, successes = State(), 0
    for command in commands:
        expected = _expected(model, command)
        succeeded = _run(database, fnr, command)
        assert succeeded == (expected is not None), (command, model)
        if expected is not None:
            model, successes = expected, successes + 1
        assert _observed(client, admin_headers, fnr) == model
        assert outbox_count(database, subject=fnr) == successes
