"""What a notification may say, and the default texts.

**The rule** (decision 0035): a notification says *that* there is something to read or do,
never what. The only personal detail in it is the greeting's name, put in by felles from
Folkeregisteret through the keyword ``$recipientName$`` (Altinn's; ``$recipientNumber$`` is
accepted and empty for people). A sender's texts are refused (422, nothing stored) when they
carry what looks like an identity number (11 digits, with or without a space or hyphen after
the sixth), an e-mail address, or a ``$keyword$`` that is not one of the two. Case details
cannot be recognised by a pattern; keeping them out is the sender's duty, and the default
texts (nb, nn, en, chosen by the person's KRR ``spraak``) show the intended shape.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Final, Literal

from felles.kernel.errors import InvalidInput

RECIPIENT_NAME: Final = "$recipientName$"
RECIPIENT_NUMBER: Final = "$recipientNumber$"
KEYWORDS: Final = frozenset({RECIPIENT_NAME, RECIPIENT_NUMBER})

Kind = Literal["letter", "task"]
KINDS: Final = ("letter", "task")
LANGUAGES: Final = ("nb", "nn", "en")
DEFAULT_LANGUAGE: Final = "nb"

MAX_SUBJECT: Final = 200
MAX_EMAIL_BODY: Final = 10_000
MAX_SMS_BODY: Final = 1_000

_IDENTITY_NUMBER: Final = re.compile(r"(?<!\d)\d{6}[ -]?\d{5}(?!\d)")
_EMAIL_ADDRESS: Final = re.compile(r"[^\s@<>()\"']+@[^\s@<>()\"']+\.[A-Za-z]{2,}")
_KEYWORD: Final = re.compile(r"\$[A-Za-z]+\$")


def check_text(text: str, *, field: str, max_length: int) -> str:
    """``text`` if it may be sent; else InvalidInput naming the field (never the text)."""
    if not text.strip():
        raise InvalidInput(f"{field} must not be blank")
    if len(text) > max_length:
        raise InvalidInput(f"{field} is longer than {max_length} characters")
    if _IDENTITY_NUMBER.search(text):
        raise InvalidInput(
            f"{field} contains what looks like an identity number; notifications carry no "
            "personal details (use $recipientName$ for the greeting)"
        )
    if _EMAIL_ADDRESS.search(text):
        raise InvalidInput(f"{field} contains an e-mail address; notifications carry none")
    unknown = sorted(set(_KEYWORD.findall(text)) - KEYWORDS)
    if unknown:
        raise InvalidInput(
            f"{field} uses an unknown keyword; only $recipientName$ and $recipientNumber$ exist"
        )
    return text


def render(text: str, *, name: str | None, content_type: str = "Plain") -> str:
    """The text with the keywords replaced; without a name, the greeting goes without one."""
    if name:
        value = html.escape(name) if content_type == "Html" else name
        text = text.replace(RECIPIENT_NAME, value)
    else:
        text = re.sub(r" ?\$recipientName\$", "", text)
    # A person has no organisation number (Altinn leaves it empty for individuals too).
    return text.replace(RECIPIENT_NUMBER, "")


@dataclass(frozen=True, slots=True)
class Texts:
    subject: str
    email_body: str
    sms_body: str


_DEFAULTS: Final[dict[tuple[str, str], Texts]] = {
    ("nb", "letter"): Texts(
        "Du har fått et nytt brev",
        "Hei $recipientName$,\n\ndu har fått et nytt brev fra det offentlige. Logg inn på "
        "{portal} for å lese det.\n\nDette er en automatisk melding; du kan ikke svare på den.",
        "Hei $recipientName$, du har fått et nytt brev fra det offentlige. Logg inn på "
        "{portal} for å lese det.",
    ),
    ("nb", "task"): Texts(
        "Du har fått en ny oppgave",
        "Hei $recipientName$,\n\ndu har fått en ny oppgave fra det offentlige. Logg inn på "
        "{portal} for å se hva du skal gjøre.\n\nDette er en automatisk melding; du kan ikke "
        "svare på den.",
        "Hei $recipientName$, du har fått en ny oppgave fra det offentlige. Logg inn på "
        "{portal} for å se hva du skal gjøre.",
    ),
    ("nn", "letter"): Texts(
        "Du har fått eit nytt brev",
        "Hei $recipientName$,\n\ndu har fått eit nytt brev frå det offentlege. Logg inn på "
        "{portal} for å lese det.\n\nDette er ei automatisk melding; du kan ikkje svare på ho.",
        "Hei $recipientName$, du har fått eit nytt brev frå det offentlege. Logg inn på "
        "{portal} for å lese det.",
    ),
    ("nn", "task"): Texts(
        "Du har fått ei ny oppgåve",
        "Hei $recipientName$,\n\ndu har fått ei ny oppgåve frå det offentlege. Logg inn på "
        "{portal} for å sjå kva du skal gjere.\n\nDette er ei automatisk melding; du kan ikkje "
        "svare på ho.",
        "Hei $recipientName$, du har fått ei ny oppgåve frå det offentlege. Logg inn på "
        "{portal} for å sjå kva du skal gjere.",
    ),
    ("en", "letter"): Texts(
        "You have a new letter",
        "Hello $recipientName$,\n\nyou have a new letter from the public sector. Log in at "
        "{portal} to read it.\n\nThis message was sent automatically; please do not reply.",
        "Hello $recipientName$, you have a new letter from the public sector. Log in at "
        "{portal} to read it.",
    ),
    ("en", "task"): Texts(
        "You have a new task",
        "Hello $recipientName$,\n\nyou have a new task from the public sector. Log in at "
        "{portal} to see what to do.\n\nThis message was sent automatically; please do not "
        "reply.",
        "Hello $recipientName$, you have a new task from the public sector. Log in at "
        "{portal} to see what to do.",
    ),
}
_REMINDER: Final = {"nb": "Påminnelse: ", "nn": "Påminning: ", "en": "Reminder: "}


def language_of(spraak: str | None) -> str:
    """The language of the texts: KRR's ``spraak`` where there are texts in it, else nb.

    There are no default texts in Northern Sami (se) yet; those people get nb.
    """
    return spraak if spraak in LANGUAGES else DEFAULT_LANGUAGE


def default_texts(kind: str, language: str, *, portal: str, reminder: bool = False) -> Texts:
    """The default texts of ``kind`` in ``language`` (a reminder's subject says so)."""
    language = language_of(language)
    texts = _DEFAULTS[(language, kind if kind in KINDS else "letter")]
    prefix = _REMINDER[language] if reminder else ""
    return Texts(
        subject=prefix + texts.subject,
        email_body=texts.email_body.replace("{portal}", portal),
        sms_body=(prefix + texts.sms_body).replace("{portal}", portal),
    )
