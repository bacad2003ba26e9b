"""Settings of the login protocols: CAS and CAS-oppija (reference ``ehoks-integrations.md``
3.1, ``ehoks-backend.md`` 6.1 and 6.6) and an OpenID Connect provider.

Plain models without environment reading: the application's ``Settings`` nests them, so each
field is also an environment variable there (e.g. ``EHOKS_CAS__URL``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

VIRKAILIJA = "https://virkailija.opintopolku.fi"


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
