"""The counters' one statement: an atomic upsert that returns the new count."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ehoks.ratelimit.models import RateLimitCounter

_TABLE = RateLimitCounter.__table__


class RateLimitRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def increment(self, key_hash: str, window_start: int, expires_at: int) -> int:
        """Count one hit; the count of this key in this window after it. One statement on both
        databases (INSERT … ON CONFLICT DO UPDATE … RETURNING), so concurrent processes never
        lose a hit."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(_TABLE).values(
            key_hash=key_hash, window_start=window_start, hits=1, expires_at=expires_at
        )
        statement = statement.on_conflict_do_update(
            index_elements=[_TABLE.c.key_hash, _TABLE.c.window_start],
            set_={"hits": _TABLE.c.hits + 1},
        ).returning(_TABLE.c.hits)
        return int(self.session.execute(statement).scalar_one())

    def purge(self, now: int) -> int:
        result = self.session.execute(
            delete(RateLimitCounter).where(RateLimitCounter.expires_at <= now)
        )
        return int(getattr(result, "rowcount", 0) or 0)
