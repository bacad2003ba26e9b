"""OAuth2 client-credentials token endpoint for service clients (RFC 6749 section 4.4)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ehoks.access import service as access_service
from ehoks.access.errors import InvalidClient, UnsupportedGrantType
from ehoks.api import openapi_bodies as bodies
from ehoks.api.openapi import errors, ok
from ehoks.api.responses import OrjsonResponse
from ehoks.context import UseCase
from ehoks.context.request import AppState, State, context_of, source_address
from ehoks.ratelimit.service import Check

router = APIRouter()


@router.post(
    "/oauth2/token",
    summary="Exchange a service client's id and secret for an access token",
    tags=["auth"],
    responses={
        **ok(bodies.Token),
        # 429: the rate limits of token issuance (per client and per address).
        **errors((400, bodies.OAuthErrorBody), (401, bodies.OAuthErrorBody), 429),
    },
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string"},
                        },
                    }
                }
            }
        }
    },
)
async def issue_token(request: Request, state: State) -> OrjsonResponse:
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    if form.get("grant_type") != "client_credentials":
        raise UnsupportedGrantType()
    client_id, client_secret = _credentials(request.headers.get("authorization"), form)
    limits = state.settings.rate_limits
    checks = (
        Check("token-per-client", limits.token_per_client, client_id),
        Check("token-per-source", limits.token_per_ip, source_address(request)),
    )
    # Verifying a hand-set secret's argon2 hash costs ~100 ms of CPU: off the event loop.
    ctx = context_of(request, state)
    token = await run_in_threadpool(_issue, ctx, state, checks, client_id, client_secret)
    return OrjsonResponse(
        {
            "access_token": token.access_token,
            "token_type": token.token_type,
            "expires_in": token.expires_in,
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _issue(
    ctx: UseCase,
    state: AppState,
    checks: tuple[Check, ...],
    client_id: str,
    client_secret: str,
) -> access_service.IssuedToken:
    # Counted in a transaction of its own, before the secret is checked: wrong secrets count.
    state.limiter.hit(*checks)
    return ctx.write(
        lambda session: access_service.issue_token(
            session, client_id=client_id, client_secret=client_secret, settings=state.settings
        )
    )


def _credentials(authorization: str | None, form: dict[str, str]) -> tuple[str, str]:
    """HTTP Basic (preferred by RFC 6749) or client_id/client_secret form fields."""
    if authorization and authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidClient() from exc
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            raise InvalidClient()
        return unquote(client_id), unquote(secret)
    form_id = form.get("client_id")
    form_secret = form.get("client_secret")
    if not form_id or not form_secret:
        raise InvalidClient()
    return form_id, form_secret
