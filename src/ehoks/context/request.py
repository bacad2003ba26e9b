"""What both web surfaces — the JSON API (``api/``) and the people's pages (``web/``) — share:
the application's state and each request's audit trail and use-case context. How a caller is
authenticated is each surface's own (``api.deps`` for service clients, ``auth.people`` for
people's sessions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ehoks.access.actor import Actor
from ehoks.audit.trail import AuditTrail
from ehoks.auth.clients import AuthClients
from ehoks.config import Settings
from ehoks.context.usecase import Runtime, UseCase
from ehoks.kernel.ids import new_uuid
from ehoks.ratelimit.service import RateLimiter


@dataclass(frozen=True)
class AppState:
    """The application's state (``app.state.ehoks``), built by ``create_app``."""

    runtime: Runtime
    engine: Engine
    auth: AuthClients
    lookups: sessionmaker[Session]
    """One-statement reads outside a request's transaction (autocommit on PostgreSQL)."""
    impatient_writes: sessionmaker[Session]
    """Writes a read may skip rather than wait for on SQLite (a session's last-seen time)."""
    limiter: RateLimiter

    @property
    def settings(self) -> Settings:
        return self.runtime.settings


async def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.ehoks
    return state


State = Annotated[AppState, Depends(app_state)]


def source_address(request: Request) -> str:
    """The caller's network address, a secondary key of the rate limits. Behind a proxy,
    uvicorn's ``--proxy-headers --forwarded-allow-ips=<the proxy>`` makes it the client's own
    (docs/operations.md); otherwise every caller would share the proxy's."""
    return request.client.host if request.client else "unknown"


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


def context_of(request: Request, state: AppState, actor: Actor | None = None) -> UseCase:
    """The request's use-case context: built once, on the request's trail. The surfaces'
    authentication dependencies name the actor (``api.deps``, ``auth.people``); a request
    nobody is logged in to gets a context without one (the trail learns it if a login
    happens during the request)."""
    ctx: UseCase | None = getattr(request.state, "use_case", None)
    if ctx is None or (actor is not None and ctx.actor is None):
        ctx = state.runtime.context(actor, trail_of(request))
        request.state.use_case = ctx
    return ctx


async def _anonymous_context(request: Request, state: State) -> UseCase:
    return context_of(request, state)


Context = Annotated[UseCase, Depends(_anonymous_context)]
"""The context of a request whose route authenticates nobody up front (logins, public pages)."""
