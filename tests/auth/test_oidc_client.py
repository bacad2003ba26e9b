"""The OpenID Connect relying party against the fake provider, over real sockets."""

from __future__ import annotations

import socket
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from ehoks.auth.errors import OidcLoginFailed, OidcUnavailable
from ehoks.auth.oidc import LoginStart, OidcClient, OidcIdentity, pkce_challenge
from ehoks.settings.auth import OidcSettings
from tests.fakes.oidc_provider import FakeOidcProvider

REDIRECT = "https://ehoks.testi/ehoks-virkailija-backend/api/v1/virkailija/session/oidc"
OTHER_REDIRECT = "https://ehoks.testi/other/callback"
AFTER_LOGOUT = "https://ehoks.testi/ehoks-virkailija-ui/"
CLIENT_ID = "ehoks-virkailija"
SECRET = "s3cret:with/odd chars"
SUB = "f3b5c2a0-virkailija"
CLAIMS = {
    "personOid": "1.2.246.562.24.11474338835",
    "roles": [
        "ROLE_APP_EHOKS_CRUD_1.2.246.562.10.12424158689",
        "ROLE_APP_EHOKS_READ_1.2.246.562.10.12424158690",
    ],
}


@pytest.fixture
def provider(oidc_provider: FakeOidcProvider) -> FakeOidcProvider:
    oidc_provider.add_client(
        CLIENT_ID,
        secret=SECRET,
        redirect_uris=[REDIRECT, OTHER_REDIRECT],
        post_logout_redirect_uris=[AFTER_LOGOUT],
    )
    oidc_provider.add_user(SUB, CLAIMS)
    return oidc_provider


@pytest.fixture
def client(provider: FakeOidcProvider, http: httpx.Client) -> OidcClient:
    return OidcClient(provider.settings(CLIENT_ID, SECRET), http)


def authorize(
    client: OidcClient, http: httpx.Client, sub: str = SUB, redirect_uri: str = REDIRECT
) -> tuple[LoginStart, str]:
    """What a browser does: follow the authorization URL; the provider redirects back to
    ``redirect_uri?code=…&state=…``. Returns the login start and the code."""
    start = client.begin(redirect_uri, extra_params={"login_hint": sub})
    answer = http.get(start.authorization_url)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == redirect_uri
    query = parse_qs(back.query)
    assert query["state"] == [start.state]
    return start, query["code"][0]


def login(client: OidcClient, http: httpx.Client, sub: str = SUB) -> OidcIdentity:
    start, code = authorize(client, http, sub)
    return client.complete(
        code=code, redirect_uri=REDIRECT, code_verifier=start.code_verifier, nonce=start.nonce
    )


def test_begin_asks_for_a_code_with_pkce(client: OidcClient, provider: FakeOidcProvider) -> None:
    first = client.begin(REDIRECT)
    second = client.begin(REDIRECT)

    url = urlsplit(first.authorization_url)
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.issuer}/authorize"
    assert query == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": first.state,
        "nonce": first.nonce,
        "code_challenge": pkce_challenge(first.code_verifier),
        "code_challenge_method": "S256",
    }
    assert 43 <= len(first.code_verifier) <= 128
    assert first.state != second.state
    assert first.nonce != second.nonce
    assert first.code_verifier != second.code_verifier
    assert first.code_verifier not in repr(first)
    assert provider.discovery_requests == 1


def test_pkce_challenge_is_rfc_7636_s256() -> None:
    # RFC 7636 appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_full_login_with_a_confidential_client(
    client: OidcClient, provider: FakeOidcProvider, http: httpx.Client
) -> None:
    identity = login(client, http)

    assert identity.subject == SUB
    assert identity.claims["personOid"] == CLAIMS["personOid"]
    assert identity.claims[client.settings.roles_claim] == CLAIMS["roles"]
    assert identity.claims["iss"] == provider.issuer
    assert identity.sid
    assert identity.id_token.count(".") == 2
    [token_request] = provider.token_requests
    assert (token_request.client_id, token_request.auth_method, token_request.outcome) == (
        CLIENT_ID,
        "client_secret_basic",
        "ok",
    )


