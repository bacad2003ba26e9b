"""Errors of sending mail, in the one hierarchy of ``ehoks.errors``.

An SMTP server that does not take the mail is ours to fix (503 with ``Retry-After``); an address
that the server refuses for good is the caller's (400), since retrying will not help.
"""

from __future__ import annotations

from ehoks.errors import BadRequest, EhoksError


class MailUnavailable(EhoksError):
    """The SMTP server could not be reached or did not take the mail.

    ``reason`` says what went wrong in words fit for the response; ``cause`` carries the
    server's own answer for the log only, since it may name internal hosts.
    """

    status_code = 503

    def __init__(self, reason: str, *, cause: str = "", retry_after: int = 60) -> None:
        super().__init__(
            f"The e-mail service is unavailable ({reason}). Nothing was saved; try again later.",
            headers={"Retry-After": str(retry_after)},
        )
        self.reason = reason
        self.cause = cause


class InvalidEmailAddress(BadRequest):
    """An address that is not one, or that the SMTP server refuses permanently (5xx)."""

    def __init__(self, address: str, reason: str = "the mail server refuses it") -> None:
        super().__init__(f"sahkoposti: {address!r} is not a deliverable e-mail address ({reason}).")
        self.address = address
        self.reason = reason
