"""Queries on e-mail login challenges (the one module of the e-mail login with SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ehoks.auth.models import EmailChallenge


class EmailChallengeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, challenge: EmailChallenge) -> None:
        # Flushed at once, so that a row the database refuses fails before any mail goes out.
        self.session.add(challenge)
        self.session.flush()

    def get(self, challenge_id: str) -> EmailChallenge | None:
        return self.session.get(EmailChallenge, challenge_id)

    def get_for_update(self, challenge_id: str) -> EmailChallenge | None:
        """The challenge, locked until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite
        writers are serialised anyway). Two code checks at once would otherwise both read the
        same attempt count and each get a try the limit should have refused."""
        return self.session.get(
            EmailChallenge, challenge_id, with_for_update=True, populate_existing=True
        )

    def latest_created(self, sahkoposti: str, purpose: str) -> datetime | None:
        latest: datetime | None = self.session.scalar(
            select(func.max(EmailChallenge.created_at)).where(
                EmailChallenge.sahkoposti == sahkoposti, EmailChallenge.purpose == purpose
            )
        )
        return latest

    def delete_expired(self, now: datetime) -> int:
        return _count(
            self.session.execute(
                delete(EmailChallenge).where(EmailChallenge.link_expires_at <= now)
            )
        )


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
