"""The portal's router: every page of Min side under ``/minside`` (HTML, not in the OpenAPI
document) and its static files. ``felles.app`` includes it."""

from __future__ import annotations

from fastapi import APIRouter

from felles.portal import i18n
from felles.portal.pages import (
    cases,
    consents,
    fullmakter,
    inbox,
    innsyn,
    journeys,
    login,
    mydata,
    overview,
    static,
)

i18n.load_all()  # a broken catalog stops the start, not a page view

router = APIRouter()
for module in (
    static,
    login,
    overview,
    inbox,
    journeys,
    mydata,
    cases,
    consents,
    fullmakter,
    innsyn,
):
    router.include_router(module.router)
