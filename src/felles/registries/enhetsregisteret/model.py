"""Tables of this registry (none yet)."""

from __future__ import annotations
