"""OpenID Connect relying party: authorization code flow with PKCE (S256), ID token
verification, RP-initiated logout and back-channel logout tokens.

The provider's discovery document and keys are fetched on first use and kept on the instance
(one instance per process). Keys are fetched again when a token names a key id that is not in
the cached set, which is how providers roll their keys; at most once per
``jwks_min_refresh_seconds``, so that tokens with made-up key ids cannot make every request
fetch the keys.

Only asymmetric signatures (RS256, ES256) are accepted: with HS256 the client secret would be
the key, and ``none`` is no signature at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import jwt

from ehoks.auth.errors import OidcLoginFailed, OidcUnavailable
from ehoks.kernel.ids import new_token
from ehoks.settings.auth import OidcSettings

ALGORITHMS = ("RS256", "ES256")
LEEWAY_SECONDS = 60
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


@dataclass(frozen=True)
class LoginStart:
    """What ``begin`` made: send the browser to ``authorization_url`` and keep the other three
    server-side (in the pending login) until the provider redirects back."""

    authorization_url: str
    state: str
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)


@dataclass(frozen=True)
class OidcIdentity:
    """A verified ID token."""

    subject: str
    claims: dict[str, Any]
    id_token: str = field(repr=False)
    """Kept for ``end_session_url``'s ``id_token_hint``."""
    sid: str | None = None
    """The provider's session id, which back-channel logout tokens name."""


@dataclass(frozen=True)
class _Discovery:
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None


