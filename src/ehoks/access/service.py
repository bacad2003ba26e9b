"""Service clients and their short-lived access tokens (OAuth2 client credentials)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from ehoks.access.actor import CLIENT_ROLES, ServiceClientActor
from ehoks.access.errors import ClientNotFound, InvalidClient, InvalidToken
from ehoks.access.models import ServiceClient
from ehoks.access.repository import ServiceClientRepository
from ehoks.config import Settings
from ehoks.errors import BadRequest
from ehoks.hoks.schemas.primitives import is_organisaatio_oid

TOKEN_ISSUER = "ehoks"
TOKEN_AUDIENCE = "ehoks-service-api"
_hasher = PasswordHasher()


@dataclass(frozen=True)
class NewClient:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"


def create_client(
    session: Session,
    *,
    name: str,
    organisaatio_oid: str,
    role: str,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> NewClient:
    """Register a client; id and secret are generated unless given (the demo uses fixed ones)."""
    role = role.upper()
    if role not in CLIENT_ROLES:
        raise BadRequest(f"role must be one of {sorted(CLIENT_ROLES)}, got {role!r}")
    if not is_organisaatio_oid(organisaatio_oid):
        raise BadRequest(f"organisation {organisaatio_oid!r} is not a valid organisation OID")
    if not name.strip():
        raise BadRequest("name must not be empty")
    client_id = client_id or f"ehoks-{secrets.token_hex(8)}"
    secret = client_secret or secrets.token_urlsafe(32)
    ServiceClientRepository(session).add(
        ServiceClient(
            client_id=client_id,
            name=name.strip(),
            organisaatio_oid=organisaatio_oid,
            role=role,
            secret_hash=_hasher.hash(secret),
            created_at=datetime.now(UTC),
        )
    )
    return NewClient(client_id=client_id, client_secret=secret)


def disable_client(session: Session, client_id: str) -> None:
    """Stop issuing tokens to a client. Tokens already issued expire within their lifetime."""
    client = ServiceClientRepository(session).get(client_id)
    if client is None:
        raise ClientNotFound(client_id)
    if client.disabled_at is None:
        client.disabled_at = datetime.now(UTC)


def issue_token(
    session: Session, *, client_id: str, client_secret: str, settings: Settings
) -> IssuedToken:
    client = ServiceClientRepository(session).get(client_id)
    if client is None or client.disabled_at is not None:
        # Spend the same time as a real check so client ids cannot be probed by timing.
        _verify_secret(_dummy_hash(), client_secret)
        raise InvalidClient()
    if not _verify_secret(client.secret_hash, client_secret):
        raise InvalidClient()
    now = datetime.now(UTC)
    ttl = settings.token_ttl_seconds
    claims = {
        "iss": TOKEN_ISSUER,
        "aud": TOKEN_AUDIENCE,
        "sub": client.client_id,
        "name": client.name,
        "org": client.organisaatio_oid,
        "role": client.role,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl)).timestamp()),
    }
    token = jwt.encode(claims, settings.token_secret.get_secret_value(), algorithm="HS256")
    return IssuedToken(access_token=token, expires_in=ttl)


def authenticate_bearer(authorization: str | None, settings: Settings) -> ServiceClientActor:
    """The actor behind an ``Authorization: Bearer …`` header; 401 for anything else."""
    if not authorization:
        raise InvalidToken("Authorization header with a Bearer token is required")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Authorization header must be 'Bearer <token>'")
    try:
        claims = jwt.decode(
            token.strip(),
            settings.token_secret.get_secret_value(),
            algorithms=["HS256"],
            audience=TOKEN_AUDIENCE,
            issuer=TOKEN_ISSUER,
            options={"require": ["exp", "sub", "org", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("Access token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken("Access token is invalid") from exc
    return ServiceClientActor(
        client_id=str(claims["sub"]),
        name=str(claims.get("name", "")),
        organisaatio_oid=str(claims["org"]),
        role=str(claims["role"]),
    )


def _verify_secret(secret_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-secret")
