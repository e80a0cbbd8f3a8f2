"""What a data product is: a named, versioned, documented view over registries.

A product's name is the dataset name the access block decides on (``felles.access.datasets``):
legal bases, consents and the access log speak of the same names the distributor serves, so a
field's full name (``<product>.<field>``) means the same thing everywhere. A personal-data
product's fields must be exactly its dataset's fields (checked when the products are loaded).

A product reads its registries through their own query functions (``load``), never their
tables; it answers for many subjects at once so that a batch costs a few queries, not a few per
subject. Products are declared in ``felles.sharing.products``, not in handlers, so the catalog
can describe them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy.orm import Session

#: open: public data (no decision, nothing logged); personal: personal data (decided and
#: logged); sensitive: special categories (GDPR art. 9; a person needs assurance level high).
Sensitivity = Literal["open", "personal", "sensitive"]
SubjectKind = Literal["person", "organisation"]
#: Text in bokmål, nynorsk and English: {"nb": ..., "nn": ..., "en": ...}.
Texts = Mapping[str, str]
LANGUAGES: Final = ("nb", "nn", "en")

#: ``load(session, subjects, at)``: each known subject's values, {subject: {field: value}},
#: every field of the product present (None when the registry holds nothing); unknown
#: subjects are left out. ``subjects`` are identifiers as given (fnr/D-number or orgnr); the
#: answer is keyed by the same strings.
Loader = Callable[[Session, Sequence[str], datetime], Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True, slots=True)
class ProductField:
    """One field that can be released on its own: its JSON schema and what it means."""

    name: str
    schema: Mapping[str, Any]
    description: Texts


@dataclass(frozen=True, slots=True)
class Product:
    """A data product: identity, documentation, ownership, sensitivity, fields and loader."""

    name: str
    version: str
    title: Texts
    description: Texts
    owner_orgnr: str
    owner_name: str
    subject: SubjectKind
    sensitivity: Sensitivity
    fields: tuple[ProductField, ...]
    load: Loader = field(repr=False, compare=False)
    #: CloudEvents ``type`` prefixes of the registry events that change this product's data
    #: (the event's ``subject`` is the subject that changed).
    changed_by: tuple[str, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def full_name(self, field_name: str) -> str:
        """A field's full name as legal bases, consents and the access log write it."""
        return f"{self.name}.{field_name}"

    def json_schema(self) -> dict[str, Any]:
        """JSON Schema (2020-12) of the product's ``data`` object; every member optional,
        since only the permitted fields are released."""
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:felles:datafordeler:{self.name}:{self.version}",
            "title": self.title["en"],
            "description": self.description["en"],
            "type": "object",
            "properties": {
                f.name: dict(f.schema) | {"description": f.description["en"]} for f in self.fields
            },
            "additionalProperties": False,
        }
