"""Service clients and their short-lived access tokens (OAuth2 client credentials)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from ehoks.access.actor import CLIENT_ROLES, OPH_ORGANISAATIO_OID, ServiceClientActor
from ehoks.access.errors import ClientNotFound, InvalidClient, InvalidToken
from ehoks.access.models import ServiceClient
from ehoks.access.repository import ServiceClientRepository
from ehoks.config import MIN_TOKEN_SECRET_BITS, MIN_TOKEN_SECRET_LENGTH, Settings, secret_bits
from ehoks.errors import BadRequest
from ehoks.kernel.clock import now_utc
from ehoks.kernel.ids import new_token
from ehoks.kernel.oids import is_organisaatio_oid

TOKEN_ISSUER = "ehoks"
TOKEN_AUDIENCE = "ehoks-service-api"
_hasher = PasswordHasher()
# Secrets with at least 128 bits of entropy are stored as a salted SHA-256: nobody can search a
# space that large, so a slow hash would only cost every token request ~100 ms of CPU (a flood
# of them slowed the whole service). Secrets given by hand that may be guessable (the demo's)
# keep argon2id, as do rows stored before this.
FAST_PREFIX = "sha256$"


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
    if role == "VIPUNEN" and organisaatio_oid != OPH_ORGANISAATIO_OID:
        raise BadRequest(
            f"role VIPUNEN (the national statistics feed) is given on the OPH organisation "
            f"{OPH_ORGANISAATIO_OID} only"
        )
    if not name.strip():
        raise BadRequest("name must not be empty")
    client_id = client_id or f"ehoks-{secrets.token_hex(8)}"
    secret = client_secret or new_token()
    ServiceClientRepository(session).add(
        ServiceClient(
            client_id=client_id,
            name=name.strip(),
            organisaatio_oid=organisaatio_oid,
            role=role,
            secret_hash=hash_secret(secret),
            created_at=now_utc(),
        )
    )
    return NewClient(client_id=client_id, client_secret=secret)


def list_clients(session: Session) -> list[ServiceClient]:
    """Every registered client, oldest first."""
    return ServiceClientRepository(session).list()


def disable_client(session: Session, client_id: str) -> None:
    """Stop the client at once: no new tokens, and the tokens it holds are refused from the
    next request on (``require_active_client`` reads this row on every request)."""
    client = ServiceClientRepository(session).get(client_id)
    if client is None:
        raise ClientNotFound(client_id)
    if client.disabled_at is None:
        client.disabled_at = now_utc()


def issue_token(
    session: Session, *, client_id: str, client_secret: str, settings: Settings
) -> IssuedToken:
    client = ServiceClientRepository(session).get(client_id)
    if client is None or client.disabled_at is not None:
        # Spend the time of a (fast-hashed) real check, so generated client ids cannot be
        # probed by timing.
        verify_secret(_dummy_hash(), client_secret)
        raise InvalidClient()
    if not verify_secret(client.secret_hash, client_secret):
        raise InvalidClient()
    now = now_utc()
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


def require_active_client(session: Session, client_id: str) -> None:
    """Refuse a token whose client has been disabled (or removed) since it was issued: one
    primary-key read per request, so a disabled client is out at once, never after its
    tokens expire."""
    refuse_inactive_client(ServiceClientRepository(session).is_active(client_id))


def refuse_inactive_client(active: bool) -> None:
    """The 401 of ``require_active_client``, for a read that selected the client's active flag
    (``repository.client_is_active``) in its own statement."""
    if not active:
        raise InvalidToken("The client of this access token is disabled")


def hash_secret(secret: str) -> str:
    if len(secret) >= MIN_TOKEN_SECRET_LENGTH and secret_bits(secret) >= MIN_TOKEN_SECRET_BITS:
        salt = secrets.token_hex(16)
        return f"{FAST_PREFIX}{salt}${_sha256(salt, secret)}"
    return _hasher.hash(secret)


def verify_secret(secret_hash: str, secret: str) -> bool:
    if secret_hash.startswith(FAST_PREFIX):
        salt, _, digest = secret_hash[len(FAST_PREFIX) :].partition("$")
        return hmac.compare_digest(_sha256(salt, secret), digest)
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def _sha256(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


@cache
def _dummy_hash() -> str:
    return hash_secret(new_token())
