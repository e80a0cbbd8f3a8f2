"""How a public service is declared: what it is, whose it is, on what law, and what it does.

A service is data, not a handler buried somewhere: the catalog (later) and the journeys read
the same declaration the runtime runs. The runtime (``services.runtime``) turns each declared
service into a bus consumer; the service's own module gives the ``decide`` step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from felles.kernel.events import Event

Texts = Mapping[str, str]  # language code (nb, nn, en) -> text
LANGUAGES: Final = ("nb", "nn", "en")

#: What running a service can produce.
#: Enhetsregisteret's organisasjonsform of a municipality: the owner of the services every
#: municipality provides.
MUNICIPALITIES: Final = "KOMM"

Output = Literal["vedtak", "brev", "oppgave-til-personen", "oppgave-til-saksbehandler"]


@dataclass(frozen=True, slots=True)
class Trigger:
    """The events that start the service: types (exact CloudEvents types) and a filter on the
    event itself (cheap: no registry reads; the service checks the rest when it runs).

    ``daily``: the service is started by the day, not by events — a daily job named as the
    service (``felles.kernel.schedule``), with no event types and no bus consumer."""

    event_types: tuple[str, ...]
    accepts: Callable[[Event], bool] = field(default=lambda _event: True, compare=False)
    daily: bool = False


@dataclass(frozen=True, slots=True)
class DataNeed:
    """A data product the service reads through the data distributor, and for what."""

    product: str
    fields: tuple[str, ...] | None = None  # None: every field the basis allows
    about: str = "soeker"  # whom: the person the case is for, a child, a parent …


@dataclass(frozen=True, slots=True)
class LegalReference:
    """A provision the service applies: a Lovdata address and its name."""

    url: str
    name: str


@dataclass(frozen=True, slots=True)
class PublicService:
    """A declared public service (tjeneste)."""

    id: str
    title: Texts
    description: Texts
    #: The agency that provides the service; None for a service every municipality provides
    #: for its residents (``owner_orgform`` "KOMM"), run as the municipality of each event.
    owner_orgnr: str | None
    owner_name: str
    legal_basis: tuple[LegalReference, ...]
    life_events: tuple[str, ...]
    trigger: Trigger
    purpose: str  # formål stated to the distributor
    scopes: frozenset[str]  # the Maskinporten scopes the service's own client holds
    data: tuple[DataNeed, ...]
    rules: tuple[str, ...]  # OpenFisca variables the service computes
    produces: tuple[Output, ...]
    tema: str = "GEN"  # the owner's subject code for its caseworker queue (NAV: BAR, KON …)
    manual_deadline_days: int = 14  # fristFerdigstillelse of a caseworker task
    #: Klagefrist: forvaltningsloven § 29 gives three weeks unless a law says otherwise
    #: (folketrygdloven § 21-12 gives six for NAV's benefits, barnetrygd included).
    appeal_weeks: int = 3
    appeal_law: LegalReference = LegalReference(
        "https://lovdata.no/lov/1967-02-10/§29", "forvaltningsloven § 29"
    )
    #: For a service with no one owner: the organisasjonsform in Enhetsregisteret of the
    #: units that each provide it (``MUNICIPALITIES``).
    owner_orgform: str | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,60}", self.id):
            raise ValueError(f"service id {self.id!r}: use lower-case letters, digits and -")
        for texts in (self.title, self.description):
            missing = [lang for lang in LANGUAGES if not texts.get(lang)]
            if missing:
                raise ValueError(f"service {self.id}: text missing in {missing}")
        if self.owner_orgnr is None:
            if self.owner_orgform is None:
                raise ValueError(f"service {self.id}: an owner_orgnr or an owner_orgform")
        elif self.owner_orgform is not None:
            raise ValueError(f"service {self.id}: an owner_orgnr or an owner_orgform, not both")
        elif not re.fullmatch(r"\d{9}", self.owner_orgnr):
            raise ValueError(f"service {self.id}: owner_orgnr must be 9 digits")

    @property
    def orgnr(self) -> str:
        """The one owner's organisasjonsnummer (it owns the cases, it is the reader); a
        service every municipality provides has none and is run as each event's municipality."""
        if self.owner_orgnr is None:
            raise ValueError(f"service {self.id} has no one owner ({self.owner_orgform})")
        return self.owner_orgnr

    @property
    def consumer_name(self) -> str:
        """The bus consumer that runs the service (a JetStream durable name too)."""
        return f"service-{self.id}"


_services: dict[str, PublicService] = {}


def declare(service: PublicService) -> PublicService:
    """Add a service to the catalog of declared services (done when its module is imported)."""
    existing = _services.get(service.id)
    if existing is not None and existing != service:
        raise ValueError(f"service {service.id!r} is declared twice")
    _services[service.id] = service
    return service


def declared() -> tuple[PublicService, ...]:
    return tuple(_services.values())


def get_service(service_id: str) -> PublicService | None:
    return _services.get(service_id)
