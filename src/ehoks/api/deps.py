"""Request dependencies: the application's state, database transactions with the audit
trail, and the caller — a service client (token or CAS ticket) or a logged-in person."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from ehoks.access.actor import (
    CasServiceActor,
    EmailActor,
    OfficialActor,
    OrganisationActor,
    StudentActor,
    grants_from_roles,
)
from ehoks.access.errors import CsrfRejected, NoSession, NotPermitted
from ehoks.access.service import authenticate_bearer, require_active_client
from ehoks.api.json_body import NotJson, is_json_media_type, parse_json_body
from ehoks.audit.appender import BatchAppender
from ehoks.audit.service import append
from ehoks.audit.trail import AuditTrail, as_failed
from ehoks.auth import sessions
from ehoks.auth.clients import AuthClients
from ehoks.config import Settings
from ehoks.db import is_lock_timeout
from ehoks.errors import EhoksError, Forbidden, Unauthenticated, ValidationFailed
from ehoks.hoks.service import Deps
from ehoks.kernel.clock import now_utc
from ehoks.kernel.ids import new_uuid
from ehoks.logsafe import describe_error
from ehoks.ratelimit.service import RateLimiter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine
    write_sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    deps: Deps
    auth: AuthClients
    read_audit: BatchAppender
    lookups: sessionmaker[Session]
    """One-statement reads outside a request's transaction (autocommit on PostgreSQL)."""
    impatient_writes: sessionmaker[Session]
    """Writes a read may skip rather than wait for on SQLite (a session's last-seen time)."""
    limiter: RateLimiter

    def require_active_client(self, client_id: str) -> None:
        with self.lookups.begin() as session:
            require_active_client(session, client_id)

    @contextmanager
    def read(self, trail: AuditTrail | None = None) -> Iterator[Session]:
        """A read-only transaction (on SQLite it never waits for writers). The reads it
        recorded on ``trail`` are then appended to the audit chain, together with other
        requests' reads (group commit, ``audit.appender``), before the response is sent; if
        that fails, the request fails."""
        try:
            with self.read_sessions.begin() as session:
                yield session
        except Exception as exc:
            self._audit_failure(trail, exc)
            raise
        if trail is not None and trail.has_records:
            self.read_audit.append(trail.discard())

    @contextmanager
    def write(self, trail: AuditTrail | None = None) -> Iterator[Session]:
        """A write transaction: commits when the block ends without an error, else rolls back.
        The audit events of the write are appended last, in the same transaction, so a change
        is never stored without its event nor an event without its change. Routes run it
        inside their own body so the commit happens before the response is sent."""
        try:
            with self.write_sessions.begin() as session:
                yield session
                if trail is not None and trail.has_records:
                    trail.flush(session)
        except Exception as exc:
            self._audit_failure(trail, exc)
            raise

    def _audit_failure(self, trail: AuditTrail | None, exc: Exception) -> None:
        """A denied or failed attempt on a known target is audited in its own transaction
        (the request's own one has rolled back)."""
        if trail is None:
            return
        attempted = trail.discard()
        target = trail.target
        if trail.actor is None or (not attempted and not target):
            return
        outcome = "denied" if isinstance(exc, Unauthenticated | Forbidden) else "failed"
        status = str(exc.status_code if isinstance(exc, EhoksError) else 500)
        if not attempted:
            trail.record(
                operation=trail.operation,
                oppija_oid=target.get("oppija_oid"),
                hoks_id=target.get("hoks_id"),
                part=target.get("part"),
            )
            attempted = trail.discard()
        try:
            with self.write_sessions.begin() as session:
                append(session, as_failed(attempted, error=status, outcome=outcome))
        except Exception as failure:  # the request fails anyway; don't hide its own error
            log.error("could not audit a failed request: %s", describe_error(failure))


async def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.ehoks
    return state


State = Annotated[AppState, Depends(app_state)]


def source_address(request: Request) -> str:
    """The caller's network address, a secondary key of the rate limits. Behind a proxy,
    uvicorn's ``--proxy-headers --forwarded-allow-ips=<the proxy>`` makes it the client's own
    (docs/operations.md); otherwise every caller would share the proxy's."""
    return request.client.host if request.client else "unknown"


async def _json_body(request: Request, state: State) -> Any:
    # The media type is checked before a byte is read; the size while reading (413).
    content_type = request.headers.get("content-type")
    if not is_json_media_type(content_type):
        raise NotJson(content_type)
    return parse_json_body(await request.body(), content_type, state.settings.limits)


JsonBody = Annotated[Any, Depends(_json_body)]


OPERATIONS = {"GET": "read", "POST": "create", "PATCH": "update", "PUT": "overwrite"}


def trail_of(request: Request) -> AuditTrail:
    """The request's audit trail (one per request, shared by every dependency)."""
    trail: AuditTrail | None = getattr(request.state, "audit_trail", None)
    if trail is None:
        request_id = request.headers.get("x-request-id", "")[:64] or new_uuid()
        trail = AuditTrail(request_id)
        trail.operation = OPERATIONS.get(request.method, "delete")
        request.state.audit_trail = trail
    return trail


async def _trail(request: Request) -> AuditTrail:
    return trail_of(request)


Trail = Annotated[AuditTrail, Depends(_trail)]


class UserTypeNotAllowed(Forbidden):
    def __init__(self) -> None:
        super().__init__("User type 'PALVELU' is required")


async def _service_client(request: Request, state: State) -> OrganisationActor:
    """The eHOKS gate order: required headers first (400), then authentication (401).

    A ``ticket`` header is a CAS service ticket, validated with CAS on every request as the
    original does (reference 6.1); otherwise a bearer token from ``/oauth2/token``."""
    if not request.headers.get("caller-id"):
        raise ValidationFailed(
            {"caller-id": "missing-required-key"},
            value=None,
            problems=[{"path": "caller-id", "message": "missing-required-key"}],
            where="header-params",
        )
    ticket = request.headers.get("ticket")
    actor: OrganisationActor
    if ticket:
        cas = state.auth.cas
        user = await run_in_threadpool(
            cas.validate, ticket, state.settings.cas.service_ticket_service
        )
        if user.kayttaja_tyyppi != "PALVELU":
            raise UserTypeNotAllowed()
        grants = grants_from_roles(user.roles)
        actor = CasServiceActor(user.username, user.oid_henkilo or "", grants)
    else:
        token_actor = authenticate_bearer(request.headers.get("authorization"), state.settings)
        # A valid signature is not enough: the client may have been disabled since. One
        # primary-key read per request, so revocation takes effect at once.
        await run_in_threadpool(state.require_active_client, token_actor.client_id)
        actor = token_actor
    trail_of(request).actor = actor
    return actor


ServiceClient = Annotated[OrganisationActor, Depends(_service_client)]


# Browser sessions.


def _load_session(request: Request, state: AppState) -> sessions.LoggedIn | None:
    token = request.cookies.get(sessions.COOKIE_NAME)
    if not token:
        return None
    now = now_utc()
    with state.read() as session:
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
