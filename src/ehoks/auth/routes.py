"""Logging in and out: officials and students through CAS / CAS-oppija or OpenID Connect, the
development login, single logout, and the session endpoints of the original.

Every login makes a brand-new server-side session (never a pre-login one: session fixation) and
rotates the CSRF token; logout ends the session, "log out everywhere" every session of the
person, and single logout from CAS or the OpenID provider the sessions created from that login.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ehoks.access.actor import Actor
from ehoks.api import openapi_bodies as bodies
from ehoks.api.openapi import errors, ok
from ehoks.api.responses import OrjsonResponse, envelope
from ehoks.auth import revocation, sessions
from ehoks.auth import service as login
from ehoks.auth.cas import parse_logout_request
from ehoks.auth.errors import BadLogoutRequest
from ehoks.auth.logout_target import after_logout
from ehoks.auth.oidc import OidcClient
from ehoks.auth.people import CurrentSession, LoggedIn
from ehoks.context import UseCase
from ehoks.context.request import Context, State, context_of, source_address
from ehoks.errors import NotFound
from ehoks.kernel.clock import now_utc
from ehoks.ratelimit.service import Check
from ehoks.web.render import check_form_csrf, page

router = APIRouter(tags=["login"])
# The browser's steps under /ehoks (pages, redirects; errors answered as pages) belong to the
# HTML surface, as its other pages do: they are left out of the API document.
SIGNED_IN: dict[int | str, dict[str, Any]] = {
    303: {
        "description": "Logged in: a new session cookie, on to the user's start page or `paluu`",
        "headers": {"Location": {"schema": {"type": "string"}}},
    }
}
LOGGED_OUT: dict[int | str, dict[str, Any]] = {200: {"description": "Done (no body)"}}

VIRKAILIJA_CAS_CALLBACK = "/ehoks-virkailija-backend/cas-security-check"
OPPIJA_CAS_CALLBACK = "/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/"
Realm = Literal["virkailija", "oppija"]
# Where each kind of user lands after logging in: their own start page.
HOME = {
    "virkailija": "/ehoks-virkailija-ui/",
    "oppija": "/ehoks/suunnittelu",
    "sahkoposti": "/ehoks/tyopaikka/osat",
}
# The development login's groups, in this order (the page names them).
DEV_GROUPS = ("virkailija:oph", "virkailija:", "oppija:", "sahkoposti:")


class LoginNotOffered(NotFound):
    def __init__(self) -> None:
        super().__init__("This login is not in use here")


def _safe_return(value: str | None) -> str | None:
    """Only paths of this service: never an open redirect to another site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def start_session(
    request: Request,
    state: State,
    ctx: UseCase,
    actor: Actor,
    *,
    login_ref: str | None,
    protocol: str,
    to: str,
) -> RedirectResponse:
    """A new session for ``actor``; any session the browser had is ended first."""
    now = now_utc()
    trail = ctx.trail
    assert trail is not None
    trail.actor = actor

    def log_in(session: Session) -> sessions.NewSession:
        revocation.require_not_disabled(session, actor)
        old = request.cookies.get(sessions.COOKIE_NAME)
        if old:
            sessions.end(session, sessions.token_id(old))
        new = sessions.create(
            session, actor, settings=state.settings.session, now=now, login_ref=login_ref
        )
        trail.record(operation="login", details={"protocol": protocol})
        return new

    new = ctx.write(log_in)
    response = RedirectResponse(to, status_code=303)
    secure = state.settings.session.cookie_secure
    response.set_cookie(
        sessions.COOKIE_NAME, new.token, httponly=True, secure=secure, samesite="lax", path="/"
    )
    response.set_cookie(
        sessions.CSRF_COOKIE_NAME,
        new.csrf_token,
        httponly=True,
        secure=secure,
        samesite="strict",
        path="/",
    )
    return response


def limit_logins(request: Request, state: State) -> None:
    """Count a login step (its start or the identity provider's callback) against the
    per-address limit: each forged ticket costs a call to CAS, each start a stored attempt."""
    limit = state.settings.rate_limits.login_per_ip
    state.limiter.hit(Check("login-per-source", limit, source_address(request)))


