"""Tables of this block (being built)."""

from __future__ import annotations
