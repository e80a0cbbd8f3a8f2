"""Logging the reads through the registries' own APIs: the recorder behind the kernel's
``record_release`` hook (installed by ``felles.app`` as ``app.state.release_recorder``).

The registries' APIs mirror the real components so that existing clients work; they admit a
token by scope (``felles.kernel.web.access``) and sit below this block, so they report what
they released through the kernel and this module writes it to the access log (decision 0024):

* an organisation's token (Maskinporten): one entry per person in the answer, ``konsument``
  the token's organisation, ``hjemmel`` ``scope:<the scope that admitted the call>``. The
  registry owner granted that scope to the consumer, so the scope is the basis the release
  rested on; the real Folkeregister grants its scopes per rettighetspakke, each tied to the
  legal basis of the consumer's task, and felles' registries grant one scope per API.
* a person's token (ID-porten) reading their own data: nothing (it is their own, as in the
  data distributor). Other people's data in the answer (a co-owner of a property, say) are
  logged with the person as ``aktoer`` under Digitaliseringsdirektoratet, which runs the
  login: a person's token names no consuming organisation.

``formaal`` is the request header ``X-Formaal`` (UTF-8 or Latin-1), else a purpose the
registry's protocol carries, else ``ikke-oppgitt``; ``foresporsel_id`` the header
``X-Request-ID``, else a new UUID. Organisation numbers and invalid identifiers among the
subjects are not logged (the log is about people); a person is logged under their current
identity number as Folkeregisteret knows it, so the entry shows in their own view
(``/innsynslogg/api/v1/personer/{ident}/innsyn``) whichever of their numbers was asked for.

Entries are written through the group writer: the registry's answer goes out only after they
are committed, and when they cannot be, the caller gets 503 and no data.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Sequence
from typing import Final

from fastapi import Request

from felles.access.log.operations import PORTAL_ORGNR, LogEntry
from felles.access.log.writer import write_or_refuse
from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput, ServiceUnavailable
from felles.kernel.ids import InvalidIdentifier, parse_person_identifier
from felles.kernel.web import Caller, Release
from felles.registries.folkeregister.queries import person_idents

__all__ = ["NO_PURPOSE", "PURPOSE_HEADER", "REQUEST_ID_HEADER", "record_registry_reads"]

PURPOSE_HEADER: Final = "X-Formaal"
REQUEST_ID_HEADER: Final = "X-Request-ID"
#: The purpose logged when the caller states none.
NO_PURPOSE: Final = "ikke-oppgitt"
MAX_PURPOSE: Final = 200
MAX_REQUEST_ID: Final = 64
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def _header(request: Request, name: str) -> str | None:
    """A header's value without surrounding spaces (None when absent or empty).

    Starlette decodes header bytes as Latin-1; a client that sent UTF-8 ("formål") means
    UTF-8, so the bytes are read again as UTF-8 when they are valid UTF-8.
    """
    value = request.headers.get(name)
    if value is None:
        return None
    with contextlib.suppress(UnicodeError):
        value = value.encode("latin-1").decode("utf-8")
    return value.strip() or None


def _checked(value: str, *, name: str, length: int) -> str:
    if len(value) > length or _CONTROL.search(value):
        raise InvalidInput(
            f"{name} must be at most {length} characters, without control characters; "
            "nothing was released"
        )
    return value


def purpose_of(request: Request, given: str | None = None) -> str:
    """``X-Formaal``, else the purpose the registry's protocol carries, else ikke-oppgitt."""
    header = _header(request, PURPOSE_HEADER)
    if header is not None:
        return _checked(header, name=PURPOSE_HEADER, length=MAX_PURPOSE)
    if given is not None and given.strip():
        return _checked(given.strip(), name="formaal", length=MAX_PURPOSE)
    return NO_PURPOSE


def request_id_of(request: Request) -> str:
    """``X-Request-ID``, else a new UUID."""
    header = _header(request, REQUEST_ID_HEADER)
    if header is None:
        return str(uuid.uuid4())
    return _checked(header, name=REQUEST_ID_HEADER, length=MAX_REQUEST_ID)


def _people(database: Database, subjects: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each subject that is a person's identity number → every number of that person, the
    current one first (just the number itself when Folkeregisteret does not know it)."""
    valid: dict[str, str] = {}
    for subject in subjects:
        try:
            valid[subject] = parse_person_identifier(subject).value
        except (InvalidIdentifier, TypeError, ValueError):
            continue  # an organisation number (or no identifier): not a person's data
    if not valid:
        return {}
    with database.read_session() as session:
        known = person_idents(session, idents=set(valid.values()))
    return {subject: known.get(ident, (ident,)) for subject, ident in valid.items()}


def record_registry_reads(
    request: Request, caller: Caller, releases: Sequence[Release], purpose: str | None
) -> None:
    """``felles.kernel.web.ReleaseRecorder``: log ``releases`` to ``caller`` and return once
    the entries are committed; 503 (``ServiceUnavailable``) when they cannot be."""
    if caller.operator:
        return
    principal = caller.principal
    kind = getattr(principal, "kind", None)
    if kind == "organisation":
        konsument, aktoer, own = str(principal.orgnr), None, None
    elif kind == "person":
        konsument, aktoer, own = PORTAL_ORGNR, str(principal.pid), str(principal.pid)
    else:  # no other principal exists; release nothing that cannot be logged
        raise ServiceUnavailable("The access log cannot record a release to this caller")
    database: Database = request.app.state.database
    subjects = [s for release in releases for s in release.subjects if s != own]
    try:
        people = _people(database, subjects)
    except Exception as error:
        raise ServiceUnavailable(
            "The access log could not record the release; nothing was released"
        ) from error
    released: list[tuple[Release, str]] = []
    for release in releases:
        logged: set[str] = set()
        for subject in release.subjects:
            idents = people.get(subject)
            if idents is None or own in idents or idents[0] in logged:
                continue
            logged.add(idents[0])
            released.append((release, idents[0]))
    if not released:
        return
    formaal, foresporsel_id = purpose_of(request, purpose), request_id_of(request)
    when = get_clock().now()
    entries = [
        LogEntry(
            konsument=konsument,
            aktoer=aktoer,
            subjekt=subjekt,
            datasett=release.dataset,
            felter=tuple(release.fields),
            formaal=formaal,
            hjemmel=f"scope:{release.scope}",
            foresporsel_id=foresporsel_id,
            tidspunkt=when,
        )
        for release, subjekt in released
    ]
    write_or_refuse(database, entries)
