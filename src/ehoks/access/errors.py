from __future__ import annotations

from ehoks.errors import BadRequest, NotFound, Unauthenticated

NO_ACCESS_MESSAGE = "No access is allowed. Check Opintopolku privileges and 'opiskeluoikeus'"


class NoAccess(Unauthenticated):
    """Missing privilege on the HOKS's organisation. The original answers 401 here (D20)."""

    def __init__(self) -> None:
        super().__init__(NO_ACCESS_MESSAGE)


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
