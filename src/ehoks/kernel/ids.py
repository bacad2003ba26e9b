"""Identifiers the service makes: opaque random tokens and UUIDs."""

from __future__ import annotations

import secrets
import uuid


def new_uuid() -> str:
    """A random UUID (version 4) as its canonical string."""
    return str(uuid.uuid4())


def new_token(nbytes: int = 32) -> str:
    """An unguessable URL-safe token (session ids, login links, share links)."""
    return secrets.token_urlsafe(nbytes)
