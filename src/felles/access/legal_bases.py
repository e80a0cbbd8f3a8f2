"""Legal bases (hjemler): who may read which data, for which purpose, under which law.

The register is declarative and version-controlled: JSON files in ``access/hjemler/`` (JSON
because it is the data format the package ships; see that folder's README.md for the format).
``get_hjemler()`` loads and validates them once; ``felles.access.api`` calls it at import, so
the application does not start on an invalid register. Every error names the file, the entry
and the field.

An entry gives a consumer (an organisasjonsnummer, or a class ``orgform:KOMM`` for every unit
of that organisasjonsform) the fields listed under ``data`` for one purpose (``formaal``), from
``gyldigFra`` to ``gyldigTil`` (inclusive), with the law (``lov``, a lovdata.no address). It
may be limited to subjects related to the case's main person (``subjektrelasjon``: ``barn``,
``forelder``, ``ektefelle``), may name the protected address levels it releases
(``adressebeskyttelse``: nothing is released at a level not named), the assurance level a
person acting for the consumer needs (``sikkerhetsnivaa``) and a Maskinporten scope a
machine consumer must hold (``scope``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final

from felles.access.datasets import DATASETS
from felles.kernel.ids import InvalidIdentifier, parse_organisasjonsnummer

HJEMLER_DIR: Final = Path(__file__).parent / "hjemler"

ACR_LEVELS: Final[Mapping[str, int]] = {
    "idporten-loa-low": 1,
    "idporten-loa-substantial": 2,
    "idporten-loa-high": 3,
}
RELATIONS: Final = ("barn", "forelder", "ektefelle")
PROTECTED_LEVELS: Final = ("fortrolig", "strengtFortrolig")

_REQUIRED: Final = ("id", "beskrivelse", "konsument", "formaal", "lov", "data", "gyldigFra")
_OPTIONAL: Final = (
    "lovnavn",
    "subjektrelasjon",
    "gyldigTil",
    "adressebeskyttelse",
    "sikkerhetsnivaa",
    "scope",
    "merknad",
)
_ID: Final = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PURPOSE: Final = re.compile(r"^[a-z][a-z0-9-]{1,59}$")
_ORGFORM: Final = re.compile(r"^orgform:[A-Z]{2,5}$")
_LOVDATA: Final = re.compile(
    r"^https://lovdata\.no/(lov|forskrift)/\d{4}-\d{2}-\d{2}-\d+(/(§|%C2%A7)[0-9a-z-]+|/KAPITTEL_[0-9a-z-]+)?$"
)
_SCOPE: Final = re.compile(r"^[a-z0-9.]+:[A-Za-z0-9/._-]+$")


class HjemmelError(ValueError):
    """The legal-basis register is invalid; ``errors`` lists every problem found."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("invalid legal-basis register:\n  " + "\n  ".join(errors))
        self.errors = tuple(errors)


@dataclass(frozen=True, slots=True)
class Hjemmel:
    """One legal basis (hjemmel) of the register."""

    id: str
    beskrivelse: str
    konsument: str  # organisasjonsnummer or "orgform:<KODE>"
    formaal: str
    lov: str
    fields: frozenset[str]  # full field names
    gyldig_fra: date
    gyldig_til: date | None = None
    subjektrelasjon: str | None = None
    adressebeskyttelse: frozenset[str] = frozenset()
    sikkerhetsnivaa: str = "idporten-loa-substantial"
    scope: str | None = None
    lovnavn: str | None = None
    kilde: str = ""  # the file it came from

    def valid_on(self, day: date) -> bool:
        return self.gyldig_fra <= day and (self.gyldig_til is None or day <= self.gyldig_til)

    def names_consumer(self, orgnr: str, orgform: str | None) -> bool:
        """Whether the consumer is ``orgnr`` or of the organisasjonsform this names."""
        if self.konsument.startswith("orgform:"):
            return orgform is not None and self.konsument == f"orgform:{orgform}"
        return self.konsument == orgnr


def _date(value: Any, where: str, errors: list[str]) -> date | None:
    if not isinstance(value, str):
        errors.append(f"{where}: must be a date written YYYY-MM-DD")
        return None
    try:
        if len(value) != len("YYYY-MM-DD"):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"{where}: {value!r} is not a date written YYYY-MM-DD")
        return None


def _fields(value: Any, where: str, errors: list[str]) -> frozenset[str]:
    if not isinstance(value, dict) or not value:
        errors.append(f"{where}: must map dataset names to lists of fields")
        return frozenset()
    result: set[str] = set()
    for dataset, fields in value.items():
        known = DATASETS.get(dataset)
        if known is None:
            errors.append(f"{where}: unknown dataset {dataset!r}")
            continue
        if not isinstance(fields, list) or not fields:
            errors.append(f"{where}.{dataset}: must be a non-empty list of field names")
            continue
        for field in fields:
            if not isinstance(field, str) or field not in known.fields:
                errors.append(f"{where}.{dataset}: unknown field {field!r}")
            else:
                result.add(f"{dataset}.{field}")
    return frozenset(result)


def _string(entry: Mapping[str, Any], key: str, where: str, errors: list[str]) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{where}.{key}: must be a non-empty string")
        return ""
    return value


def _konsument(value: str, where: str, errors: list[str]) -> None:
    if _ORGFORM.match(value):
        return
    try:
        parse_organisasjonsnummer(value)
    except InvalidIdentifier as error:
        errors.append(
            f"{where}.konsument: {value!r} is neither an organisasjonsnummer ({error.message}) "
            "nor a class written orgform:<KODE>"
        )


