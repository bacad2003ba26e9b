"""Errors of the login protocols (CAS, CAS-oppija, OpenID Connect), in the one hierarchy of
``ehoks.errors``.

A refused ticket or login is the caller's problem (401); an identity provider that does not
answer is ours (503 with ``Retry-After``). The provider errors are siblings of
``RegistryUnavailable`` rather than subclasses: its message says "Nothing was saved", which is
about writes to the registries, and code that handles registry outages (enrichment batches)
must not swallow a login provider's outage as if it were one.
"""

from __future__ import annotations

from ehoks.errors import BadRequest, EhoksError, Forbidden, Unauthenticated


class TicketRejected(Unauthenticated):
    """CAS answered ``authenticationFailure`` for a service ticket.

    The body is the original's ``{"error": "Invalid ticket"}``; CAS's ``code`` and ``message``
    are kept for the log only, since they echo the ticket.
    """

    def __init__(self, code: str, message: str, *, detail: str = "Invalid ticket") -> None:
        super().__init__(detail)
        self.code = code
        self.message = message


class BadLogoutRequest(BadRequest):
    """A CAS single-logout POST whose ``logoutRequest`` is not a SAML ``LogoutRequest`` with a
    ``SessionIndex``."""


class OidcLoginFailed(Unauthenticated):
    """The OpenID provider refused the authorization code, or its ID token (or logout token)
    did not verify. ``reason`` says which check failed, for the log; the body stays generic."""

    def __init__(self, reason: str) -> None:
        super().__init__("Login failed")
        self.reason = reason

    def __str__(self) -> str:
        return f"Login failed: {self.reason}"


class IdentityProviderUnavailable(EhoksError):
    """A login provider did not give a usable answer (connection error, timeout, 5xx, or an
    answer that is not its protocol's). Nobody was logged in or out."""

    status_code = 503

    def __init__(self, provider: str, reason: str, *, retry_after: int = 30) -> None:
        super().__init__(
            f"{provider} is unavailable ({reason}). Try logging in again later.",
            headers={"Retry-After": str(retry_after)},
        )
        self.provider = provider
        self.reason = reason


class CasUnavailable(IdentityProviderUnavailable):
    def __init__(self, reason: str, *, provider: str = "CAS") -> None:
        super().__init__(provider, reason)


class OidcUnavailable(IdentityProviderUnavailable):
    def __init__(self, reason: str) -> None:
        super().__init__("OpenID provider", reason)


class AccessWithdrawn(Forbidden):
    """The person's access to this service has been withdrawn (``ehoks users disable``)."""

    def __init__(self) -> None:
        super().__init__("Access to this service has been withdrawn from this user")
