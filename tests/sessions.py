"""Browser sessions for route tests: log an actor in without going through CAS or OIDC, and an
HTTPS test client (the session cookie is ``Secure``, so plain-HTTP requests would not send it)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ehoks.access.actor import Actor
from ehoks.auth import sessions
from ehoks.config import Settings
from ehoks.db import make_session_factory
from ehoks.main import routers

BASE_URL = "https://testserver"


def login(client: TestClient, engine: Engine, settings: Settings, actor: Actor) -> dict[str, str]:
    """Store a session for ``actor``, put its cookie on ``client`` (replacing any earlier one)
    and return the headers a state-changing request must carry."""
    with make_session_factory(engine).begin() as session:
        new = sessions.create(session, actor, settings=settings.session, now=datetime.now(UTC))
    client.cookies.set(sessions.COOKIE_NAME, new.token)
    return {"X-CSRF-Token": new.csrf_token}


def logout(client: TestClient) -> None:
    client.cookies.clear()


def include_missing(app: FastAPI, prefix: str, router: APIRouter) -> FastAPI:
    """Mount ``router`` unless the composition root already does (while it is being wired)."""
    if not any(mounted is router for _, mounted in routers()):
        app.include_router(router, prefix=prefix)
    return app
