"""JSON responses in the eHOKS shapes, serialised with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse, Response


class OrjsonResponse(JSONResponse):
    # A JSONResponse, so that FastAPI documents its routes as JSON (a plain Response subclass is
    # documented as a string); only the serialiser differs.

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def envelope(
    data: Any,
    *,
    meta: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> OrjsonResponse:
    """The ``{"meta": …, "data": …}`` envelope of reference 2.2."""
    return OrjsonResponse({"meta": meta or {}, "data": data}, status_code, headers)


def encoded(body: bytes, headers: dict[str, str] | None = None) -> Response:
    """A 200 whose JSON is already bytes (``hoks.service.reading.body_of``)."""
    return Response(body, 200, headers, media_type="application/json")


def no_content(headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=204, headers=headers)
