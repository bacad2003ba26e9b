"""Rendering pages: one Jinja2 environment per application, the base layout, and the CSRF
token every form carries.

Forms before login (e-mail, one-time code) are protected by a double-submit token: a random
value in a ``__Host-`` cookie that the form must echo. After login the session's own token is
used (``api.deps.check_csrf``).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ehoks.access.errors import CsrfRejected
from ehoks.auth.sessions import CSRF_COOKIE_NAME

TEMPLATES = Path(__file__).parent / "templates"
_TEMPLATE_DIRS: list[Path] = [TEMPLATES]


def environment(extra_dirs: list[Path] | None = None) -> Environment:
    return Environment(
        loader=FileSystemLoader([*(extra_dirs or []), *_TEMPLATE_DIRS]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def csrf_token_for(request: Request) -> str:
    """The token forms on this page must carry: the session's after login, otherwise the
    double-submit cookie's (made here when absent and set by ``page``)."""
    logged_in = getattr(request.state, "logged_in", None)
    if logged_in is not None:
        token: str = logged_in.csrf_token
        return token
    existing = request.cookies.get(CSRF_COOKIE_NAME) or getattr(request.state, "new_csrf", None)
    if existing:
        return str(existing)
    token = secrets.token_urlsafe(32)
    request.state.new_csrf = token
    return token


def page(
    request: Request,
    env: Environment,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    secure_cookies: bool = True,
) -> HTMLResponse:
    """Render a page; pages are never cached (they hold personal data)."""
    csrf = csrf_token_for(request)
    html = env.get_template(template).render(
        {
            "request": request,
            "csrf_token": csrf,
            "logged_in": getattr(request.state, "logged_in", None),
            **(context or {}),
        }
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(
            CSRF_COOKIE_NAME, new, httponly=True, secure=secure_cookies, samesite="strict", path="/"
        )
    return response


def check_form_csrf(request: Request, form_token: str | None) -> None:
    """Forms before login: the field must equal the double-submit cookie."""
    cookie = request.cookies.get(CSRF_COOKIE_NAME) or ""
    given = form_token or ""
    if not cookie or not secrets.compare_digest(cookie.encode(), given.encode()):
        raise CsrfRejected()