def parse_entry(entry: Any, where: str, errors: list[str], kilde: str = "") -> Hjemmel | None:
    """One entry of a file, validated; None (and ``errors`` extended) if invalid."""
    if not isinstance(entry, dict):
        errors.append(f"{where}: must be an object")
        return None
    before = len(errors)
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        errors.append(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        errors.append(f"{where}: missing field(s) {', '.join(missing)}")
        return None
    ident = _string(entry, "id", where, errors)
    if ident and not _ID.match(ident):
        errors.append(f"{where}.id: {ident!r} must be lower-case words joined by '-'")
    where = f"{where} ({ident})" if ident else where
    beskrivelse = _string(entry, "beskrivelse", where, errors)
    konsument = _string(entry, "konsument", where, errors)
    if konsument:
        _konsument(konsument, where, errors)
    formaal = _string(entry, "formaal", where, errors)
    if formaal and not _PURPOSE.match(formaal):
        errors.append(f"{where}.formaal: {formaal!r} must be a lower-case code (a-z, 0-9, -)")
    lov = _string(entry, "lov", where, errors)
    if lov and not _LOVDATA.match(lov):
        errors.append(
            f"{where}.lov: {lov!r} is not a lovdata.no address "
            "(https://lovdata.no/lov/YYYY-MM-DD-N[/§N] or /forskrift/...)"
        )
    fields = _fields(entry.get("data"), f"{where}.data", errors)
    gyldig_fra = _date(entry.get("gyldigFra"), f"{where}.gyldigFra", errors)
    gyldig_til = None
    if entry.get("gyldigTil") is not None:
        gyldig_til = _date(entry["gyldigTil"], f"{where}.gyldigTil", errors)
        if gyldig_fra and gyldig_til and gyldig_til < gyldig_fra:
            errors.append(f"{where}.gyldigTil: is before gyldigFra")
    relasjon = entry.get("subjektrelasjon")
    if relasjon is not None and relasjon not in RELATIONS:
        errors.append(f"{where}.subjektrelasjon: must be one of {', '.join(RELATIONS)}")
    beskyttelse = entry.get("adressebeskyttelse", [])
    if not isinstance(beskyttelse, list) or any(b not in PROTECTED_LEVELS for b in beskyttelse):
        errors.append(
            f"{where}.adressebeskyttelse: must be a list of {', '.join(PROTECTED_LEVELS)}"
        )
        beskyttelse = []
    nivaa = entry.get("sikkerhetsnivaa", "idporten-loa-substantial")
    if nivaa not in ACR_LEVELS:
        errors.append(f"{where}.sikkerhetsnivaa: must be one of {', '.join(ACR_LEVELS)}")
    scope = entry.get("scope")
    if scope is not None and (not isinstance(scope, str) or not _SCOPE.match(scope)):
        errors.append(f"{where}.scope: {scope!r} is not a Maskinporten scope (prefix:name)")
    for key in ("lovnavn", "merknad"):
        if key in entry and not isinstance(entry[key], str):
            errors.append(f"{where}.{key}: must be a string")
    if len(errors) > before or gyldig_fra is None:
        return None
    return Hjemmel(
        id=ident,
        beskrivelse=beskrivelse,
        konsument=konsument,
        formaal=formaal,
        lov=lov,
        fields=fields,
        gyldig_fra=gyldig_fra,
        gyldig_til=gyldig_til,
        subjektrelasjon=relasjon,
        adressebeskyttelse=frozenset(beskyttelse),
        sikkerhetsnivaa=nivaa,
        scope=scope,
        lovnavn=entry.get("lovnavn"),
        kilde=kilde,
    )


def parse_documents(documents: Iterable[tuple[str, Any]]) -> tuple[Hjemmel, ...]:
    """Validate parsed files (name, JSON value); HjemmelError lists every problem."""
    errors: list[str] = []
    hjemler: list[Hjemmel] = []
    seen: dict[str, str] = {}
    for name, document in documents:
        if not isinstance(document, dict) or set(document) - {"hjemler", "merknad"}:
            errors.append(f"{name}: must be an object with 'hjemler' (and optionally 'merknad')")
            continue
        entries = document.get("hjemler")
        if not isinstance(entries, list):
            errors.append(f"{name}: 'hjemler' must be a list")
            continue
        for index, entry in enumerate(entries):
            hjemmel = parse_entry(entry, f"{name}: hjemler[{index}]", errors, kilde=name)
            if hjemmel is None:
                continue
            if hjemmel.id in seen:
                errors.append(
                    f"{name}: hjemler[{index}]: duplicate id {hjemmel.id!r} "
                    f"(also in {seen[hjemmel.id]})"
                )
                continue
            seen[hjemmel.id] = name
            hjemler.append(hjemmel)
    if errors:
        raise HjemmelError(errors)
    return tuple(sorted(hjemler, key=lambda h: h.id))


def load_hjemler(directory: Path = HJEMLER_DIR) -> tuple[Hjemmel, ...]:
    """Every legal basis in the folder's ``*.json`` files, validated."""
    documents: list[tuple[str, Any]] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.json")):
        try:
            documents.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            errors.append(f"{path.name}: not valid JSON ({error})")
    if errors:
        raise HjemmelError(errors)
    return parse_documents(documents)


@cache
def get_hjemler() -> tuple[Hjemmel, ...]:
    """The register shipped with felles, loaded and validated once per process."""
    return load_hjemler()


def by_id(hjemler: Iterable[Hjemmel]) -> dict[str, Hjemmel]:
    return {hjemmel.id: hjemmel for hjemmel in hjemler}
