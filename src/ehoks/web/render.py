"""Rendering pages: one Jinja2 environment per language (built on first use), the base layout's
context, and the CSRF token every form carries.

Forms before login (e-mail, one-time code, development login) are protected by a double-submit
token: a random value in a ``__Host-`` cookie that the form must echo. After login the session's
own token is used (``auth.people.check_csrf``).
"""

from __future__ import annotations

import functools
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

from ehoks.access.errors import CsrfRejected
from ehoks.auth.sessions import CSRF_COOKIE_NAME
from ehoks.kernel.ids import new_token
from ehoks.web import i18n

TEMPLATES = Path(__file__).parent / "templates"
STATIC_PATH = "/ehoks/static"


@functools.cache
def environment(lang: str) -> Environment:
    """The templates with ``lang``'s catalogue installed and the locale's formatting filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        # Optional HOKS fields are often absent: a missing value renders as nothing.
        undefined=ChainableUndefined,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        day=lambda value: i18n.format_day(value, lang),
        moment=lambda value: i18n.format_moment(value, lang),
        number=lambda value: i18n.format_number(value, lang),
        text=lambda value: i18n.text_in(value, lang),
    )
    env.globals.update(lang=lang, static=STATIC_PATH)
    return env


def language_of(request: Request) -> str:
    lang = getattr(request.state, "lang", None)
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def gettext(request: Request, message: str) -> str:
    """``message`` translated into the request's language (for the few texts built in Python,
    such as an e-mail subject or a download's file name)."""
    return str(i18n.translations(language_of(request)).gettext(message))


def language_links(request: Request) -> list[dict[str, str]]:
    """Links that show the same page in each language (the page keeps its other parameters)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    links = []
    for code in i18n.LANGUAGES:
        query = urlencode([*params, ("lang", code)])
        links.append({"code": code, "name": i18n.LANGUAGE_NAMES[code], "url": f"?{query}"})
    return links


def return_path(request: Request) -> str:
    """This page's own address, for "log in and come back here"."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    return request.url.path + (f"?{query}" if query else "")


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
    token = new_token()
    request.state.new_csrf = token
    return token


def render(request: Request, template: str, context: dict[str, Any] | None = None) -> str:
    lang = language_of(request)
    settings = getattr(getattr(request.app.state, "ehoks", None), "settings", None)
    return (
        environment(lang)
        .get_template(template)
        .render(
            {
                "request": request,
                "csrf_token": csrf_token_for(request),
                "logged_in": getattr(request.state, "logged_in", None),
                "language_links": language_links(request),
                "return_path": return_path(request),
                "development": settings is not None
                and settings.environment in ("development", "test"),
                "dev_login": settings is not None and settings.dev_login,
                "mail_catcher": settings is not None and settings.mail_catcher.enabled,
                **(context or {}),
            }
        )
    )


def page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page; pages are never cached (they hold personal data)."""
    response = HTMLResponse(
        render(request, template, context), status_code=status_code, headers=headers
    )
    response.headers["Cache-Control"] = "no-store"
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(
            CSRF_COOKIE_NAME,
            new,
            httponly=True,
            secure=_secure_cookies(request),
            samesite="strict",
            path="/",
        )
    return response


def _secure_cookies(request: Request) -> bool:
    state = getattr(request.app.state, "ehoks", None)
    return True if state is None else bool(state.settings.session.cookie_secure)


def check_form_csrf(request: Request, form_token: str | None) -> None:
    """Forms before login: the field must equal the double-submit cookie."""
    cookie = request.cookies.get(CSRF_COOKIE_NAME) or ""
    given = form_token or ""
    if not cookie or not secrets.compare_digest(cookie.encode(), given.encode()):
        raise CsrfRejected()
