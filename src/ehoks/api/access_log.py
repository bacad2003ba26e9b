"""The access log: one JSON line per request to the ``ehoks.access`` logger (reference 7.2),
without the secrets the original wrote there.

Kept: time, status, method, path, query, duration, caller-id, user agent, remote and forwarded
addresses, request id. Left out or masked: the session cookie (the original logged its value),
login-link tokens in paths, and CAS tickets, OpenID codes and states in queries — each of them
would let a log reader take over a login; and personal data: person OIDs and e-mail addresses
in paths and queries, and the search terms typed to find a learner (the original logged them).
Request bodies are never logged.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ehoks.kernel.ids import new_uuid
from ehoks.logsafe import redact

log = logging.getLogger("ehoks.access")

SECRET_QUERY_KEYS = frozenset({"ticket", "code", "state", "logout_token", "token"})
# Free text a person types to find a learner: a name, an address (personal data).
PERSONAL_QUERY_KEYS = frozenset({"nimi", "haku", "hakusana", "sahkoposti", "q"})
_SECRET_PATHS = re.compile(r"^(/ehoks/sahkoposti/)[^/]+")
MASK = "…"


def redact_path(path: str) -> str:
    """Login-link tokens, person OIDs and e-mail addresses masked (the request id leads to
    the audit trail, which names the learner)."""
    return redact(_SECRET_PATHS.sub(rf"\g<1>{MASK}", path))


def redact_query(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    masked = SECRET_QUERY_KEYS | PERSONAL_QUERY_KEYS
    return urlencode([(k, MASK if k.lower() in masked else redact(v)) for k, v in pairs])


class AccessLogMiddleware:
    """Pure ASGI (no per-request task or body buffering), so it costs microseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        request_id = headers.get("x-request-id", "")[:64] or new_uuid()
        if "x-request-id" not in headers:
            # The same id reaches the audit trail (context.request.trail_of) and the response.
            scope["headers"] = [*scope["headers"], (b"x-request-id", request_id.encode())]
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if log.isEnabledFor(logging.INFO):
                log.info(_line(scope, headers, status, started, request_id))


def _line(
    scope: Scope, headers: dict[str, str], status: int, started: float, request_id: str
) -> str:
    client = scope.get("client")
    entry: dict[str, Any] = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "response-code": status,
        "request-method": scope["method"],
        "path": redact_path(scope["path"]),
        "query": redact_query(scope.get("query_string", b"").decode("latin-1")),
        "response-time": round((time.perf_counter() - started) * 1000, 1),
        "caller-id": headers.get("caller-id"),
        "user-agent": headers.get("user-agent"),
        "x-forwarded-for": headers.get("x-forwarded-for"),
        "remote-ip": client[0] if client else None,
        "request-id": request_id,
    }
    return orjson.dumps({k: v for k, v in entry.items() if v not in (None, "")}).decode()
