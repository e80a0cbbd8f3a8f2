"""Handing a letter to a digital mailbox provider (Digipost, e-Boks): the adapter interface.

felles makes no network calls to providers. The default adapter records the hand-over and
returns a receipt (a reference); a real one would send the letter through the provider's
interface (in Norway: the sikker digital post infrastructure) and return its message id.
Whatever the adapter, the delivery is stored as a ``post_leveranse`` row in the sending
unit of work, so a rolled-back send leaves no delivery row.
"""

from __future__ import annotations

import uuid
from typing import Protocol


class ProviderAdapter(Protocol):
    def deliver(
        self, *, letter_id: str, provider_orgnr: str, mailbox_address: str
    ) -> dict[str, str]:
        """Hand the letter over; return a receipt with no content (e.g. a reference)."""
        ...


class RecordingAdapter:
    """The default: no network; the receipt is a fresh reference."""

    def deliver(
        self, *, letter_id: str, provider_orgnr: str, mailbox_address: str
    ) -> dict[str, str]:
        return {"referanse": str(uuid.uuid4()), "leverandoer": provider_orgnr}


_adapter: ProviderAdapter = RecordingAdapter()


def provider_adapter() -> ProviderAdapter:
    return _adapter


def use_provider_adapter(adapter: ProviderAdapter) -> ProviderAdapter:
    """Install ``adapter`` (a deployment's, or a test's); returns the one it replaces."""
    global _adapter
    previous, _adapter = _adapter, adapter
    return previous
