"""HTTP API of the distributor's prefill (placeholder until built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
