"""Prefill ("kun én gang"): a form's fields filled with what the public sector already knows.

A form names its fields, each by an id of the form's own, a data product and a path (``sti``)
into the product's value. ``prefill`` checks every field first (an unknown product or a path
that does not start with one of the product's fields is ``InvalidInput``, and nothing is
released), then runs the distributor's one path (``felles.sharing.release``) once per
product named, asking only for the product fields the paths start with, and writes the log
entries of all products in one go before answering. The decision, the minimisation and the
access log are therefore exactly those of direct reads: a field is filled only from data
released to the caller, and the log holds exactly what was released — all of it or, if the
log fails, none (503).

Paths (``sti``) are dot-separated components. The first is a field of the product (as
``GET /datafordeler/v1/produkter/{produkt}`` lists them). Each further component steps into
the field's value: on an object it names a member, on a list it is an index from 0 (digits
only). Examples: ``navn.fornavn``, ``bostedsadresse.vegadresse.adressenavn``,
``arbeidsforhold.0.arbeidsgiver.organisasjonsnummer``, ``konkurs.erKonkurs``. The value at the
end of the path is returned whole: a string, number or boolean, or an object or list.

A field is ``utfylt`` (filled) with its value, its source (product, version, owner) and the
basis the distributor cites for the product field it came from; otherwise it is
``maa-fylles-ut`` (the person must fill it in) with a reason (``grunn``): the decision point's
code for the field or the subject (``not-covered``, ``missing-scope``, ``protected-address``,
``assurance-too-low``, ``outside-delegation``, ``not-own-data``, ``not-representative``,
``unknown-subject`` …), or ``not-registered`` when the register holds no value at the path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from felles.access.decision import Principal
from felles.access.log.operations import LogEntry
from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput
from felles.sharing.product import Product
from felles.sharing.products import PRODUCTS
from felles.sharing.release import Basis, Outcome, Refused, prepare_release, write_log

MAX_FIELDS: Final = 200
MAX_PATH_LENGTH: Final = 300
MAX_PATH_DEPTH: Final = 12
#: The reason a field is not filled when its product field was released but holds nothing
#: at the path (the register has no value there).
NOT_REGISTERED: Final = "not-registered"

Status = Literal["utfylt", "maa-fylles-ut"]


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a form: the form's id for it, the product and the path into its value."""

    id: str
    produkt: str
    sti: str


@dataclass(frozen=True, slots=True)
class _Checked:
    field: FormField
    product: Product
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Filled:
    """One form field's answer: the value when filled, or the reason it is not."""

    id: str
    status: Status
    product: Product
    verdi: Any = None
    grunnlag: Basis | None = None
    grunn: str | None = None


@dataclass(frozen=True, slots=True)
class Prefilled:
    """Every field of the form, in the form's order, and the counts."""

    felter: tuple[Filled, ...]

    @property
    def gjenbrukt(self) -> int:
        return sum(1 for field in self.felter if field.status == "utfylt")

    @property
    def maa_fylles_ut(self) -> int:
        return len(self.felter) - self.gjenbrukt


def parse_path(sti: str) -> tuple[str, ...]:
    """The components of a path; InvalidInput (422) when it is empty, too long or deep, or
    has an empty component."""
    if not sti or len(sti) > MAX_PATH_LENGTH:
        raise InvalidInput(f"sti: between 1 and {MAX_PATH_LENGTH} characters")
    parts = tuple(sti.split("."))
    if len(parts) > MAX_PATH_DEPTH:
        raise InvalidInput(f"sti: at most {MAX_PATH_DEPTH} components")
    if any(not part or part != part.strip() for part in parts):
        raise InvalidInput(f"sti {sti[:100]!r}: components are non-empty and without spaces")
    return parts


def resolve(value: Any, steps: Sequence[str]) -> Any:
    """The value at ``steps`` inside ``value``, or None when the path leads nowhere."""
    current = value
    for step in steps:
        if isinstance(current, Mapping):
            current = current.get(step)
        elif isinstance(current, list) and step.isascii() and step.isdigit():
            index = int(step)
            current = current[index] if index < len(current) else None
        else:
            return None
        if current is None:
            return None
    return current