def _clear_cookies(response: Response) -> Response:
    response.delete_cookie(sessions.COOKIE_NAME, path="/", secure=True, httponly=True)
    response.delete_cookie(sessions.CSRF_COOKIE_NAME, path="/", secure=True, httponly=True)
    return response


# Pages


@router.get(
    "/ehoks/kirjaudu", response_class=HTMLResponse, summary="Login choices", include_in_schema=False
)
def login_page(
    request: Request, return_to: Annotated[str | None, Query(alias="paluu")] = None
) -> HTMLResponse:
    return page(request, "login.html", {"paluu": _safe_return(return_to)})


@router.get(
    "/ehoks/istunto",
    response_class=HTMLResponse,
    summary="Who is logged in",
    include_in_schema=False,
)
def session_page(request: Request, logged_in: LoggedIn) -> HTMLResponse:
    return page(request, "session.html", {"actor": logged_in.actor})


# Development login


def _require_dev_login(state: State) -> None:
    if not state.settings.dev_login or state.settings.environment not in ("development", "test"):
        raise LoginNotOffered()


@router.get(
    "/ehoks/kirjaudu/kehitys",
    response_class=HTMLResponse,
    summary="Development login",
    include_in_schema=False,
)
def dev_login_page(
    request: Request,
    state: State,
    ctx: Context,
    return_to: Annotated[str | None, Query(alias="paluu")] = None,
) -> HTMLResponse:
    _require_dev_login(state)
    with ctx.read() as session:
        choices = login.dev_choices(session, state.runtime.registries)
    groups = []
    taken: set[str] = set()
    for prefix in DEV_GROUPS:
        items = [c for c in choices if c.key.startswith(prefix) and c.key not in taken]
        taken.update(c.key for c in items)
        if items:
            groups.append((prefix, items))
    return page(request, "dev_login.html", {"groups": groups, "paluu": _safe_return(return_to)})


@router.post(
    "/ehoks/kirjaudu/kehitys",
    summary="Log in as a seeded person (development only)",
    include_in_schema=False,
)
def dev_login(
    request: Request,
    state: State,
    ctx: Context,
    kuka: Annotated[str, Form(max_length=400)],
    csrf_token: Annotated[str, Form()] = "",
    paluu: Annotated[str | None, Form(max_length=2000)] = None,
) -> RedirectResponse:
    _require_dev_login(state)
    check_form_csrf(request, csrf_token)
    with ctx.read() as session:
        choices = {c.key: c for c in login.dev_choices(session, state.runtime.registries)}
    choice = choices.get(kuka)
    if choice is None:
        raise NotFound(f"No seeded person {kuka!r}")
    to = _safe_return(paluu) or HOME[choice.actor.kind]
    return start_session(request, state, ctx, choice.actor, login_ref=None, protocol="dev", to=to)


# CAS and CAS-oppija


@router.get(
    "/ehoks/kirjaudu/{realm}",
    summary="Start a login at the identity provider",
    include_in_schema=False,
)
def begin_login(
    realm: Realm,
    request: Request,
    state: State,
    ctx: Context,
    return_to: Annotated[str | None, Query(alias="paluu")] = None,
) -> RedirectResponse:
    limit_logins(request, state)
    settings = state.settings
    protocol = (
        settings.login_protocol_virkailija
        if realm == "virkailija"
        else (settings.login_protocol_oppija)
    )
    if protocol == "oidc":
        client = _oidc(state, realm)
        start = client.begin(f"{settings.public_url}/ehoks/kirjaudu/oidc/{realm}/paluu")
        ctx.write(
            lambda session: login.remember_login(
                session, start, provider=realm, return_to=_safe_return(return_to), now=now_utc()
            )
        )
        return RedirectResponse(start.authorization_url, status_code=303)
    callback = VIRKAILIJA_CAS_CALLBACK if realm == "virkailija" else OPPIJA_CAS_CALLBACK
    service = _cas_service(settings.public_url, callback, _safe_return(return_to))
    url = state.auth.cas.login_url(service, oppija=realm == "oppija")
    return RedirectResponse(url, status_code=303)


def _cas_service(public_url: str, callback: str, return_to: str | None) -> str:
    """The CAS service address: the callback, carrying the page to return to. CAS validates a
    ticket against the exact address it was issued for, so the callback rebuilds it the same
    way."""
    suffix = f"?{urlencode({'paluu': return_to})}" if return_to else ""
    return f"{public_url}{callback}{suffix}"


