"""The ``outbox`` table: one row per job, written in the transaction of the change behind it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, JsonDocument, UtcDateTime

PENDING = "pending"
"""Waiting for ``not_before``; a worker claims it then."""
RUNNING = "running"
"""Claimed by the worker holding ``lease_token`` until ``lease_until``; claimable again after."""
DONE = "done"
"""Delivered; its payload is erased."""
DEAD = "dead"
"""Failed its last attempt (or failed for good); ``last_error`` says why. ``ehoks outbox
retry`` makes it pending again."""
STATES = (PENDING, RUNNING, DONE, DEAD)


class OutboxJob(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'running', 'done', 'dead')", name="state"),
        # The claim's search: due pending rows and expired leases, oldest first.
        Index("ix_outbox_due", "state", "not_before"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    # What the handler needs. May hold a secret (a login link or code) while the job waits;
    # erased once the job is done (docs/security.md, "Mail").
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    not_before: Mapped[datetime] = mapped_column(UtcDateTime())
    # A job once: a second enqueue with the same key is ignored (None: no such rule).
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    lease_token: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Why the latest attempt failed, without personal data (ehoks.logsafe.describe_error).
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
