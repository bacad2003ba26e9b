"""Fixed-window rate limits whose state is in the database, so every process of the service
(and every machine) counts against the same limit (DESIGN D8).

A hit is one upsert of ``(hash of the key, window start)``; the window is the current
multiple of the limit's length. Over the limit, ``RateLimited`` (429) says when the window
ends. A fixed window lets at most twice the limit through around a window's edge, which is
enough to bound abuse and needs no more than one row per key and window.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from ehoks.ratelimit.errors import RateLimited
from ehoks.ratelimit.repository import RateLimitRepository
from ehoks.settings.ratelimit import Limit


@dataclass(frozen=True)
class Check:
    """One limit to count against: its name (in the 429's text), the limit and the key."""

    name: str
    limit: Limit
    key: str


def key_hash(name: str, key: str) -> str:
    return hashlib.sha256(f"{name}\0{key}".encode()).hexdigest()


class RateLimiter:
    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], float] = time.time
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def hit(self, *checks: Check) -> None:
        """Count one request against every check in a transaction of its own, committed
        whatever the request then does (a wrong secret must count); raises ``RateLimited``
        when any limit is exceeded."""
        if not any(check.limit.hits for check in checks):
            return
        with self._sessions.begin() as session:
            self.hit_in(session, *checks)

    def hit_in(self, session: Session, *checks: Check) -> None:
        """As ``hit``, inside the caller's transaction (counted only if it commits)."""
        now = self._clock()
        repository = RateLimitRepository(session)
        exceeded: tuple[Check, float] | None = None
        for check in checks:
            limit = check.limit
            if limit.hits == 0:
                continue
            window = int(now // limit.seconds) * limit.seconds
            end = window + limit.seconds
            count = repository.increment(key_hash(check.name, check.key), window, end)
            if count > limit.hits and (exceeded is None or end - now > exceeded[1]):
                exceeded = (check, end - now)
        if exceeded is not None:
            check, wait = exceeded
            raise RateLimited(
                check.name, check.limit.hits, check.limit.seconds, max(1, math.ceil(wait))
            )

    def purge(self, session: Session) -> int:
        """Delete the counters of windows that have ended."""
        return RateLimitRepository(session).purge(int(self._clock()))
