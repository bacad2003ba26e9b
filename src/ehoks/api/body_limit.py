"""The request body size limit (``EHOKS_LIMITS__MAX_BODY_BYTES``), enforced while the body is
read: a body larger than the limit is never held in memory, let alone stored.

A pure ASGI middleware wraps ``receive``: it counts the bytes as they arrive and raises
``BodyTooLarge`` (413) the moment the count passes the limit; a ``Content-Length`` above the
limit is refused at the first read, before a byte of the body is taken. The exception reaches
the route's reader (``request.body()``, ``request.form()``, FastAPI's own body parsing, which
lets an ``HTTPException`` through), so the error handlers render it on either surface — JSON
for the API, a page for people — naming the limit. A route that reads no body answers as
usual and its body is never read.

FastAPI's own ``max_body_size`` was not used: when the ``Content-Length`` is too large it
replaces whatever the application answers with a bare ``Content Too Large`` text.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"Request body too large: the limit is {limit} bytes "
            f"(EHOKS_LIMITS__MAX_BODY_BYTES). Nothing was saved.",
        )
        self.limit = limit


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = _content_length(scope)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
