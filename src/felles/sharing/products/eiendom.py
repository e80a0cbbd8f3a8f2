"""Data products over eiendom: declared here, loaded through the registry's query functions."""

from __future__ import annotations

from typing import Final

from felles.sharing.product import Product

PRODUCTS: Final[tuple[Product, ...]] = ()
