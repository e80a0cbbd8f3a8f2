"""Data products over Enhetsregisteret, loaded through its query functions."""

from __future__ import annotations

from typing import Final

from felles.sharing.product import Product

PRODUCTS: Final[tuple[Product, ...]] = ()
