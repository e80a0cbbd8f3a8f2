"""HTTP API of this registry (no endpoints yet)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
