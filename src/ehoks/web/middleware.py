"""What every response gets: the request's language (remembered in a cookie when the user picks
one) and security headers — on every answer, the JSON API's included, ``nosniff``, no framing,
no referrer to other sites and ``no-store`` (answers carry personal data; only the static files
may be cached); on our pages also the content security policy.

A plain ASGI middleware: it costs an API request one look at its headers and nothing more.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ehoks.web import i18n

# Scripts and styles only from our own files (no inline code), no framing, no plug-ins, forms
# post only back to us.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Every answer, whatever its type (the API's JSON, the API documentation, static files).
COMMON_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
PAGE_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
# A JSON (or CSV, PDF) answer is never a document that loads anything or may be framed.
API_HEADERS = ((b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),)
NO_STORE = (b"cache-control", b"no-store")
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


class WebMiddleware:
    """Sets ``request.state.lang``; adds the security headers to every answer: the page
    headers to HTML outside ``exempt_prefixes`` (the API documentation runs its own inline
    script, so it gets no content security policy), ``no-store`` unless the answer set its own
    ``Cache-Control`` or is under ``cacheable_prefixes`` (static files)."""

    def __init__(
        self,
        app: ASGIApp,
        exempt_prefixes: tuple[str, ...] = (),
        cacheable_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.exempt = exempt_prefixes
        self.cacheable = cacheable_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [None])[0]
        asked = asked if asked in i18n.LANGUAGES else None
        cookie = _cookie(headers.get("cookie", ""), i18n.LANGUAGE_COOKIE)
        lang = i18n.choose_language(asked, cookie, headers.get("accept-language"))
        scope.setdefault("state", {})["lang"] = lang
        path = scope["path"]
        exempt = path.startswith(self.exempt) if self.exempt else False
        cacheable = path.startswith(self.cacheable) if self.cacheable else False
        remember = asked is not None and asked != cookie

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {k.lower() for k, _ in raw}
                content_type = next((v for k, v in raw if k.lower() == b"content-type"), b"")
                added = list(COMMON_HEADERS)
                if content_type.startswith(b"text/html"):
                    if not exempt:
                        added.extend(PAGE_HEADERS)
                        raw.append((b"vary", b"Accept-Language, Cookie"))
                elif not cacheable:
                    added.extend(API_HEADERS)
                if not cacheable:
                    added.append(NO_STORE)
                raw.extend((k, v) for k, v in added if k not in present)
                if remember:
                    raw.append((b"set-cookie", _language_cookie(lang)))
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookie(header: str, name: str) -> str | None:
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header only means no remembered language
        return None
    morsel: Any = jar.get(name)
    return morsel.value if morsel is not None else None


def _language_cookie(lang: str) -> bytes:
    return (
        f"{i18n.LANGUAGE_COOKIE}={lang}; Max-Age={LANGUAGE_COOKIE_AGE}; Path=/; SameSite=Lax"
    ).encode()
