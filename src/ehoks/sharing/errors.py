"""Errors of sharing and consent, in the one hierarchy of ``ehoks.errors``.

The recipient's answers keep the original's status codes and ``{"message": …}`` bodies
(reference 5.11): 423 before the window opens, 410 after it closes. We add 410 for a revoked
share (the original deleted the row, so it answered 404) and for a shared part that a later
update of the HOKS removed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ehoks.errors import BadRequest, EhoksError, Forbidden, Gone, NotFound, ValidationFailed
from ehoks.hoks.schemas.errors import tree_of


class Locked(EhoksError):
    status_code = 423
    body_key = "message"


class JakoNotFound(NotFound):
    body_key = "message"

    def __init__(self, laji: str = "jakolinkki") -> None:
        super().__init__("Consent not found" if laji == "suostumus" else "Shared link not found")


class NotYetActive(Locked):
    def __init__(self, alku: date | None = None) -> None:
        super().__init__("Shared link not yet active")
        self.alku = alku


class Expired(Gone):
    def __init__(self, loppu: date | None = None) -> None:
        super().__init__("Shared link is expired")
        self.loppu = loppu


class Revoked(Gone):
    def __init__(self) -> None:
        super().__init__("Shared link is revoked")


class SharedPartGone(Gone):
    """The share names a part that a later update of the HOKS removed (or the HOKS was
    deleted): it grants nothing any more."""

    def __init__(self) -> None:
        super().__init__("Shared module no longer exists")


class OtherRecipient(Forbidden):
    """Logged in by e-mail, but with another address than the share was sent to."""

    def __init__(self) -> None:
        super().__init__("This share was sent to another e-mail address")


class EndDateInPast(BadRequest):
    # The original's message (reference 5.11); clients may match on it.
    def __init__(self) -> None:
        super().__init__("Shared link end date cannot be in the past")


class EndBeforeStart(BadRequest):
    def __init__(self) -> None:
        super().__init__("Shared link end date cannot be before the start date")


class AssessorNotFound(NotFound):
    def __init__(self, arvioija_id: int) -> None:
        super().__init__(f"No assessor contact {arvioija_id} on this demonstration")


class LinkRecentlySent(EhoksError):
    """A new login link for this share was sent moments ago; another would only flood the
    recipient's mailbox (anyone holding the share's address can press the button)."""

    status_code = 429

    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"A login link for this share was sent less than {minutes} minutes ago. "
            "Check the mailbox, or try again later.",
            headers={"Retry-After": str(minutes * 60)},
        )


def field_error(body: Any, loc: tuple[str | int, ...], message: str) -> ValidationFailed:
    """A 400 in the HOKS API's shape (reference 2.4) naming one field of ``body``."""
    tree, problems = tree_of(body, [(loc, message)])
    return ValidationFailed(tree, value=body, problems=problems)
