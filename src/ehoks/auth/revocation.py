"""Withdrawing a person's access here at once (an official who left, a compromised account),
whatever their CAS or OpenID provider still says.

``disable`` ends every session of the person in the same transaction and records them in
``disabled_user``; logins of a disabled person are refused, and ``sessions.load`` refuses a
session whose person is disabled, so a login racing with ``disable`` cannot leave a session
behind. ``enable`` lets them log in again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ehoks.access.actor import Actor
from ehoks.auth.actors import session_subject
from ehoks.auth.errors import AccessWithdrawn
from ehoks.auth.models import DisabledUser
from ehoks.auth.repository import DisabledUserRepository, SessionRepository
from ehoks.errors import BadRequest, NotFound

MAX_REASON_LENGTH = 200


@dataclass(frozen=True)
class Disabled:
    subject: str
    disabled_at: datetime
    reason: str | None


def disable(session: Session, subject: str, *, now: datetime, reason: str | None = None) -> int:
    """Disable ``subject`` (an OID or an e-mail address); returns how many sessions ended."""
    subject = _subject(subject)
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise BadRequest(f"reason: at most {MAX_REASON_LENGTH} characters")
    repository = DisabledUserRepository(session)
    row = repository.get(subject)
    if row is None:
        repository.add(DisabledUser(subject=subject, disabled_at=now, reason=reason))
    elif reason is not None:
        row.reason = reason
        session.flush()
    return SessionRepository(session).delete_subject(subject)


def enable(session: Session, subject: str) -> None:
    subject = _subject(subject)
    if not DisabledUserRepository(session).delete(subject):
        raise NotFound(f"{subject} is not disabled")


def list_disabled(session: Session) -> list[Disabled]:
    rows = DisabledUserRepository(session).list()
    return [Disabled(r.subject, r.disabled_at, r.reason) for r in rows]


def require_not_disabled(session: Session, actor: Actor) -> None:
    """Refuse a login of a disabled person (``AccessWithdrawn``, 403)."""
    if is_disabled(session, session_subject(actor)):
        raise AccessWithdrawn()


def is_disabled(session: Session, subject: str) -> bool:
    return DisabledUserRepository(session).get(subject) is not None


def _subject(subject: str) -> str:
    subject = subject.strip()
    if not subject:
        raise BadRequest("subject: an OID or an e-mail address is required")
    # E-mail subjects are stored lower-cased (``normalise_email``), OIDs have no letters.
    return subject.lower() if "@" in subject else subject
