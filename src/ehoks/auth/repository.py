"""Queries on sessions and pending logins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ehoks.auth.models import DisabledUser, LoginAttempt, UserSession
from ehoks.hoks.models import Hoks, HoksTyopaikkajakso
from ehoks.oppijaindex.models import IndexOppija


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, session_id: str) -> UserSession | None:
        return self.session.get(UserSession, session_id)

    def get_unless_disabled(self, session_id: str) -> UserSession | None:
        """The session, unless its person has been disabled since it was created (one
        statement: the check costs a request no extra round trip)."""
        return self.session.scalars(
            select(UserSession).where(
                UserSession.id == session_id,
                ~select(DisabledUser.subject)
                .where(DisabledUser.subject == UserSession.subject)
                .exists(),
            )
        ).first()

    def add(self, row: UserSession) -> None:
        self.session.add(row)
        self.session.flush()

    def touch(self, session_id: str, now: datetime) -> None:
        self.session.execute(
            update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
        )

    def delete(self, session_id: str) -> int:
        return _count(self.session.execute(delete(UserSession).where(UserSession.id == session_id)))

    def delete_subject(self, subject: str) -> int:
        return _count(
            self.session.execute(delete(UserSession).where(UserSession.subject == subject))
        )

    def delete_login_ref(self, login_ref: str) -> int:
        return _count(
            self.session.execute(delete(UserSession).where(UserSession.login_ref == login_ref))
        )

    def purge(self, now: datetime, idle_before: datetime) -> int:
        return _count(
            self.session.execute(
                delete(UserSession).where(
                    (UserSession.expires_at <= now) | (UserSession.last_seen_at <= idle_before)
                )
            )
        )

    def add_attempt(self, attempt: LoginAttempt) -> None:
        self.session.add(attempt)
        self.session.flush()

    def take_attempt(self, state: str) -> LoginAttempt | None:
        """The pending login with this state, removed so it can be used once only."""
        attempt = self.session.get(LoginAttempt, state)
        if attempt is not None:
            self.session.delete(attempt)
            self.session.flush()
        return attempt

    def purge_attempts(self, before: datetime) -> int:
        return _count(
            self.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at <= before))
        )


class DisabledUserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, subject: str) -> DisabledUser | None:
        return self.session.get(DisabledUser, subject)

    def add(self, row: DisabledUser) -> None:
        self.session.add(row)
        self.session.flush()

    def delete(self, subject: str) -> int:
        return _count(
            self.session.execute(delete(DisabledUser).where(DisabledUser.subject == subject))
        )

    def list(self) -> list[DisabledUser]:
        return list(self.session.scalars(select(DisabledUser).order_by(DisabledUser.disabled_at)))


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class DevLoginRepository:
    """What the development login offers (never used outside development)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def organisations_with_hoks(self, limit: int = 20) -> list[str]:
        oids = self.session.scalars(
            select(Hoks.koulutustoimija_oid)
            .where(Hoks.koulutustoimija_oid.is_not(None), Hoks.deleted_at.is_(None))
            .distinct()
            .order_by(Hoks.koulutustoimija_oid)
            .limit(limit)
        )
        return [oid for oid in oids if oid]

    def first_institution_with_hoks(self) -> str | None:
        """The first institution (by OID) that has a HOKS, for the read-only official."""
        return self.session.scalar(
            select(func.min(Hoks.oppilaitos_oid)).where(Hoks.deleted_at.is_(None))
        )

    def students(self, limit: int) -> list[tuple[str, str]]:
        rows = self.session.execute(
            select(IndexOppija.oid, IndexOppija.nimi)
            .where(IndexOppija.oid.in_(select(Hoks.oppija_oid)))
            .order_by(IndexOppija.nimi)
            .limit(limit)
        )
        return [(oid, nimi) for oid, nimi in rows]

    def instructor_addresses(self, limit: int) -> list[str]:
        addresses = self.session.scalars(
            select(func.lower(HoksTyopaikkajakso.ohjaaja_sahkoposti))
            .where(HoksTyopaikkajakso.ohjaaja_sahkoposti.is_not(None))
            .distinct()
            .order_by(func.lower(HoksTyopaikkajakso.ohjaaja_sahkoposti))
            .limit(limit)
        )
        return [a for a in addresses if a]
