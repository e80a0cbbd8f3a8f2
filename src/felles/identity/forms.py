"""Form posts (``application/x-www-form-urlencoded``) read from the body the kernel has read.

FastAPI's ``Form`` parameters consume the request stream before the application-wide
dependency that refuses NUL characters reads the body, so identity reads its forms itself
and documents them with ``form_body``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from felles.kernel.errors import InvalidInput

FORM = "application/x-www-form-urlencoded"
Form = dict[str, str | None]


def form_body(fields: Mapping[str, int], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """``openapi_extra`` documenting a form of string fields with their maximum lengths."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: {"type": "string", "maxLength": n} for name, n in fields.items()},
    }
    if required:
        schema["required"] = list(required)
    return {"requestBody": {"required": bool(required), "content": {FORM: {"schema": schema}}}}


def form_reader(
    fields: Mapping[str, int], required: tuple[str, ...] = ()
) -> Callable[[Request], Awaitable[Form]]:
    """A dependency giving the form's fields (None when absent); 422 when one is too long,
    required and missing, or the body is not a form."""

    async def read(request: Request) -> Form:
        body = await request.body()
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if body and media != FORM:
            raise InvalidInput(f"The body must be {FORM}")
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput("The form cannot be read as UTF-8") from None
        values: Form = dict.fromkeys(fields)
        for name, value in pairs:
            if name in fields:
                if len(value) > fields[name]:
                    raise InvalidInput(f"{name}: at most {fields[name]} characters")
                values[name] = value
        missing = [name for name in required if values[name] is None]
        if missing:
            raise InvalidInput(f"Missing form fields: {', '.join(missing)}")
        return values

    return read
