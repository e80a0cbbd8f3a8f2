"""Min side in a real browser: Playwright drives Debian's chromium (never a browser of its
own) against the application served by uvicorn on a free port, on a SQLite database seeded
through the real operations. Every page visited is checked with axe-core: no serious or
critical violations."""

from __future__ import annotations

import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from felles.journeys.opening import journeys_consumer
from felles.kernel.bus import DatabaseTransport, Worker
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.mailbox import consumers as mailbox_consumers
from felles.registries.krr.operations import register_contact
from felles.registries.skatt.operations.assessments import make_assessment
from tests.portal.conftest import use_base_url
from tests.registries.folkeregister.conftest import Register, seed_addresses
from tests.services.test_barnetrygd_at_birth import born, run_worker
from tests.sharing.conftest import Machines, register_org

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"  # Debian's package (apt-get install chromium)
BANK = "810825472"
SUMMARY = "skatt.skatteoppgjoer.sammendrag"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(
    database: Database, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The application on a free port (a thread of this process, sharing the clock and the
    test database: SQLite, then PostgreSQL)."""
    from felles.app import create_app

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: apt-get install -y chromium")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    use_base_url(monkeypatch, base)
    config = uvicorn.Config(
        create_app(database=database), host="127.0.0.1", port=port, log_level="warning"
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "uvicorn did not start"
    yield base
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Debian's chromium, never a browser Playwright would download.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def phone(browser: Any, server: str, *, javascript: bool = True) -> Any:
    """A page in a phone-sized window, in Norwegian."""
    context = browser.new_context(
        base_url=server,
        viewport={"width": 390, "height": 844},
        locale="nb-NO",
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def fits_the_phone(page: Any) -> None:
    """Nothing is wider than the window (tables scroll inside their own box)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def log_in(page: Any, pid: str, name: str) -> None:
    page.goto("/minside")
    page.get_by_role("link", name="Logg inn").click()
    page.fill("#pid", pid)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_label(name).check()
    page.get_by_role("button", name="Fortsett").click()


def no_serious_violations(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: {bad}"


def ask_consent(http: httpx.Client, machines: Machines, person: str, clock: SimulatedClock) -> str:
    consent_id = str(uuid.uuid4())
    body = {
        "id": consent_id,
        "from": f"urn:altinn:person:identifier-no:{person}",
        "to": f"urn:altinn:organization:identifier-no:{BANK}",
        "validTo": (clock.now() + timedelta(days=30)).isoformat(),
        "consentRights": [
            {
                "action": ["consent"],
                "resource": [
                    {"type": "urn:felles:data", "value": f"{SUMMARY}.inntekt"},
                    {"type": "urn:felles:data", "value": f"{SUMMARY}.formue"},
                ],
                "metaData": {"formaal": "laanesoeknad"},
            }
        ],
        "requestMessage": {"nb": "Vi trenger inntekt og formue til lånesøknaden."},
        "redirectUrl": "https://bankenmin.no/huslaan",
    }
    created = http.post(
        "/accessmanagement/api/v1/enterprise/consentrequests",
        json=body,
        headers=machines.token(BANK),
    )
    assert created.status_code == 201, created.text
    return consent_id


def test_min_side_in_a_browser(
    server: str, browser: Any, database: Database, clock: SimulatedClock
) -> None:
    from playwright.sync_api import expect

    seed_addresses(database)
    register = Register(database, clock)
    mother = register.person(foedselsdato=date(1990, 2, 3), fornavn="Ingrid", etternavn="Mor")
    friend = register.person(foedselsdato=date(1975, 8, 8), fornavn="Venn", etternavn="Hjelper")
    # In KRR without a digital mailbox of her own: her post is the felles inbox.
    register.run(register_contact, personidentifikator=mother, epostadresse="x@example.com")
    born(register, mother, date(2025, 5, 20))
    run_worker(database)
    for consumer in (mailbox_consumers.CONSUMER, journeys_consumer()):
        totals = Worker(DatabaseTransport(database), [consumer]).run(
            threading.Event(), until_idle=True
        )
        assert totals.failed == 0
    with database.unit_of_work() as uow:
        make_assessment(
            uow,
            ident=mother,
            income_year=2024,
            loennsinntekt=612_000,
            bruttoformue=250_000,
            gjeld=0,
        )
        uow.commit()
    register_org(database, navn="Banken min ASA", form="ASA", orgnr=BANK)
    http = httpx.Client(base_url=server, timeout=20)
    machines = Machines(http)  # type: ignore[arg-type]
    ask_consent(http, machines, mother, clock)

    page = phone(browser, server)
    errors: list[str] = []  # console errors, e.g. a Content-Security-Policy refusal
    page.on(
        "console",
        lambda message: (
            errors.append(f"{message.text} {message.location}")
            # the fullmakt form's intended 422, and the provider's TestID page (not the portal's)
            # has no icon of its own
            if message.type == "error"
            and "status of 422" not in message.text
            and "favicon.ico" not in str(message.location)
            else None
        ),
    )
    page.goto("/minside")
    no_serious_violations(page)
    page.keyboard.press("Tab")
    expect(page.locator(".ds-skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.get_by_role("link", name="Logg inn").click()
    no_serious_violations(page)  # the provider's TestID page
    page.fill("#pid", mother)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem vil du representere?")
    no_serious_violations(page)
    page.get_by_label("Ingrid Mor").check()
    page.get_by_role("button", name="Fortsett").click()
    expect(page.locator(".portal-acting")).to_contain_text("Ingrid Mor")
    # Oversikt: the Få barn journey, barnetrygd done without applying, and the new letter.
    journey = page.locator("main .portal-journey", has_text="Få barn: Emma")
    expect(journey.locator(".portal-step", has_text="Barnetrygd")).to_contain_text(
        "Gjort automatisk"
    )
    expect(page.locator(".portal-menu")).to_contain_text("Innboks 1 uleste")
    no_serious_violations(page)
    fits_the_phone(page)

    # Innboks: the decision letter; opening it marks it read.
    page.get_by_role("link", name=re.compile(r"^Innboks")).click()
    letter = page.locator("main .portal-unread a", has_text="barnetrygd")
    expect(letter).to_be_visible()
    no_serious_violations(page)
    letter.click()
    expect(page.locator("main article")).to_contain_text("Du får barnetrygd for Emma")
    expect(page.locator("main")).to_contain_text("Lest")
    expect(page.locator(".portal-count")).to_have_count(0)
    no_serious_violations(page)
    fits_the_phone(page)

    # The barnetrygd decision after the simulated birth.
    page.get_by_role("link", name="Saker og vedtak", exact=True).first.click()
    expect(page.locator("main")).to_contain_text("Innvilget")
    no_serious_violations(page)
    page.locator("main a", has_text="Barnetrygd").first.click()
    expect(page.locator("main")).to_contain_text("1 968 kr")
    no_serious_violations(page)
    fits_the_phone(page)
    page.locator("main a[href*='/brev/']").first.click()
    expect(page.locator("main")).to_contain_text("barnetrygd")
    no_serious_violations(page)

    # Accept the bank's consent request; the bank reads; its use is in Innsyn.
    page.get_by_role("link", name="Samtykker", exact=True).click()
    expect(page.locator("main")).to_contain_text("Banken min ASA")
    no_serious_violations(page)
    assert page.evaluate("typeof window.htmx") == "object", "htmx loaded under the CSP"
    page.get_by_role("button", name="Godta").click()
    expect(page.locator("main")).to_contain_text("Du har godtatt samtykkeforespørselen")
    read = http.get(
        f"/datafordeler/v1/{SUMMARY}/{mother}",
        params={"formaal": "laanesoeknad"},
        headers=machines.token(BANK),
    )
    assert read.status_code == 200, read.text
    page.get_by_role("link", name="Innsyn", exact=True).click()
    expect(page.locator("main table")).to_contain_text("Banken min ASA")
    expect(page.locator("main table")).to_contain_text("Ditt samtykke")
    no_serious_violations(page)
    fits_the_phone(page)

    # Give and revoke a fullmakt; an error is tied to its field first.
    page.get_by_role("link", name="Fullmakter", exact=True).click()
    page.get_by_role("button", name="Gi fullmakt").click()
    expect(page.locator("#feil-holder")).to_be_visible()
    no_serious_violations(page)
    page.get_by_label("Fødselsnummeret til den som skal få fullmakten").fill(friend)
    page.get_by_label("Skatt").check()
    page.get_by_role("button", name="Gi fullmakt").click()
    expect(page.locator("main")).to_contain_text("Fullmakten er gitt")
    expect(page.locator("main")).to_contain_text("Venn Hjelper")
    no_serious_violations(page)
    page.get_by_role("button", name="Trekk").click()
    expect(page.locator("main")).to_contain_text("Fullmakten er trukket")

    # Mine data, and the language switch.
    page.get_by_role("link", name="Mine data", exact=True).click()
    expect(page.locator("main")).to_contain_text("Skatteetaten")
    no_serious_violations(page)
    fits_the_phone(page)
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My data")
    page.get_by_role("link", name="Nynorsk").click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    page.get_by_role("link", name="Oversikt", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    no_serious_violations(page)

    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er logga ut")
    no_serious_violations(page)
    assert not errors, errors


def test_the_core_flows_work_without_javascript(
    server: str, browser: Any, database: Database, clock: SimulatedClock
) -> None:
    from playwright.sync_api import expect

    seed_addresses(database)
    register = Register(database, clock)
    me = register.person(fornavn="Uten", etternavn="Skript")
    friend = register.person(fornavn="Venn", etternavn="Hjelper")
    page = phone(browser, server, javascript=False)
    log_in(page, me, "Uten Skript")
    expect(page.locator(".portal-acting")).to_contain_text("Uten Skript")
    page.get_by_role("link", name="Fullmakter", exact=True).click()
    page.get_by_label("Fødselsnummeret til den som skal få fullmakten").fill(friend)
    page.get_by_label("NAV (arbeid og velferd)").check()
    page.get_by_role("button", name="Gi fullmakt").click()
    expect(page.locator("main")).to_contain_text("Fullmakten er gitt")
    page.get_by_role("button", name="Trekk").click()
    expect(page.locator("main")).to_contain_text("Fullmakten er trukket")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are logged out")