_KINDS: Final = {"person": "a person", "organisation": "an organisation"}


def _subject_kind(subject: str) -> str:
    """organisation for an organisasjonsnummer (9 digits), else person."""
    return "organisation" if len(subject) == 9 else "person"


def check_form(subject: str, fields: Sequence[FormField]) -> list[_Checked]:
    """Every field checked against the products; InvalidInput (422) for the first fault."""
    if not fields:
        raise InvalidInput("felter: name at least one field")
    if len(fields) > MAX_FIELDS:
        raise InvalidInput(f"felter: at most {MAX_FIELDS} fields")
    ids = [field.id for field in fields]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidInput(f"felter: the id {duplicates[0][:100]!r} is used twice")
    kind = _subject_kind(subject)
    checked: list[_Checked] = []
    for field in fields:
        product = PRODUCTS.get(field.produkt)
        if product is None:
            raise InvalidInput(
                f"felt {field.id[:100]!r}: there is no data product called {field.produkt[:100]!r}"
            )
        if product.subject != kind:
            raise InvalidInput(
                f"felt {field.id[:100]!r}: {product.name} is about {_KINDS[product.subject]}, "
                f"and the subject is {_KINDS[kind]}"
            )
        path = parse_path(field.sti)
        if path[0] not in product.field_names:
            raise InvalidInput(
                f"felt {field.id[:100]!r}: {product.name} has no field {path[0][:100]!r}",
                felter=list(product.field_names),
            )
        checked.append(_Checked(field, product, path))
    return checked


def _missing(item: _Checked, reason: str) -> Filled:
    return Filled(item.field.id, "maa-fylles-ut", item.product, grunn=reason)


def _basis_of(basis: Sequence[Basis], field: str) -> Basis | None:
    return next((b for b in basis if field in b.fields), None)


def prefill(
    database: Database,
    *,
    principal: Principal,
    subject: str,
    purpose: str,
    fields: Sequence[FormField],
    request_id: str,
    on_behalf_of: str | None = None,
) -> Prefilled:
    """The form's fields, filled where the caller may see the data; each product decided as
    a direct read, the log entries of all of them written at once before the answer, nothing
    released on invalid input."""
    if not purpose or not purpose.strip():
        raise InvalidInput("State the purpose (formaal) of the request")
    checked = check_form(subject, fields)
    by_product: dict[str, list[_Checked]] = {}
    for item in checked:
        by_product.setdefault(item.product.name, []).append(item)
    outcomes: dict[str, Outcome] = {}
    entries: list[LogEntry] = []
    for name, items in by_product.items():
        product = items[0].product
        wanted = {item.path[0] for item in items}
        prepared = prepare_release(
            database,
            principal=principal,
            product=product,
            subjects=[subject],
            purpose=purpose,
            request_id=request_id,
            fields=[f for f in product.field_names if f in wanted],
            on_behalf_of=on_behalf_of,
        )
        [outcome] = prepared.outcomes
        outcomes[name] = outcome
        entries.extend(prepared.entries)
    # One write for the whole form: either every product's release is logged or none.
    write_log(database, entries)
    return answer(checked, outcomes)


def answer(checked: Sequence[_Checked], outcomes: Mapping[str, Outcome]) -> Prefilled:
    """The form's answers from each product's outcome (by product name): a value with the
    basis it was released under, or why the person must fill the field in. Shared by
    ``prefill`` and callers that read through their own reader (a public service's letter)."""
    answers: list[Filled] = []
    for item in checked:
        head = item.path[0]
        outcome = outcomes[item.product.name]
        if isinstance(outcome, Refused):
            answers.append(_missing(item, outcome.withheld.get(head, outcome.code)))
        elif head not in outcome.data:
            answers.append(_missing(item, outcome.withheld.get(head, "not-covered")))
        else:
            value = resolve(outcome.data[head], item.path[1:])
            if value is None:
                answers.append(_missing(item, NOT_REGISTERED))
            else:
                basis = _basis_of(outcome.basis, head)
                answers.append(
                    Filled(item.field.id, "utfylt", item.product, verdi=value, grunnlag=basis)
                )
    return Prefilled(tuple(answers))
