from __future__ import annotations

from ehoks.errors import BadRequest, Forbidden, NotFound, Unauthenticated

NO_ACCESS_MESSAGE = "No access is allowed. Check Opintopolku privileges and 'opiskeluoikeus'"


class NoAccess(Unauthenticated):
    """Missing privilege on the HOKS's organisation. The original answers 401 here (D20)."""

    def __init__(self) -> None:
        super().__init__(NO_ACCESS_MESSAGE)


class NotPermitted(Forbidden):
    """The actor is known but this action on this HOKS is not theirs to do."""

    def __init__(self, detail: str = "User has insufficient privileges") -> None:
        super().__init__(detail)


class NotOwnHoks(Forbidden):
    """A student acting on a HOKS that is not theirs (the original's empty 403, reference 6.4)."""

    def __init__(self) -> None:
        super().__init__("Only the student whose plan this is may do this")


class CsrfRejected(Forbidden):
    """A state-changing request without the session's (or the form's) CSRF token."""

    def __init__(self) -> None:
        super().__init__("CSRF token missing or wrong: reload the page and try again")


class NoSession(Unauthenticated):
    """No valid login session (the original answers 401 with an empty body)."""

    def __init__(self) -> None:
        super().__init__("Not logged in")


class InvalidToken(Unauthenticated):
    def __init__(self, reason: str = "Missing or invalid access token") -> None:
        super().__init__(reason, headers={"WWW-Authenticate": 'Bearer realm="ehoks"'})


class InvalidClient(Unauthenticated):
    """OAuth2 ``invalid_client`` (RFC 6749 section 5.2)."""

    def __init__(self) -> None:
        super().__init__("invalid_client", headers={"WWW-Authenticate": 'Basic realm="ehoks"'})

    def body(self) -> dict[str, str]:
        return {"error": "invalid_client", "error_description": "Unknown client or wrong secret"}


class UnsupportedGrantType(BadRequest):
    def __init__(self) -> None:
        super().__init__("unsupported_grant_type")

    def body(self) -> dict[str, str]:
        return {
            "error": "unsupported_grant_type",
            "error_description": "Only grant_type=client_credentials is supported",
        }


class ClientNotFound(NotFound):
    def __init__(self, client_id: str) -> None:
        super().__init__(f"No service client {client_id!r}")


class NotOwnOrganisation(Forbidden):
    """``/validointi`` of a study right of an organisation the client may not write."""

    def __init__(self) -> None:
        super().__init__(
            "opiskeluoikeus-oid: this client may validate only study rights of organisations "
            "it may write HOKSes for"
        )


class NoStatisticsRight(Forbidden):
    """The Vipunen feed without the right to it."""

    def __init__(self, oph_oid: str) -> None:
        super().__init__(
            "The Vipunen feed (/hoks/paged) needs the VIPUNEN role (or read) on the OPH "
            f"organisation {oph_oid}"
        )
