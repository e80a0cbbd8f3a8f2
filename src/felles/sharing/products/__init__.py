"""The data products the distributor serves, by name (see ``felles.sharing.product``).

Each module declares its registry's products; this one collects them and checks, at import,
that every personal-data product's fields are exactly its dataset's fields in
``felles.access.datasets`` (what legal bases and consents are written against).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from felles.access.datasets import DATASETS
from felles.kernel.errors import NotFound
from felles.sharing.product import LANGUAGES, Product
from felles.sharing.products import arbeid, eiendom, enhetsregister, folkeregister, krr, skatt

_PRODUCTS: Final[tuple[Product, ...]] = (
    *folkeregister.PRODUCTS,
    *krr.PRODUCTS,
    *arbeid.PRODUCTS,
    *skatt.PRODUCTS,
    *eiendom.PRODUCTS,
    *enhetsregister.PRODUCTS,
)


def _check(products: tuple[Product, ...]) -> None:
    names = [product.name for product in products]
    if len(names) != len(set(names)):
        raise ValueError(f"data products declared twice: {sorted(names)}")
    for product in products:
        for texts in (product.title, product.description, *(f.description for f in product.fields)):
            if set(texts) != set(LANGUAGES):
                raise ValueError(f"{product.name}: texts need exactly {LANGUAGES}")
        if product.sensitivity == "open":
            continue
        dataset = DATASETS.get(product.name)
        if dataset is None:
            raise ValueError(f"{product.name}: personal data needs a dataset in access.datasets")
        if set(product.field_names) != set(dataset.fields):
            raise ValueError(
                f"{product.name}: fields {sorted(product.field_names)} differ from the "
                f"dataset's {sorted(dataset.fields)}"
            )


_check(_PRODUCTS)
PRODUCTS: Final[Mapping[str, Product]] = {product.name: product for product in _PRODUCTS}


def get_product_or_raise(name: str) -> Product:
    """The product called ``name``; NotFound (404) if there is none."""
    product = PRODUCTS.get(name)
    if product is None:
        raise NotFound(f"There is no data product called {name!r}", produkt=name)
    return product
