"""Errors of the e-mail login (link, then one-time code), in the one hierarchy of
``ehoks.errors``.

A link or code that has run out is 410 Gone: it existed and will never work again, so the page
can say "ask for a new one" rather than "check the address". The limits on codes and attempts are
429: the caller has done something too often, and this link will not take more of it.
"""

from __future__ import annotations

from ehoks.errors import BadRequest, Conflict, EhoksError, Gone, NotFound


class TooManyRequests(EhoksError):
    """The caller has done something more often than allowed."""

    status_code = 429


class LinkNotFound(NotFound):
    """No login link with this token: mistyped, cut short in the mail program, or purged."""

    def __init__(self) -> None:
        super().__init__(
            "This login link is not valid. Check that you opened the whole link from the e-mail,"
            " or ask for a new link."
        )


class LinkExpired(Gone):
    def __init__(self) -> None:
        super().__init__("This login link has expired. Ask for a new link.")


class LinkUsed(Gone):
    """The link has already logged someone in; each link does so once."""

    def __init__(self) -> None:
        super().__init__("This login link has already been used. Ask for a new link.")


class NoCodeSent(Conflict):
    """A code was entered for a link whose code was never asked for."""

    def __init__(self) -> None:
        super().__init__("koodi: no code has been sent for this link yet. Ask for a code first.")


class CodeExpired(Gone):
    def __init__(self) -> None:
        super().__init__("koodi: the one-time code has expired. Ask for a new code.")


class CodeRejected(BadRequest):
    """A wrong (or malformed) one-time code; ``attempts_left`` more tries with this code."""

    def __init__(self, attempts_left: int, *, reason: str = "the code is not correct") -> None:
        tries = "1 try" if attempts_left == 1 else f"{attempts_left} tries"
        super().__init__(f"koodi: {reason}. {tries} left with this code.")
        self.attempts_left = attempts_left


class TooManyAttempts(TooManyRequests):
    """Too many wrong codes: the link is locked for good, so guessing cannot go on."""

    def __init__(self) -> None:
        super().__init__(
            "koodi: too many wrong codes. This login link is locked; ask for a new link."
        )


class TooManyCodes(TooManyRequests):
    """The link has sent as many codes as it may."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"This login link has already sent {limit} codes, the most it may. "
            "Use the latest code, or ask for a new link."
        )
        self.limit = limit