@router.get(
    VIRKAILIJA_CAS_CALLBACK,
    summary="CAS login callback (officials)",
    response_class=RedirectResponse,
    status_code=303,
    responses={**SIGNED_IN, **errors(401, 429)},
)
@router.get(
    "/ehoks-virkailija-backend/api/v1/virkailija/session/opintopolku",
    summary="CAS login callback (officials, the original's address)",
    response_class=RedirectResponse,
    status_code=303,
    responses={**SIGNED_IN, **errors(401, 429)},
)
def virkailija_cas_callback(
    request: Request,
    state: State,
    ctx: Context,
    ticket: Annotated[str, Query()],
    return_to: Annotated[str | None, Query(alias="paluu")] = None,
) -> RedirectResponse:
    limit_logins(request, state)
    back = _safe_return(return_to)
    service = _cas_service(state.settings.public_url, VIRKAILIJA_CAS_CALLBACK, back)
    user = state.auth.cas.validate(ticket, service)
    actor = login.official_from_cas(user)
    return start_session(
        request,
        state,
        ctx,
        actor,
        login_ref=ticket,
        protocol="cas",
        to=back or HOME["virkailija"],
    )


@router.get(
    OPPIJA_CAS_CALLBACK,
    summary="CAS-oppija login callback (students)",
    response_class=RedirectResponse,
    status_code=303,
    responses={**SIGNED_IN, **errors(401, 429)},
)
def oppija_cas_callback(
    request: Request,
    state: State,
    ctx: Context,
    ticket: Annotated[str, Query()],
    return_to: Annotated[str | None, Query(alias="paluu")] = None,
) -> RedirectResponse:
    limit_logins(request, state)
    back = _safe_return(return_to)
    service = _cas_service(state.settings.public_url, OPPIJA_CAS_CALLBACK, back)
    oppija = state.auth.cas.validate_oppija(ticket, service)
    actor = login.student_from_cas(oppija, state.runtime.registries)
    to = back or HOME["oppija"]
    return start_session(request, state, ctx, actor, login_ref=ticket, protocol="cas-oppija", to=to)


@router.post(
    VIRKAILIJA_CAS_CALLBACK,
    summary="CAS single logout (officials)",
    response_class=Response,
    responses={**LOGGED_OUT, **errors(400)},
)
@router.post(
    "/ehoks-virkailija-backend/api/v1/virkailija/session/opintopolku",
    summary="CAS single logout (officials, the original's address)",
    response_class=Response,
    responses={**LOGGED_OUT, **errors(400)},
)
def virkailija_single_logout(
    ctx: Context, logout_request: Annotated[str, Form(alias="logoutRequest")] = ""
) -> Response:
    _single_logout(ctx, logout_request)
    return Response(status_code=200)


@router.post(
    OPPIJA_CAS_CALLBACK,
    summary="CAS-oppija single logout (students)",
    response_class=Response,
    responses={
        **LOGGED_OUT,
        **errors(400),
        404: {"description": "No session of that login (no body)"},
    },
)
def oppija_single_logout(
    ctx: Context, logout_request: Annotated[str, Form(alias="logoutRequest")] = ""
) -> Response:
    # The original answers 404 when no session matched (reference 5.10).
    ended = _single_logout(ctx, logout_request)
    return Response(status_code=200 if ended else 404)


def _single_logout(ctx: UseCase, logout_request: str) -> int:
    if not logout_request:
        raise BadLogoutRequest("logoutRequest is required")
    ticket = parse_logout_request(logout_request)
    return ctx.write(lambda session: sessions.end_by_login_ref(session, ticket))


# OpenID Connect


def _oidc(state: State, realm: str) -> OidcClient:
    client = state.auth.oidc_virkailija if realm == "virkailija" else state.auth.oidc_oppija
    if client is None:
        raise LoginNotOffered()
    return client


