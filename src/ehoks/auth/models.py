"""Server-side sessions (DESIGN D8), pending logins and e-mail one-time-code challenges.

Secrets (session tokens, login links, one-time codes) are stored only as hashes, so a copy of the
database does not let anyone take over a session or finish someone else's login.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, JsonDocument, UtcDateTime


class UserSession(Base):
    __tablename__ = "user_session"

    # SHA-256 of the cookie value: the token itself never reaches the database.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor_kind: Mapped[str] = mapped_column(String(32))
    # Who the session belongs to (oid or verified e-mail address): "log out everywhere" and
    # single logout delete by it.
    subject: Mapped[str] = mapped_column(String(320), index=True)
    actor: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    csrf_token: Mapped[str] = mapped_column(String(64))
    # The CAS service ticket or OIDC sid the session was created from (single logout).
    login_ref: Mapped[str | None] = mapped_column(String(512), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class LoginAttempt(Base):
    """An OIDC login between the redirect to the provider and the callback (state, PKCE)."""

    __tablename__ = "login_attempt"

    state: Mapped[str] = mapped_column(String(128), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    return_to: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class EmailChallenge(Base):
    """A login by e-mail: a link sent to an address, then a one-time code sent to the same one."""

    __tablename__ = "email_challenge"

    # SHA-256 of the link token.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sahkoposti: Mapped[str] = mapped_column(String(320), index=True)
    # What the link leads to: "tyopaikka" (instructor/assessor parts) or "jako" (a share).
    purpose: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(64))
    code_hash: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    link_expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    code_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DisabledUser(Base):
    """A person whose access is withdrawn here at once (an official who left, say), whatever
    their CAS or OpenID provider still says: their sessions end and they cannot log in."""

    __tablename__ = "disabled_user"

    # As ``user_session.subject``: the person's OID, or a verified e-mail address.
    subject: Mapped[str] = mapped_column(String(320), primary_key=True)
    disabled_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reason: Mapped[str | None] = mapped_column(String(200))
