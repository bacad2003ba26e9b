from __future__ import annotations

from ehoks.errors import EhoksError


class RateLimited(EhoksError):
    """429: the caller asked more often than a limit allows; ``Retry-After`` says when the
    current window ends."""

    status_code = 429

    def __init__(self, limit_name: str, hits: int, seconds: int, retry_after: int) -> None:
        super().__init__(
            f"Too many requests: {limit_name} allows {hits} in {seconds} seconds. "
            f"Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
        self.limit_name = limit_name
        self.retry_after = retry_after