@router.get(
    "/ehoks/kirjaudu/oidc/{realm}/paluu",
    summary="OpenID Connect login callback",
    include_in_schema=False,
)
def oidc_callback(
    realm: Realm,
    request: Request,
    state: State,
    ctx: Context,
    code: Annotated[str, Query()],
    state_param: Annotated[str, Query(alias="state")],
) -> RedirectResponse:
    limit_logins(request, state)
    client = _oidc(state, realm)
    attempt = ctx.write(
        lambda session: login.take_login(session, state_param, provider=realm, now=now_utc())
    )
    identity = client.complete(
        code=code,
        redirect_uri=f"{state.settings.public_url}/ehoks/kirjaudu/oidc/{realm}/paluu",
        code_verifier=attempt.code_verifier,
        nonce=attempt.nonce,
    )
    actor: Actor = (
        login.official_from_oidc(identity, client.settings)
        if realm == "virkailija"
        else login.student_from_oidc(identity, client.settings)
    )
    login_ref = f"oidc:{realm}:{identity.sid or identity.subject}"
    return start_session(
        request,
        state,
        ctx,
        actor,
        login_ref=login_ref,
        protocol="oidc",
        to=attempt.return_to or HOME[realm],
    )


@router.post(
    "/ehoks/kirjaudu/oidc/{realm}/backchannel-logout",
    summary="OpenID Connect back-channel logout",
    include_in_schema=False,
)
def oidc_backchannel_logout(
    realm: Realm, state: State, ctx: Context, logout_token: Annotated[str, Form()]
) -> Response:
    client = _oidc(state, realm)
    subject, sid = client.parse_backchannel_logout(logout_token)
    ctx.write(lambda session: sessions.end_by_login_ref(session, f"oidc:{realm}:{sid or subject}"))
    return Response(status_code=200, headers={"Cache-Control": "no-store"})


# Logout and the session endpoints of the original


@router.post("/ehoks/logout", summary="Log out (this session)", include_in_schema=False)
def logout(request: Request, state: State, logged_in: LoggedIn) -> Response:
    return _logout(request, state, logged_in, everywhere=False)


@router.post(
    "/ehoks/logout/kaikki",
    summary="Log out everywhere (every session of this person)",
    include_in_schema=False,
)
def logout_everywhere(request: Request, state: State, logged_in: LoggedIn) -> Response:
    return _logout(request, state, logged_in, everywhere=True)


def _logout(
    request: Request, state: State, logged_in: sessions.LoggedIn, *, everywhere: bool
) -> Response:
    ctx = context_of(request, state, logged_in.actor)

    def log_out(session: Session) -> None:
        if everywhere:
            sessions.end_everywhere(session, logged_in.actor)
        else:
            sessions.end(session, logged_in.id)
        ctx.audit("logout", details={"everywhere": everywhere})

    ctx.write(log_out)
    return _clear_cookies(
        RedirectResponse(after_logout(state.settings, state.auth, logged_in.actor), status_code=303)
    )


@router.get(
    "/ehoks-virkailija-backend/api/v1/virkailija/session/kayttaja",
    summary="Who is logged in, and the session's CSRF token",
    responses={
        **ok(bodies.SessionUserEnvelope),
        **errors((401, bodies.InfoBody)),
    },
)
@router.get("/ehoks-oppija-backend/api/v1/session/kayttaja", include_in_schema=False)
async def session_user(logged_in: CurrentSession) -> OrjsonResponse:
    """Who is logged in (any kind of user); 401 without a session."""
    if logged_in is None:
        return OrjsonResponse({"info": "User is not authorized"}, status_code=401)
    actor = logged_in.actor
    return envelope({"kind": actor.kind, "id": actor.audit_id, "csrf-token": logged_in.csrf_token})


@router.delete(
    "/ehoks-virkailija-backend/api/v1/virkailija/session",
    summary="Log out (API)",
    response_class=Response,
    responses=LOGGED_OUT,
)
@router.delete(
    "/ehoks-oppija-backend/api/v1/oppija/session",
    summary="Log out (API)",
    response_class=Response,
    responses=LOGGED_OUT,
)
async def delete_session(logged_in: LoggedIn, ctx: Context) -> Response:
    await run_in_threadpool(_end_session, ctx, logged_in.id)
    return _clear_cookies(Response(status_code=200))


def _end_session(ctx: UseCase, session_id: str) -> None:
    ctx.write(lambda session: sessions.end(session, session_id))
