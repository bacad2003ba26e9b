"""A fake OpenID Connect provider that speaks the real protocol over HTTP: discovery,
``/authorize`` (authorization code with PKCE S256), ``/token``, ``/jwks``, ``/logout`` (RP-initiated
logout) and signed back-channel logout tokens.

It is as strict as a real provider where a relying party could get things wrong: unknown
clients and unregistered redirect URIs are refused without a redirect, client authentication
is checked, codes are single use and bound to the client and redirect URI, and the PKCE
verifier must match the challenge (``invalid_grant`` otherwise).

Test conveniences: ``add_user(sub, claims)`` and ``/authorize?…&login_hint=<sub>`` logs that
user in without a login page; ``override_id_token_claims`` and ``sign_with_foreign_key``
make the next ID tokens expired, mis-addressed or forged; ``rotate_key`` rolls the signing key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from ehoks.settings.auth import OidcSettings
from tests.fakes import BackgroundServer

ISSUER_PATH = "/realms/ehoks"
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
ID_TOKEN_LIFETIME = 300
CODE_LIFETIME = 60


@dataclass(frozen=True)
class SigningKey:
    kid: str
    algorithm: str
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = field(repr=False)

    @classmethod
    def generate(cls, algorithm: str = "RS256") -> SigningKey:
        kid = f"fake-{secrets.token_hex(6)}"
        if algorithm == "RS256":
            return cls(
                kid, algorithm, rsa.generate_private_key(public_exponent=65537, key_size=2048)
            )
        if algorithm == "ES256":
            return cls(kid, algorithm, ec.generate_private_key(ec.SECP256R1()))
        raise ValueError(f"unsupported algorithm {algorithm}")

    def public_jwk(self) -> dict[str, Any]:
        public = self.private_key.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
        else:
            jwk = ECAlgorithm.to_jwk(public, as_dict=True)
        return {**jwk, "kid": self.kid, "alg": self.algorithm, "use": "sig"}


@dataclass
class _Client:
    client_id: str
    secret: str | None
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    sub: str
    nonce: str | None
    code_challenge: str
    sid: str
    expires_at: float
    used: bool = False


@dataclass(frozen=True)
class TokenRequest:
    """One ``/token`` call: how the client authenticated and what the fake answered."""

    client_id: str | None
    auth_method: str
    """``client_secret_basic``, ``client_secret_post`` or ``none``."""
    outcome: str
    """``ok`` or the OAuth error code."""


class FakeOidcProvider:
    """State of the fake; ``start`` serves it. Thread-safe."""

    def __init__(self) -> None:
        # Re-entrant: the token endpoint signs (``sign`` locks) while it holds the lock.
        self._lock = threading.RLock()
        self._server = BackgroundServer(self._app())
        self.base_url = ""
        self._initial_key = SigningKey.generate()
        self._keys = [self._initial_key]
        self._foreign_key = SigningKey.generate()
        self._clients: dict[str, _Client] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._codes: dict[str, _Code] = {}
        self._overrides: dict[str, Any] = {}
        self.sign_with_foreign_key = False
        """Sign the next ID tokens with a key the provider never published (same ``kid``)."""
        self.token_requests: list[TokenRequest] = []
        self.ended_sessions: list[str] = []
        """``sid`` of every session ended at ``/logout``."""
        self.jwks_requests = 0
        self.discovery_requests = 0

    # Lifecycle.

    def start(self) -> FakeOidcProvider:
        self.base_url = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def reset(self) -> None:
        """Forget clients, users, codes, records and tampering; back to the first key."""
        with self._lock:
            self._keys = [self._initial_key]
            self._clients.clear()
            self._users.clear()
            self._codes.clear()
            self._overrides.clear()
            self.sign_with_foreign_key = False
            self.token_requests.clear()
            self.ended_sessions.clear()
            self.jwks_requests = 0
            self.discovery_requests = 0

    @property
    def issuer(self) -> str:
        return f"{self.base_url}{ISSUER_PATH}"

    def settings(
        self, client_id: str, client_secret: str | None = None, **overrides: object
    ) -> OidcSettings:
        """``OidcSettings`` for a client of this provider."""
        values: dict[str, object] = {
            "issuer": self.issuer,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        values.update(overrides)
        return OidcSettings.model_validate(values)

    # Test set-up.

    def add_client(
        self,
        client_id: str,
        *,
        secret: str | None = None,
        redirect_uris: Iterable[str],
        post_logout_redirect_uris: Iterable[str] = (),
    ) -> None:
        """Register a relying party; ``secret=None`` makes it a public client."""
        with self._lock:
            self._clients[client_id] = _Client(
                client_id, secret, tuple(redirect_uris), tuple(post_logout_redirect_uris)
            )

    def add_user(self, sub: str, claims: dict[str, Any] | None = None) -> None:
        """A user whose ``claims`` go into their ID tokens."""
        with self._lock:
            self._users[sub] = dict(claims or {})

    def override_id_token_claims(self, **claims: Any) -> None:
        """Put these claims into the next ID tokens over the real ones; ``None`` removes a
        claim (e.g. ``exp=time.time() - 3600`` for an expired token)."""
        with self._lock:
            self._overrides.update(claims)

    def rotate_key(self, algorithm: str = "RS256") -> str:
        """Start signing with a new key, still publishing the old one; returns the new kid."""
        key = SigningKey.generate(algorithm)
        with self._lock:
            self._keys.insert(0, key)
        return key.kid

    def sign(self, claims: dict[str, Any], *, headers: dict[str, Any] | None = None) -> str:
        """A JWT with these claims, signed as the provider signs (current key)."""
        with self._lock:
            key = self._keys[0]
            foreign = self.sign_with_foreign_key
        signer = self._foreign_key if foreign else key
        return jwt.encode(
            claims,
            signer.private_key,
            algorithm=key.algorithm if not foreign else signer.algorithm,
            headers={"kid": key.kid, **(headers or {})},
        )

    def backchannel_logout_token(
        self, sub: str, sid: str | None, aud: str, *, overrides: dict[str, Any] | None = None
    ) -> str:
        """A signed OIDC back-channel logout token, as the provider would POST it to the
        client's ``backchannel_logout_uri`` (form field ``logout_token``). ``overrides`` replace
        claims (``None`` removes one), for tests of tokens a client must refuse."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": aud,
            "iat": now,
            "exp": now + 120,
            "jti": secrets.token_urlsafe(16),
            "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
            "sub": sub,
        }
        if sid is not None:
            claims["sid"] = sid
        claims = _apply(claims, overrides or {})
        return self.sign(claims, headers={"typ": "logout+jwt"})

    # The protocol.

    def _discovery(self) -> dict[str, Any]:
        with self._lock:
            self.discovery_requests += 1
        issuer = self.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "scopes_supported": ["openid", "profile"],
            "backchannel_logout_supported": True,
            "backchannel_logout_session_supported": True,
        }

    def _authorize(self, params: dict[str, str]) -> Response:
        with self._lock:
            client = self._clients.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        # Never redirect to a URI that is not the client's (RFC 6749 4.1.2.1).
        if client is None:
            return HTMLResponse("<p>Unknown client</p>", 400)
        if redirect_uri not in client.redirect_uris:
            return HTMLResponse("<p>Invalid redirect_uri</p>", 400)
        state = params.get("state")

        def error(code: str, description: str) -> Response:
            query = {"error": code, "error_description": description}
            if state is not None:
                query["state"] = state
            return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", 302)

        if params.get("response_type") != "code":
            return error("unsupported_response_type", "only code is supported")
        if "openid" not in params.get("scope", "").split():
            return error("invalid_scope", "scope must include openid")
        challenge = params.get("code_challenge", "")
        if params.get("code_challenge_method") != "S256" or not challenge:
            return error("invalid_request", "PKCE with S256 is required")
        sub = params.get("login_hint")
        if not sub:
            return HTMLResponse("<p>Fake provider: pass login_hint=&lt;sub&gt; to log in</p>")
        with self._lock:
            if sub not in self._users:
                return error("access_denied", "unknown user")
            code = secrets.token_urlsafe(24)
            self._codes[code] = _Code(
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                sub=sub,
                nonce=params.get("nonce"),
                code_challenge=challenge,
                sid=secrets.token_urlsafe(12),
                expires_at=time.time() + CODE_LIFETIME,
            )
        query = {"code": code} | ({"state": state} if state is not None else {})
        return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", 302)

    def _token(self, authorization: str | None, form: dict[str, str]) -> Response:
        client_id, secret, method = _client_credentials(authorization, form)
        with self._lock:
            outcome, response = self._exchange(client_id, secret, form)
            self.token_requests.append(TokenRequest(client_id, method, outcome))
        return response

    def _exchange(
        self, client_id: str | None, secret: str | None, form: dict[str, str]
    ) -> tuple[str, Response]:
        client = self._clients.get(client_id or "")
        if client is None or (
            client.secret is not None
            and (secret is None or not hmac.compare_digest(secret, client.secret))
        ):
            return "invalid_client", _oauth_error(
                "invalid_client", "client authentication failed", 401
            )
        if form.get("grant_type") != "authorization_code":
            return "unsupported_grant_type", _oauth_error("unsupported_grant_type", "", 400)
        code = self._codes.get(form.get("code", ""))
        if code is None or code.used or code.expires_at < time.time():
            return "invalid_grant", _oauth_error("invalid_grant", "unknown or used code", 400)
        code.used = True
        if code.client_id != client.client_id:
            return "invalid_grant", _oauth_error("invalid_grant", "code of another client", 400)
        if form.get("redirect_uri") != code.redirect_uri:
            return "invalid_grant", _oauth_error("invalid_grant", "redirect_uri mismatch", 400)
        verifier = form.get("code_verifier", "")
        if not hmac.compare_digest(_s256(verifier), code.code_challenge):
            return "invalid_grant", _oauth_error("invalid_grant", "PKCE verification failed", 400)
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": client.client_id,
            "sub": code.sub,
            "iat": now,
            "exp": now + ID_TOKEN_LIFETIME,
            "auth_time": now,
            "sid": code.sid,
            **self._users.get(code.sub, {}),
        }
        if code.nonce is not None:
            claims["nonce"] = code.nonce
        id_token = self.sign(_apply(claims, self._overrides))
        body = {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": ID_TOKEN_LIFETIME,
            "id_token": id_token,
            "scope": "openid profile",
        }
        return "ok", JSONResponse(body, headers={"Cache-Control": "no-store"})

    def _jwks(self) -> dict[str, Any]:
        with self._lock:
            self.jwks_requests += 1
            return {"keys": [key.public_jwk() for key in self._keys]}

    def _logout(self, params: dict[str, str]) -> Response:
        hint = params.get("id_token_hint")
        claims: dict[str, Any] = {}
        if hint:
            claims = self._verify_own(hint)
            if not claims:
                return HTMLResponse("<p>Invalid id_token_hint</p>", 400)
        client_id = params.get("client_id") or claims.get("aud")
        redirect = params.get("post_logout_redirect_uri")
        with self._lock:
            client = self._clients.get(str(client_id or ""))
            if redirect and (client is None or redirect not in client.post_logout_redirect_uris):
                return HTMLResponse("<p>Invalid post_logout_redirect_uri</p>", 400)
            if claims.get("sid"):
                self.ended_sessions.append(str(claims["sid"]))
        if redirect:
            state = params.get("state")
            suffix = f"?{urlencode({'state': state})}" if state else ""
            return RedirectResponse(f"{redirect}{suffix}", 302)
        return HTMLResponse("<p>Logged out</p>")

    def _verify_own(self, token: str) -> dict[str, Any]:
        """Claims of a token this provider signed, expired or not; empty if not ours."""
        with self._lock:
            keys = {key.kid: key for key in self._keys}
        try:
            key = keys.get(jwt.get_unverified_header(token).get("kid", ""))
            if key is None:
                return {}
            return dict(
                jwt.decode(
                    token,
                    key.private_key.public_key(),
                    algorithms=[key.algorithm],
                    options={"verify_exp": False, "verify_aud": False},
                )
            )
        except jwt.PyJWTError:
            return {}

    def _app(self) -> Starlette:
        async def discovery(_request: Request) -> Response:
            return JSONResponse(self._discovery())

        async def authorize(request: Request) -> Response:
            return self._authorize(dict(request.query_params))

        async def token(request: Request) -> Response:
            body = (await request.body()).decode()
            form = dict(parse_qsl(body, keep_blank_values=True))
            return self._token(request.headers.get("authorization"), form)

        async def jwks(_request: Request) -> Response:
            return JSONResponse(self._jwks())

        async def logout(request: Request) -> Response:
            return self._logout(dict(request.query_params))

        routes = [
            Route("/.well-known/openid-configuration", discovery),
            Route("/authorize", authorize),
            Route("/token", token, methods=["POST"]),
            Route("/jwks", jwks),
            Route("/logout", logout, methods=["GET", "POST"]),
        ]
        return Starlette(routes=[Mount(ISSUER_PATH, routes=routes)])


def _client_credentials(
    authorization: str | None, form: dict[str, str]
) -> tuple[str | None, str | None, str]:
    if authorization and authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:]).decode()
        except ValueError:
            return None, None, "client_secret_basic"
        client_id, _, secret = decoded.partition(":")
        # RFC 6749 2.3.1: the halves were form-encoded before basic auth.
        return unquote_plus(client_id), unquote_plus(secret), "client_secret_basic"
    if "client_secret" in form:
        return form.get("client_id"), form["client_secret"], "client_secret_post"
    return form.get("client_id"), None, "none"


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _apply(claims: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = {**claims, **overrides}
    return {name: value for name, value in merged.items() if value is not None}


def _oauth_error(error: str, description: str, status: int) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="fake"'} if status == 401 else None
    return JSONResponse({"error": error, "error_description": description}, status, headers)
