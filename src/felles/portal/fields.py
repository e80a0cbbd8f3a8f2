"""Names of data for people: a dotted field name (``skatt.skatteoppgjoer.sammendrag.inntekt``)
as the product that holds it describes it, with the product's title."""

from __future__ import annotations

from felles.sharing.products import PRODUCTS


def label(full_name: str, lang: str) -> str:
    dataset, _, name = full_name.rpartition(".")
    product = PRODUCTS.get(dataset)
    if product is None:
        return full_name
    if name not in product.field_names:
        return full_name
    # A field's own description is a paragraph; its name is the register's short term.
    return f"{product.title.get(lang, dataset)}: {name}"


def dataset_title(dataset: str, lang: str) -> str:
    product = PRODUCTS.get(dataset)
    return product.title.get(lang, dataset) if product is not None else dataset
