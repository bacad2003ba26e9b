"""Render errors as JSON for the API surface (one hierarchy, reference 2.4–2.5 shapes), and hand
the people's pages to the HTML surface's renderer (``PageErrors``) so they never see JSON."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from ehoks.api.responses import OrjsonResponse
from ehoks.errors import EhoksError

log = logging.getLogger("ehoks.api")

PARAM_LOCATIONS = {
    "query": "query-params",
    "path": "route-params",
    "header": "header-params",
    "body": "body-params",
}


@dataclass(frozen=True)
class PageErrors:
    """How the HTML surface answers: which requests are for pages, and their error page."""

    is_page: Callable[[Request], bool]
    render: Callable[[Request, int, Exception | None], Response]


@dataclass(frozen=True)
class RouteMethods:
    """The methods each path of the application answers, for the ``Allow`` header of a 405.

    The router names only the methods of the first route whose path matched, while a path often
    has several routes (GET, PUT and PATCH of ``/hoks/{hoks_id}`` are three)."""

    routes: tuple[tuple[re.Pattern[str], frozenset[str]], ...]

    @classmethod
    def of(cls, routes: Iterable[tuple[str, Collection[str] | None]]) -> RouteMethods:
        return cls(
            tuple(
                (compile_path(path)[0], frozenset(methods))
                for path, methods in routes
                if methods  # mounts (static files, documentation) answer every method
            )
        )

    def allowed(self, path: str) -> str:
        methods: set[str] = set()
        for regex, answered in self.routes:
            if regex.match(path):
                methods |= answered
        return ", ".join(sorted(methods))


def _allow_header(request: Request, exc: StarletteHTTPException) -> dict[str, str]:
    known: RouteMethods | None = getattr(request.app.state, "route_methods", None)
    allowed = known.allowed(request.url.path) if known is not None else ""
    if allowed:
        return {"Allow": allowed}
    return dict(exc.headers or {})


def install_error_handlers(app: FastAPI, pages: PageErrors | None = None) -> None:
    def as_page(request: Request, status: int, exc: Exception | None) -> Response | None:
        if pages is None or not pages.is_page(request):
            return None
        try:
            return pages.render(request, status, exc)
        except Exception:  # an error page that fails must not hide the original error
            log.exception("could not render the error page")
            return None

    @app.exception_handler(EhoksError)
    async def _ehoks_error(request: Request, exc: EhoksError) -> Response:
        if exc.status_code >= 500 and exc.status_code != 503:
            log.error("request failed: %s", exc.detail)
        return as_page(request, exc.status_code, exc) or OrjsonResponse(
            exc.body(), exc.status_code, exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _request_validation(request: Request, exc: RequestValidationError) -> Response:
        return as_page(request, 400, exc) or OrjsonResponse(parameter_errors(exc.errors()), 400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            # Every 405 names what the path does answer (RFC 9110 section 15.5.6).
            headers = _allow_header(request, exc)
            page = as_page(request, 405, None)
            response = page or OrjsonResponse({"reason": "Method not allowed"}, 405)
            response.headers.update(headers)
            return response
        page = as_page(request, exc.status_code, None)
        if page is not None:
            return page
        if exc.status_code == 404:
            return OrjsonResponse({"reason": "Route not found"}, 404)
        return OrjsonResponse({"error": str(exc.detail)}, exc.status_code)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_unavailable(request: Request, exc: Exception) -> Response:
        # The transaction was rolled back (or never started): nothing of the request was saved.
        log.error("database unavailable: %s", exc)
        return as_page(request, 503, None) or OrjsonResponse(
            {"error": "Database unavailable. Nothing was saved; try again shortly."},
            503,
            {"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error", exc_info=exc)
        return as_page(request, 500, None) or OrjsonResponse(
            {"type": "unknown-exception", "class": type(exc).__name__}, 500
        )


def parameter_errors(errors: Any) -> dict[str, Any]:
    """FastAPI's parameter errors in the eHOKS 400 shape: ``errors`` keyed by parameter."""
    tree: dict[str, Any] = {}
    problems = []
    where = "query-params"
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = PARAM_LOCATIONS.get(loc[0], where) if loc else where
        name = loc[1] if len(loc) > 1 else (loc[0] if loc else "")
        message = "missing-required-key" if error.get("type") == "missing" else error.get("msg")
        tree[name] = message
        problems.append({"path": name, "message": str(message)})
    return {
        "type": "compojure.api.exception/request-validation",
        "coercion": "schema",
        "in": ["request", where],
        "errors": tree,
        "problems": problems,
    }
