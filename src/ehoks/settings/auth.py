"""Settings of the logins: CAS and CAS-oppija (reference ``ehoks-integrations.md`` 3.1,
``ehoks-backend.md`` 6.1 and 6.6), an OpenID Connect provider, sessions and the e-mail login.

Plain models without environment reading: the application's ``Settings`` nests them, so each
field is also an environment variable there (e.g. ``EHOKS_CAS__URL``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

VIRKAILIJA = "https://virkailija.opintopolku.fi"

DEV_CAS_PATH = "/kehitys-cas"
"""Where the development CAS (``ehoks.devcas``, ``EHOKS_DEV_CAS=true``) is served."""
DEV_CAS_VIRKAILIJA_PATH = f"{DEV_CAS_PATH}/cas"
"""The officials' development CAS (``CasSettings.url`` relative to ``public_url``)."""
DEV_CAS_OPPIJA_PATH = f"{DEV_CAS_PATH}/cas-oppija"
"""The learners' development CAS-oppija (``CasSettings.oppija_url`` relative to ``public_url``)."""


class CasSettings(BaseModel):
    """Where the officials' CAS and the learners' CAS-oppija are, and how long to wait for
    them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = f"{VIRKAILIJA}/cas"
    """Officials' and service users' CAS: ``{url}/login``, ``{url}/logout`` and
    ``{url}/p3/serviceValidate`` (CAS 3, which carries the attributes ``kayttajaTyyppi``,
    ``oidHenkilo`` and ``roles``)."""

    oppija_url: str = "https://opintopolku.fi/cas-oppija"
    """Learners' CAS-oppija (suomi.fi identification): ``{oppija_url}/login``, ``/logout`` and
    ``/serviceValidate``."""

    service_ticket_service: str = f"{VIRKAILIJA}/ehoks-virkailija-backend/cas-security-check"
    """The CAS ``service`` that API clients ask their tickets for; a ``ticket`` header is
    validated against it (reference 6.1). A ticket issued for any other service is refused."""

    timeout_seconds: float = Field(default=10.0, gt=0)
    """Longest wait for CAS to connect and to answer one validation; a login or API call that
    would wait longer fails with 503."""


class OidcSettings(BaseModel):
    """The OpenID Connect provider that eHOKS logs users in with (authorization code flow with
    PKCE). Empty ``issuer`` means OpenID Connect login is not in use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: str = ""
    """The provider's issuer identifier, exactly as its ID tokens' ``iss`` says (e.g.
    ``https://login.example.fi/realms/ehoks``). The discovery document is read from
    ``{issuer}/.well-known/openid-configuration``."""

    client_id: str = ""
    """eHOKS's client id at the provider; ID tokens must name it in ``aud``."""

    client_secret: SecretStr | None = None
    """Secret of a confidential client, sent with HTTP basic authentication
    (``client_secret_basic``). ``None`` for a public client, which relies on PKCE alone."""

    scopes: str = "openid profile"
    """Space-separated scopes asked for; ``openid`` is needed for an ID token."""

    timeout_seconds: float = Field(default=10.0, gt=0)
    """Longest wait for one call to the provider (discovery, keys, token); a login that would
    wait longer fails with 503."""

    roles_claim: str = "roles"
    """ID token claim with an official's eHOKS role strings
    (``ROLE_APP_EHOKS_<NAME>_<organisation oid>``, reference 6.2), as a list of strings."""

    oppija_oid_claim: str = "personOid"
    """ID token claim with a learner's oppijanumero (``1.2.246.562.24.…``)."""


class SessionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    idle_minutes: int = Field(default=30, gt=0)
    """A session unused this long ends (the user logs in again)."""

    absolute_hours: int = Field(default=8, gt=0)
    """A session ends this long after login however active it is (a working day)."""

    cookie_secure: bool = True
    """Send the session cookie over HTTPS only. Browsers treat ``localhost`` as secure, so
    this stays on in development too; turn off only behind a TLS-terminating proxy that
    speaks plain HTTP to browsers (never in production)."""


class EmailLoginSettings(BaseModel):
    """Lifetimes and limits of the e-mail login."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    link_ttl_minutes: int = Field(default=72 * 60, gt=0)
    """How long a mailed link can be opened. 72 hours: instructors and assessors read their mail
    at work, so a link sent on a Friday afternoon must still work on Monday morning. The link
    alone logs nobody in; the code sent to the same address does."""

    code_ttl_minutes: int = Field(default=10, gt=0)
    """How long a one-time code works: enough to switch to the mail program and back, short
    enough that a code read over someone's shoulder is soon worthless. Never past the link's
    own expiry."""

    max_attempts: int = Field(default=5, ge=1)
    """Wrong codes allowed per code sent; the last one locks the link for good."""

    max_codes_per_link: int = Field(default=5, ge=1)
    """Codes one link may send. With ``max_attempts`` this bounds the guesses per link
    (25 of a million by default) and keeps a link from being used to flood a mailbox."""

    code_length: int = Field(default=6, ge=6, le=10)
    """Digits in a code. Six is what people are used to typing from a phone."""
