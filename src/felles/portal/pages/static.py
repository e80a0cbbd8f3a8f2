"""The portal's own static files (its stylesheet) and the vendored front-end packages
(``static/vendor/``, copied from npm by ``make``), served from the portal's router."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, PlainTextResponse, Response

router = APIRouter(include_in_schema=False)
ROOT: Final = (Path(__file__).parent.parent / "static").resolve()
TYPES: Final = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@router.get("/minside/static/{path:path}")
def static(path: str) -> Response:
    target = (ROOT / path).resolve()
    if not target.is_relative_to(ROOT) or target.suffix not in TYPES or not target.is_file():
        return PlainTextResponse("Not found", status_code=404)
    return FileResponse(
        target,
        media_type=TYPES[target.suffix],
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
