"""The person behind a request: the session cookie, its CSRF token, and the role a people's
page or endpoint requires (student, official, workplace e-mail user), each with its use-case
context. Used by the HTML views (``web/``) and the people's JSON endpoints alike; service
clients authenticate in ``api.deps``."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from ehoks.access.actor import EmailActor, OfficialActor, StudentActor
from ehoks.access.errors import CsrfRejected, NoSession, NotPermitted
from ehoks.auth import sessions
from ehoks.context import UseCase
from ehoks.context.request import AppState, State, context_of, trail_of
from ehoks.db import is_lock_timeout
from ehoks.kernel.clock import now_utc


def _load_session(request: Request, state: AppState) -> sessions.LoggedIn | None:
    token = request.cookies.get(sessions.COOKIE_NAME)
    if not token:
        return None
    now = now_utc()
    with state.runtime.read_sessions.begin() as session:
        logged_in, stale = sessions.load(session, token, settings=state.settings.session, now=now)
    if logged_in is not None and stale:
        try:
            with state.impatient_writes.begin() as session:
                sessions.touch(session, logged_in.id, now)
        except OperationalError as exc:
            # A writer holds SQLite's lock: a read does not wait for it. The last-seen time is
            # written on a later request (it matters at a resolution of minutes).
            if not is_lock_timeout(exc):
                raise
    return logged_in


async def current_session(request: Request, state: State) -> sessions.LoggedIn | None:
    """The request's valid session, if any (loaded once per request)."""
    if not hasattr(request.state, "logged_in"):
        logged_in = None
        if request.cookies.get(sessions.COOKIE_NAME):
            logged_in = await run_in_threadpool(_load_session, request, state)
        request.state.logged_in = logged_in
        if logged_in is not None:
            trail_of(request).actor = logged_in.actor
    result: sessions.LoggedIn | None = request.state.logged_in
    return result


CurrentSession = Annotated[sessions.LoggedIn | None, Depends(current_session)]


async def _logged_in(request: Request, logged_in: CurrentSession) -> sessions.LoggedIn:
    if logged_in is None:
        raise NoSession()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        check_csrf(request, logged_in.csrf_token, await _form_token(request))
    return logged_in


LoggedIn = Annotated[sessions.LoggedIn, Depends(_logged_in)]


def check_csrf(request: Request, expected: str, form_token: str | None) -> None:
    """State-changing requests of a session must echo its CSRF token, in the
    ``X-CSRF-Token`` header (scripts) or the ``csrf_token`` form field (forms)."""
    given = request.headers.get("x-csrf-token") or form_token or ""
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise CsrfRejected()


async def _form_token(request: Request) -> str | None:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    form = await request.form()
    value = form.get("csrf_token")
    return value if isinstance(value, str) else None


async def _student(logged_in: LoggedIn) -> StudentActor:
    if not isinstance(logged_in.actor, StudentActor):
        raise NotPermitted("This page is for students")
    return logged_in.actor


async def _official(logged_in: LoggedIn) -> OfficialActor:
    if not isinstance(logged_in.actor, OfficialActor):
        raise NotPermitted("This page is for officials")
    return logged_in.actor


async def _email_user(logged_in: LoggedIn) -> EmailActor:
    if not isinstance(logged_in.actor, EmailActor):
        raise NotPermitted("Log in with the link sent to your e-mail address")
    return logged_in.actor


Student = Annotated[StudentActor, Depends(_student)]
Official = Annotated[OfficialActor, Depends(_official)]
EmailUser = Annotated[EmailActor, Depends(_email_user)]


async def _student_context(request: Request, state: State, actor: Student) -> UseCase:
    return context_of(request, state, actor)


async def _official_context(request: Request, state: State, actor: Official) -> UseCase:
    return context_of(request, state, actor)


async def _email_user_context(request: Request, state: State, actor: EmailUser) -> UseCase:
    return context_of(request, state, actor)


async def _person_context(request: Request, state: State, logged_in: LoggedIn) -> UseCase:
    return context_of(request, state, logged_in.actor)


StudentContext = Annotated[UseCase, Depends(_student_context)]
OfficialContext = Annotated[UseCase, Depends(_official_context)]
EmailUserContext = Annotated[UseCase, Depends(_email_user_context)]
PersonContext = Annotated[UseCase, Depends(_person_context)]
