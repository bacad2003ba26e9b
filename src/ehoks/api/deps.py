"""Request dependencies: the application's state, database sessions, the calling client."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ehoks.access.actor import ServiceClientActor
from ehoks.access.service import authenticate_bearer
from ehoks.config import Settings
from ehoks.errors import BadRequest, ValidationFailed
from ehoks.hoks.service import Deps


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine
    write_sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    deps: Deps

    def read(self) -> AbstractContextManager[Session]:
        """A read-only transaction (on SQLite it never waits for writers)."""
        return self.read_sessions.begin()

    def write(self) -> AbstractContextManager[Session]:
        """A write transaction: commits when the block ends without an error, else rolls back.
        Routes run it inside their own body so the commit happens before the response is
        sent, and so a request costs one hop to the thread pool, not one per dependency."""
        return self.write_sessions.begin()


async def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.ehoks
    return state


State = Annotated[AppState, Depends(app_state)]


class RequestParsingError(BadRequest):
    def __init__(self, message: str, original: str) -> None:
        super().__init__(message)
        self.original = original

    def body(self) -> dict[str, Any]:
        return {
            "type": "compojure.api.exception/request-parsing",
            "message": self.detail,
            "original": self.original,
        }


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise RequestParsingError("Malformed application/json in :muuntaja/decode", "empty body")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise RequestParsingError(
            "Malformed application/json in :muuntaja/decode", str(exc)
        ) from exc


JsonBody = Annotated[Any, Depends(_json_body)]


async def _service_client(request: Request, state: State) -> ServiceClientActor:
    # Async on purpose: a JWT check is a few microseconds of CPU, cheaper than a thread hop.
    """The eHOKS gate order: required headers first (400), then authentication (401)."""
    if not request.headers.get("caller-id"):
        raise ValidationFailed(
            {"caller-id": "missing-required-key"},
            value=None,
            problems=[{"path": "caller-id", "message": "missing-required-key"}],
            where="header-params",
        )
    return authenticate_bearer(request.headers.get("authorization"), state.settings)


ServiceClient = Annotated[ServiceClientActor, Depends(_service_client)]
