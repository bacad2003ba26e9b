"""Server-side sessions (DESIGN D8): the browser holds a random token, the database the rest.

* The cookie value is 256 random bits; only its SHA-256 is stored, so a database copy cannot be
  replayed as a cookie.
* Every login makes a new session (no pre-login id is ever promoted: session fixation).
* A session ends when idle for ``idle_minutes`` or ``absolute_hours`` after login, whichever
  comes first; on logout; on "log out everywhere" (every session of the same person); and on
  single logout from CAS or the OpenID provider (by the ticket or ``sid`` it was created from).
* Each session has its own CSRF token; every state-changing form and session API call must
  echo it (``auth.people``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ehoks.access.actor import Actor, EmailActor, OfficialActor, StudentActor
from ehoks.auth.actors import actor_from_json, actor_to_json, session_subject
from ehoks.auth.models import UserSession
from ehoks.auth.repository import SessionRepository
from ehoks.kernel.ids import new_token
from ehoks.settings.auth import SessionSettings

COOKIE_NAME = "__Host-ehoks-session"
CSRF_COOKIE_NAME = "__Host-ehoks-csrf"
# Writing last_seen_at on every request would turn every read into a write; a minute's
# resolution is plenty for a timeout counted in tens of minutes.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class LoggedIn:
    """A valid session: who, and the CSRF token their forms must carry."""

    id: str
    actor: OfficialActor | StudentActor | EmailActor
    csrf_token: str
    created_at: datetime


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str
    expires_at: datetime


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    session: Session,
    actor: Actor,
    *,
    settings: SessionSettings,
    now: datetime,
    login_ref: str | None = None,
) -> NewSession:
    token = new_token()
    csrf = new_token()
    expires_at = now + timedelta(hours=settings.absolute_hours)
    SessionRepository(session).add(
        UserSession(
            id=token_id(token),
            actor_kind=actor.kind,
            subject=session_subject(actor),
            actor=actor_to_json(actor),
            csrf_token=csrf,
            login_ref=login_ref,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    return NewSession(token, csrf, expires_at)


def load(
    session: Session, token: str | None, *, settings: SessionSettings, now: datetime
) -> tuple[LoggedIn | None, bool]:
    """The valid session for a cookie value, and whether its last-seen time should be
    written (``touch``). Expired sessions, and those of a person disabled since
    (``auth.revocation``), are treated as absent (and purged by the job)."""
    if not token:
        return None, False
    row = SessionRepository(session).get_unless_disabled(token_id(token))
    if row is None:
        return None, False
    idle_limit = row.last_seen_at + timedelta(minutes=settings.idle_minutes)
    if now >= row.expires_at or now >= idle_limit:
        return None, False
    logged_in = LoggedIn(row.id, actor_from_json(row.actor), row.csrf_token, row.created_at)
    return logged_in, now - row.last_seen_at >= TOUCH_INTERVAL


def touch(session: Session, session_id: str, now: datetime) -> None:
    SessionRepository(session).touch(session_id, now)


def end(session: Session, session_id: str) -> None:
    SessionRepository(session).delete(session_id)


def end_everywhere(session: Session, actor: Actor) -> int:
    """Every session of the same person, on every device."""
    return SessionRepository(session).delete_subject(session_subject(actor))


def end_by_login_ref(session: Session, login_ref: str) -> int:
    """Single logout: the sessions created from this CAS ticket or OpenID ``sid``."""
    return SessionRepository(session).delete_login_ref(login_ref)


def purge_expired(session: Session, *, settings: SessionSettings, now: datetime) -> int:
    repository = SessionRepository(session)
    removed = repository.purge(now, now - timedelta(minutes=settings.idle_minutes))
    repository.purge_attempts(now - timedelta(minutes=15))
    return removed
