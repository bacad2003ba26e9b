"""The one error hierarchy. Each surface (JSON API, CLI) renders these its own way.

The JSON bodies keep the shapes of the original eHOKS (``{"error": ...}``, ``{"message": ...}``),
because existing student information systems parse them (reference D19).
"""

from __future__ import annotations

from typing import Any

from ehoks.limits import excerpt, excerpt_text

DETAIL_CHARS = 500


class EhoksError(Exception):
    status_code = 500
    body_key = "error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        # A message may quote the input (an unknown OID, an If-Match): never at length.
        return {self.body_key: excerpt_text(self.detail, DETAIL_CHARS)}


class BadRequest(EhoksError):
    status_code = 400


class Unauthenticated(EhoksError):
    status_code = 401


class Forbidden(EhoksError):
    status_code = 403


class NotFound(EhoksError):
    status_code = 404


class Conflict(EhoksError):
    status_code = 409


class Gone(EhoksError):
    status_code = 410
    body_key = "message"


class PreconditionFailed(EhoksError):
    status_code = 412


class RegistryUnavailable(EhoksError):
    """A national registry did not answer; nothing was written."""

    status_code = 503

    def __init__(self, registry: str, reason: str, *, retry_after: int = 30) -> None:
        super().__init__(
            f"{registry} is unavailable ({reason}). Nothing was saved; try again later.",
            headers={"Retry-After": str(retry_after)},
        )
        self.registry = registry


class ValidationFailed(EhoksError):
    """Request body failed the HOKS schema or its rules.

    ``errors`` mirrors the input structure (reference section 2.4); ``problems`` lists the same
    failures flat, each with its path and message, for people reading the response. ``value``
    echoes the input as the original did, but only a short excerpt of a large one.
    """

    status_code = 400

    def __init__(
        self,
        errors: Any,
        *,
        value: Any = None,
        problems: list[dict[str, str]] | None = None,
        where: str = "body-params",
    ) -> None:
        super().__init__("Request validation failed")
        self.errors = errors
        self.value = value
        self.problems = problems or []
        self.where = where

    def body(self) -> dict[str, Any]:
        return {
            "type": "compojure.api.exception/request-validation",
            "coercion": "schema",
            "in": ["request", self.where],
            "value": excerpt(self.value),
            "errors": self.errors,
            "problems": self.problems,
        }


class Unprocessable(EhoksError):
    status_code = 422


class UnsupportedMediaType(EhoksError):
    status_code = 415