def test_full_login_with_a_public_client(provider: FakeOidcProvider, http: httpx.Client) -> None:
    provider.add_client("ehoks-oppija", redirect_uris=[REDIRECT])
    client = OidcClient(provider.settings("ehoks-oppija"), http)

    identity = login(client, http)

    assert identity.subject == SUB
    assert provider.token_requests[-1].auth_method == "none"


def test_a_wrong_code_verifier_is_refused(client: OidcClient, http: httpx.Client) -> None:
    start, code = authorize(client, http)
    other = client.begin(REDIRECT)

    with pytest.raises(OidcLoginFailed, match="invalid_grant") as refused:
        client.complete(
            code=code, redirect_uri=REDIRECT, code_verifier=other.code_verifier, nonce=start.nonce
        )
    assert refused.value.status_code == 401


def test_a_code_is_single_use(client: OidcClient, http: httpx.Client) -> None:
    start, code = authorize(client, http)
    arguments = {
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": start.code_verifier,
        "nonce": start.nonce,
    }
    client.complete(**arguments)

    with pytest.raises(OidcLoginFailed, match="invalid_grant"):
        client.complete(**arguments)


def test_the_code_is_bound_to_its_redirect_uri(client: OidcClient, http: httpx.Client) -> None:
    start, code = authorize(client, http, redirect_uri=OTHER_REDIRECT)

    with pytest.raises(OidcLoginFailed, match="redirect_uri mismatch"):
        client.complete(
            code=code, redirect_uri=REDIRECT, code_verifier=start.code_verifier, nonce=start.nonce
        )


def test_a_wrong_client_secret_is_refused(provider: FakeOidcProvider, http: httpx.Client) -> None:
    client = OidcClient(provider.settings(CLIENT_ID, "not-the-secret"), http)

    with pytest.raises(OidcLoginFailed, match="invalid_client"):
        login(client, http)


def test_the_provider_never_redirects_to_an_unregistered_uri(
    client: OidcClient, http: httpx.Client
) -> None:
    start = client.begin("https://evil.example/cb", extra_params={"login_hint": SUB})

    answer = http.get(start.authorization_url)

    assert answer.status_code == 400
    assert "location" not in answer.headers


def test_a_token_for_another_login_is_refused(client: OidcClient, http: httpx.Client) -> None:
    start, code = authorize(client, http)

    with pytest.raises(OidcLoginFailed, match="nonce"):
        client.complete(
            code=code,
            redirect_uri=REDIRECT,
            code_verifier=start.code_verifier,
            nonce=client.begin(REDIRECT).nonce,
        )


def test_a_token_signed_by_another_key_is_refused(
    client: OidcClient, provider: FakeOidcProvider, http: httpx.Client
) -> None:
    provider.sign_with_foreign_key = True

    with pytest.raises(OidcLoginFailed, match="Signature verification failed"):
        login(client, http)


def test_an_expired_token_is_refused(
    client: OidcClient, provider: FakeOidcProvider, http: httpx.Client
) -> None:
    now = int(time.time())
    provider.override_id_token_claims(iat=now - 3600, exp=now - 61)

    with pytest.raises(OidcLoginFailed, match="expired"):
        login(client, http)


def test_expiry_has_a_minute_of_leeway(
    client: OidcClient, provider: FakeOidcProvider, http: httpx.Client
) -> None:
    now = int(time.time())
    provider.override_id_token_claims(iat=now - 3600, exp=now - 30)

    assert login(client, http).subject == SUB


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "someone-else"}, "Audience"),
        ({"iss": "https://impostor.example"}, "issuer"),
        ({"iat": None}, "iat"),
        ({"aud": [CLIENT_ID, "other"]}, "azp"),
        ({"azp": "other"}, "azp"),
    ],
    ids=["audience", "issuer", "no-iat", "multi-audience-without-azp", "foreign-azp"],
)
def test_tokens_for_someone_else_are_refused(
    client: OidcClient,
    provider: FakeOidcProvider,
    http: httpx.Client,
    claims: dict[str, object],
    reason: str,
) -> None:
    provider.override_id_token_claims(**claims)

    with pytest.raises(OidcLoginFailed, match=reason):
        login(client, http)


