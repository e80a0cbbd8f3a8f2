"""The letter's chrome and the statuses as people see them, in bokmål, nynorsk and English."""

from __future__ import annotations

from typing import Final

CHROME: Final[dict[str, dict[str, str]]] = {
    "nb": {
        "from": "Fra",
        "date": "Dato",
        "due": "Frist",
        "reference": "Referanse",
        "attachments": "Vedlegg",
        "confirm": "Denne oppgaven må du markere som utført innen fristen.",
        "kind_vedtak": "Vedtak",
        "kind_informasjon": "Informasjon",
        "kind_oppgave": "Oppgave",
        "protected": "Sendes via enheten for beskyttede adresser",
        "footer": "Brevet er sendt gjennom den felles digitale postkassen for offentlig sektor.",
    },
    "nn": {
        "from": "Frå",
        "date": "Dato",
        "due": "Frist",
        "reference": "Referanse",
        "attachments": "Vedlegg",
        "confirm": "Denne oppgåva må du markere som utført innan fristen.",
        "kind_vedtak": "Vedtak",
        "kind_informasjon": "Informasjon",
        "kind_oppgave": "Oppgåve",
        "protected": "Blir sendt via eininga for verna adresser",
        "footer": "Brevet er sendt gjennom den felles digitale postkassa for offentleg sektor.",
    },
    "en": {
        "from": "From",
        "date": "Date",
        "due": "Due",
        "reference": "Reference",
        "attachments": "Attachments",
        "confirm": "Please mark this task as done before it is due.",
        "kind_vedtak": "Decision",
        "kind_informasjon": "Information",
        "kind_oppgave": "Task",
        "protected": "Sent through the unit for protected addresses",
        "footer": "This letter was sent through the public sector's common digital mailbox.",
    },
}

#: Each status as the recipient sees it.
STATUS: Final[dict[str, dict[str, str]]] = {
    "Initialized": {"nb": "Opprettet", "nn": "Oppretta", "en": "Created"},
    "Published": {"nb": "Ulest", "nn": "Ulesen", "en": "Unread"},
    "Read": {"nb": "Lest", "nn": "Lesen", "en": "Read"},
    "Confirmed": {"nb": "Utført", "nn": "Utført", "en": "Done"},
    "Reserved": {
        "nb": "Sendt på papir (reservert mot digital post)",
        "nn": "Sendt på papir (reservert mot digital post)",
        "en": "Sent on paper (opted out of digital post)",
    },
    "Failed": {"nb": "Kunne ikke leveres", "nn": "Kunne ikkje leverast", "en": "Not delivered"},
}

#: Where a letter went, as people see it.
CHANNEL: Final[dict[str, dict[str, str]]] = {
    "innboks": {"nb": "Innboks", "nn": "Innboks", "en": "Inbox"},
    "digital-postkasse": {
        "nb": "Digital postkasse",
        "nn": "Digital postkasse",
        "en": "Digital mailbox",
    },
    "papir": {"nb": "Papirpost", "nn": "Papirpost", "en": "Paper mail"},
}

MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "nb": (
        "januar", "februar", "mars", "april", "mai", "juni",
        "juli", "august", "september", "oktober", "november", "desember",
    ),
    "nn": (
        "januar", "februar", "mars", "april", "mai", "juni",
        "juli", "august", "september", "oktober", "november", "desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def status_text(status: str, language: str) -> str:
    return STATUS.get(status, {}).get(language, status)


def long_date(year: int, month: int, day: int, language: str) -> str:
    name = MONTHS[language][month - 1]
    return f"{day} {name} {year}" if language == "en" else f"{day}. {name} {year}"