def pkce_challenge(code_verifier: str) -> str:
    """The S256 ``code_challenge`` of a verifier (RFC 7636 4.2)."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcClient:
    """One OpenID provider, as ``OidcSettings`` names it; thread-safe."""

    def __init__(
        self,
        settings: OidcSettings,
        http: httpx.Client,
        *,
        jwks_min_refresh_seconds: float = 10.0,
    ) -> None:
        if not settings.issuer or not settings.client_id:
            raise ValueError("OpenID Connect needs an issuer and a client id")
        self._settings = settings
        self._http = http
        self._issuer = settings.issuer.rstrip("/")
        self._jwks_min_refresh_seconds = jwks_min_refresh_seconds
        self._lock = threading.Lock()
        self._discovery: _Discovery | None = None
        self._jwks: jwt.PyJWKSet | None = None
        self._jwks_fetched_at = float("-inf")

    @property
    def settings(self) -> OidcSettings:
        return self._settings

    def begin(
        self, redirect_uri: str, *, extra_params: Mapping[str, str] | None = None
    ) -> LoginStart:
        """Start a login: fresh ``state``, ``nonce`` and PKCE verifier, and the provider's
        authorization URL. ``extra_params`` adds e.g. ``ui_locales`` or ``login_hint``."""
        state = new_token()
        nonce = new_token()
        # 64 random bytes give an 86-character verifier (RFC 7636 allows 43 to 128).
        code_verifier = new_token(64)
        params = {
            **(extra_params or {}),
            "response_type": "code",
            "client_id": self._settings.client_id,
            "redirect_uri": redirect_uri,
            "scope": self._settings.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(code_verifier),
            "code_challenge_method": "S256",
        }
        endpoint = self._discover().authorization_endpoint
        separator = "&" if "?" in endpoint else "?"
        return LoginStart(
            authorization_url=f"{endpoint}{separator}{urlencode(params)}",
            state=state,
            nonce=nonce,
            code_verifier=code_verifier,
        )

    def complete(
        self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
    ) -> OidcIdentity:
        """Exchange the authorization code for tokens and verify the ID token.

        The caller has already matched the callback's ``state`` to the pending login whose
        ``code_verifier`` and ``nonce`` it passes here.
        """
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        auth: httpx.BasicAuth | None = None
        secret = self._settings.client_secret
        if secret is not None:
            # RFC 6749 2.3.1: both halves are form-encoded before they go into basic auth.
            auth = httpx.BasicAuth(
                quote(self._settings.client_id, safe=""),
                quote(secret.get_secret_value(), safe=""),
            )
        else:
            form["client_id"] = self._settings.client_id
        response = self._call("POST", self._discover().token_endpoint, data=form, auth=auth)
        if response.status_code >= 400:
            raise OidcLoginFailed(f"token endpoint refused the code: {_oauth_error(response)}")
        tokens = _json_object(response, "token endpoint")
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise OidcLoginFailed("token endpoint gave no ID token")
        claims = self._verify(id_token, what="ID token", require=("sub", "iat", "exp"))
        if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise OidcLoginFailed("ID token nonce does not match the login")
        azp = claims.get("azp")
        audience = claims.get("aud")
        if (isinstance(audience, list) and len(audience) > 1 and azp is None) or (
            azp is not None and azp != self._settings.client_id
        ):
            raise OidcLoginFailed("ID token was issued to another party (azp)")
        sid = claims.get("sid")
        return OidcIdentity(
            subject=str(claims["sub"]),
            claims=claims,
            id_token=id_token,
            sid=sid if isinstance(sid, str) else None,
        )

    def end_session_url(
        self, id_token_hint: str | None, post_logout_redirect_uri: str
    ) -> str | None:
        """RP-initiated logout URL, or ``None`` when the provider offers none. Without an ID
        token hint the provider identifies us by ``client_id`` (RP-Initiated Logout 1.0, 2)."""
        endpoint = self._discover().end_session_endpoint
        if not endpoint:
            return None
        params = {
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": self._settings.client_id,
        }
        if id_token_hint:
            params["id_token_hint"] = id_token_hint
        separator = "&" if "?" in endpoint else "?"
        return f"{endpoint}{separator}{urlencode(params)}"

    def parse_backchannel_logout(self, logout_token: str) -> tuple[str, str | None]:
        """Verify a back-channel logout token (OpenID Back-Channel Logout 1.0, 2.6) and return
        its ``(sub, sid)``. Tokens without ``sub`` are refused: sessions are found by subject,
        ``sid`` narrows the logout to one provider session."""
        claims = self._verify(logout_token, what="logout token", require=("iat", "sub"))
        events = claims.get("events")
        if not isinstance(events, dict) or BACKCHANNEL_LOGOUT_EVENT not in events:
            raise OidcLoginFailed("logout token lacks the back-channel logout event")
        if "nonce" in claims:
            raise OidcLoginFailed("logout token must not carry a nonce")
        sid = claims.get("sid")
        return str(claims["sub"]), sid if isinstance(sid, str) else None

    def _verify(self, token: str, *, what: str, require: tuple[str, ...]) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise OidcLoginFailed(f"{what} is not a JWT: {exc}") from exc
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise OidcLoginFailed(f"{what} algorithm {algorithm!r} is not accepted")
        kid = header.get("kid")
        key = self._signing_key(kid if isinstance(kid, str) else None, algorithm)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self._settings.client_id,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", *require]},
            )
        except jwt.PyJWTError as exc:
            raise OidcLoginFailed(f"{what} rejected: {exc}") from exc
        return claims

    def _signing_key(self, kid: str | None, algorithm: str) -> jwt.PyJWK:
        key = _pick_key(self._keys(refresh=False), kid, algorithm)
        if key is None:
            with self._lock:
                stale = time.monotonic() - self._jwks_fetched_at >= self._jwks_min_refresh_seconds
            if stale:
                key = _pick_key(self._keys(refresh=True), kid, algorithm)
        if key is None:
            raise OidcLoginFailed(f"no {algorithm} signing key {kid!r} at the provider")
        return key

    def _keys(self, *, refresh: bool) -> jwt.PyJWKSet:
        with self._lock:
            if self._jwks is not None and not refresh:
                return self._jwks
        document = _json_object(self._call("GET", self._discover().jwks_uri), "JWKS")
        try:
            keys = jwt.PyJWKSet.from_dict(document)
        except jwt.PyJWTError as exc:
            raise OidcUnavailable(f"unusable JWKS: {exc}") from exc
        with self._lock:
            self._jwks = keys
            self._jwks_fetched_at = time.monotonic()
        return keys

    def _discover(self) -> _Discovery:
        with self._lock:
            if self._discovery is not None:
                return self._discovery
        url = f"{self._issuer}/.well-known/openid-configuration"
        document = _json_object(self._call("GET", url), "discovery")
        # OpenID Connect Discovery 4.3: the document must name the issuer we asked.
        if str(document.get("issuer", "")).rstrip("/") != self._issuer:
            raise OidcUnavailable(f"discovery names another issuer: {document.get('issuer')!r}")
        endpoints = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = document.get(name)
            if not isinstance(value, str) or not value:
                raise OidcUnavailable(f"discovery document lacks {name}")
            endpoints[name] = value
        end_session = document.get("end_session_endpoint")
        discovery = _Discovery(
            **endpoints,
            end_session_endpoint=end_session if isinstance(end_session, str) else None,
        )
        with self._lock:
            self._discovery = discovery
        return discovery

    def _call(
        self,
        method: str,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        auth: httpx.BasicAuth | None = None,
    ) -> httpx.Response:
        try:
            response = self._http.request(
                method,
                url,
                data=data,
                auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                headers={"Accept": "application/json"},
                timeout=self._settings.timeout_seconds,
            )
        except httpx.RequestError as exc:
            raise OidcUnavailable(f"{type(exc).__name__} from {url}") from exc
        if response.status_code >= 500:
            raise OidcUnavailable(f"HTTP {response.status_code} from {url}")
        return response


def _pick_key(keys: jwt.PyJWKSet, kid: str | None, algorithm: str) -> jwt.PyJWK | None:
    candidates = [
        key
        for key in keys.keys
        # The key's own algorithm (its ``alg``, or the one its type and curve imply) must be the
        # token's, so a P-384 key cannot verify an ES256 token.
        if key.algorithm_name == algorithm
        and key.public_key_use in (None, "sig")
        and (kid is None or key.key_id == kid)
    ]
    # A token without a key id is accepted only when the provider has a single such key.
    if len(candidates) != 1:
        return None
    return candidates[0]


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise OidcUnavailable(f"{what} answered HTTP {response.status_code}")
    try:
        document = response.json()
    except ValueError as exc:
        raise OidcUnavailable(f"{what} answer is not JSON") from exc
    if not isinstance(document, dict):
        raise OidcUnavailable(f"{what} answer is not a JSON object")
    return document


def _oauth_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}"
    error = str(body.get("error", f"HTTP {response.status_code}"))
    description = body.get("error_description")
    return f"{error} ({description})" if description else error