def test_rolled_keys_are_fetched_again(provider: FakeOidcProvider, http: httpx.Client) -> None:
    client = OidcClient(provider.settings(CLIENT_ID, SECRET), http, jwks_min_refresh_seconds=0)
    login(client, http)
    provider.rotate_key()

    assert login(client, http).subject == SUB
    assert provider.jwks_requests == 2


def test_unknown_keys_are_not_fetched_again_at_once(
    client: OidcClient, provider: FakeOidcProvider, http: httpx.Client
) -> None:
    login(client, http)
    provider.rotate_key()

    with pytest.raises(OidcLoginFailed, match="no RS256 signing key"):
        login(client, http)
    assert provider.jwks_requests == 1


def test_es256_tokens_verify(
    client: OidcClient, provider: FakeOidcProvider, http: httpx.Client
) -> None:
    provider.rotate_key("ES256")

    identity = login(client, http)

    assert jwt.get_unverified_header(identity.id_token)["alg"] == "ES256"


def test_end_session_ends_the_providers_session(
    client: OidcClient, provider: FakeOidcProvider, http: httpx.Client
) -> None:
    identity = login(client, http)

    url = client.end_session_url(identity.id_token, AFTER_LOGOUT)
    assert url is not None
    answer = http.get(url)

    assert answer.status_code == 302
    assert answer.headers["location"] == AFTER_LOGOUT
    assert provider.ended_sessions == [identity.sid]


def test_backchannel_logout_token(
    client: OidcClient, provider: FakeOidcProvider, http: httpx.Client
) -> None:
    identity = login(client, http)
    token = provider.backchannel_logout_token(identity.subject, identity.sid, aud=CLIENT_ID)

    assert client.parse_backchannel_logout(token) == (SUB, identity.sid)
    assert client.parse_backchannel_logout(
        provider.backchannel_logout_token(SUB, None, aud=CLIENT_ID)
    ) == (SUB, None)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"nonce": "n"}, "nonce"),
        ({"events": None}, "event"),
        ({"events": {"http://schemas.openid.net/event/other": {}}}, "event"),
        ({"aud": "another-client"}, "Audience"),
        ({"iss": "https://impostor.example"}, "issuer"),
        ({"sub": None}, "sub"),
    ],
    ids=["nonce", "no-events", "other-event", "audience", "issuer", "no-sub"],
)
def test_bad_backchannel_logout_tokens_are_refused(
    client: OidcClient, provider: FakeOidcProvider, overrides: dict[str, object], reason: str
) -> None:
    token = provider.backchannel_logout_token(SUB, "sid-1", aud=CLIENT_ID, overrides=overrides)

    with pytest.raises(OidcLoginFailed, match=reason):
        client.parse_backchannel_logout(token)


def test_forged_backchannel_logout_tokens_are_refused(
    client: OidcClient, provider: FakeOidcProvider
) -> None:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": CLIENT_ID,
        "iat": now,
        "sub": SUB,
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
    }
    provider.sign_with_foreign_key = True
    foreign = provider.sign(claims)
    symmetric = jwt.encode(claims, SECRET.ljust(32, "x"), algorithm="HS256")

    with pytest.raises(OidcLoginFailed, match="Signature verification failed"):
        client.parse_backchannel_logout(foreign)
    with pytest.raises(OidcLoginFailed, match="HS256"):
        client.parse_backchannel_logout(symmetric)
    with pytest.raises(OidcLoginFailed, match="not a JWT"):
        client.parse_backchannel_logout("garbage")


def test_unreachable_provider_is_unavailable(http: httpx.Client) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = OidcSettings(
        issuer=f"http://127.0.0.1:{port}/realms/ehoks", client_id=CLIENT_ID, timeout_seconds=2
    )

    with pytest.raises(OidcUnavailable) as unavailable:
        OidcClient(settings, http).begin(REDIRECT)

    assert unavailable.value.status_code == 503
    assert "Retry-After" in unavailable.value.headers


def test_discovery_must_name_the_configured_issuer(
    provider: FakeOidcProvider, http: httpx.Client
) -> None:
    # Same provider under another name: its discovery document names the real issuer.
    settings = provider.settings(
        CLIENT_ID, issuer=provider.issuer.replace("127.0.0.1", "localhost")
    )

    with pytest.raises(OidcUnavailable, match="another issuer"):
        OidcClient(settings, http).begin(REDIRECT)
