"""Errors on the HTML surface: a page in the user's language that says what happened and what to
do next, never a JSON body. The JSON API keeps its own rendering (``api.errors``); which of the
two answers is decided by ``is_page_request``.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from ehoks.access.errors import CsrfRejected
from ehoks.errors import EhoksError
from ehoks.ratelimit.errors import RateLimited
from ehoks.web.render import page

# Addresses of the services' JSON APIs: their errors stay JSON whatever the client accepts.
API_PREFIXES = ("/ehoks-virkailija-backend", "/ehoks-oppija-backend", "/oauth2")
# Addresses of the people's pages (the existing apps' paths, kept for bookmarks).
PAGE_PREFIXES = ("/ehoks", "/ehoks-virkailija-ui", "/ehoks-tyopaikantoimija-ui")
KNOWN_STATUSES = frozenset({400, 401, 403, 404, 405, 409, 410, 412, 413, 422, 429, 500, 503})


def is_page_request(request: Request) -> bool:
    path = request.url.path
    if path.startswith(API_PREFIXES):
        return False
    if path == "/" or path.startswith(PAGE_PREFIXES):
        return True
    return "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status_code: int, error: Exception | None = None) -> HTMLResponse:
    """The error page for ``status_code``. A session's end (401) offers the logins, each
    bringing the user back to the page they were on."""
    shown = status_code if status_code in KNOWN_STATUSES else (500 if status_code >= 500 else 400)
    headers = dict(error.headers) if isinstance(error, EhoksError) else {}
    headers.pop("WWW-Authenticate", None)
    context = {
        "status": shown,
        "reason": "csrf" if isinstance(error, CsrfRejected) else None,
        "back_to": request.url.path if request.method == "GET" else None,
        # Whole minutes, rounded up: "try again in about 1 min" rather than "in 17 s".
        "retry_minutes": -(-error.retry_after // 60) if isinstance(error, RateLimited) else None,
    }
    return page(request, "errors/error.html", context, status_code=status_code, headers=headers)
