"""Request dependencies: the application's state, database sessions, the calling client."""

from __future__ import annotations

from collections.abc import Iterator
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


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.ehoks
    return state


State = Annotated[AppState, Depends(app_state)]


def _write_session(state: State) -> Iterator[Session]:
    # Commits after the route returns and before the response is sent (scope="function"), so
    # a failed commit can never follow a success answer.
    with state.write_sessions.begin() as session:
        yield session


def _read_session(state: State) -> Iterator[Session]:
    with state.read_sessions.begin() as session:
        yield session


WriteSession = Annotated[Session, Depends(_write_session, scope="function")]
ReadSession = Annotated[Session, Depends(_read_session, scope="function")]


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


def _service_client(request: Request, state: State) -> ServiceClientActor:
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
