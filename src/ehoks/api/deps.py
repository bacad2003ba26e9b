"""The JSON API's request dependencies: the JSON body, and the service client calling — by
bearer token or CAS ticket, with the ``Caller-Id`` header — with its use-case context. What
the surfaces share lives in ``context.request``; people's sessions in ``auth.people``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from ehoks.access.actor import CasServiceActor, OrganisationActor, grants_from_roles
from ehoks.access.service import authenticate_bearer, require_active_client
from ehoks.api.json_body import NotJson, is_json_media_type, parse_json_body
from ehoks.context import UseCase
from ehoks.context.request import State, context_of, trail_of
from ehoks.errors import Forbidden, ValidationFailed

T = TypeVar("T")


async def _json_body(request: Request, state: State) -> Any:
    # The media type is checked before a byte is read; the size while reading (413).
    content_type = request.headers.get("content-type")
    if not is_json_media_type(content_type):
        raise NotJson(content_type)
    return parse_json_body(await request.body(), content_type, state.settings.limits)


JsonBody = Annotated[Any, Depends(_json_body)]


class UserTypeNotAllowed(Forbidden):
    def __init__(self) -> None:
        super().__init__("User type 'PALVELU' is required")


def _require_active_client(lookups: sessionmaker[Session], client_id: str) -> None:
    with lookups.begin() as session:
        require_active_client(session, client_id)


async def _authenticate(request: Request, state: State) -> tuple[OrganisationActor, str | None]:
    """The eHOKS gate order: required headers first (400), then authentication (401). Returns
    the actor and, for a bearer token, the client id whose row must still be active.

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
    if ticket:
        cas = state.auth.cas
        user = await run_in_threadpool(
            cas.validate, ticket, state.settings.cas.service_ticket_service
        )
        if user.kayttaja_tyyppi != "PALVELU":
            raise UserTypeNotAllowed()
        grants = grants_from_roles(user.roles)
        return CasServiceActor(user.username, user.oid_henkilo or "", grants), None
    # Pure CPU (the signature and claims): on the event loop.
    actor = authenticate_bearer(request.headers.get("authorization"), state.settings)
    return actor, actor.client_id


async def _service_client(request: Request, state: State) -> OrganisationActor:
    actor, client_id = await _authenticate(request, state)
    if client_id is not None:
        # A valid signature is not enough: the client may have been disabled since. One
        # primary-key read per request, so revocation takes effect at once.
        await run_in_threadpool(_require_active_client, state.lookups, client_id)
    trail_of(request).actor = actor
    return actor


ServiceClient = Annotated[OrganisationActor, Depends(_service_client)]


@dataclass(frozen=True)
class ServiceCall:
    """A service client's request whose client row is checked in the route's own one
    threadpool hop instead of in a lookup and a hop of its own (``ServiceClient``): for an
    ``async def`` route, which runs its whole use case with ``run`` (a write: prepare, then
    apply) or ``read`` (a read). ``read`` checks the client in the read's own transaction
    (GET /hoks/{id} even in its one statement, ``hoks.service.reading``); ``run`` checks it
    first. Either way an inactive client is refused (401) before anything else of the
    request touches the database or a registry."""

    actor: OrganisationActor
    ctx: UseCase
    unchecked_client_id: str | None
    """The client whose row must still be active (a bearer token); None for a CAS ticket."""
    lookups: sessionmaker[Session]

    def check_client(self) -> None:
        """``ServiceClient``'s check, in the caller's thread (one primary-key read)."""
        if self.unchecked_client_id is not None:
            _require_active_client(self.lookups, self.unchecked_client_id)

    async def run(self, use_case: Callable[[UseCase], T]) -> T:
        """The whole use case in one threadpool hop: the client check, then
        ``use_case(ctx)`` — its prepare phase, its transaction and the wait for its audit."""
        return await run_in_threadpool(self._checked_run, use_case)

    def _checked_run(self, use_case: Callable[[UseCase], T]) -> T:
        self.check_client()
        return use_case(self.ctx)

    async def read(self, work: Callable[[Session], T]) -> T:
        """``work`` in the context's read frame in one threadpool hop, the client checked in
        the same transaction first, the reads' audit awaited on the event loop
        (``UseCase.read_async``)."""
        return await self.ctx.read_async(lambda session: self._checked_read(session, work))

    def _checked_read(self, session: Session, work: Callable[[Session], T]) -> T:
        if self.unchecked_client_id is not None:
            require_active_client(session, self.unchecked_client_id)
        return work(session)


async def _service_call(request: Request, state: State) -> ServiceCall:
    actor, client_id = await _authenticate(request, state)
    # Known to the trail before the check, so the read can audit a denial. A disabled
    # client is refused before the request names its target, so, as with ``ServiceClient``,
    # its refusal is not audited (``UseCase._audit_failure`` needs a target or records).
    trail_of(request).actor = actor
    return ServiceCall(actor, context_of(request, state, actor), client_id, state.lookups)


ServiceClientCall = Annotated[ServiceCall, Depends(_service_call)]
