"""The audit table: append-only, each event chained to the previous one by a SHA-256 hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db import Base, JsonDocument, UtcDateTime


class AuditEvent(Base):
    __tablename__ = "audit_event"

    # Position in the chain: gapless, assigned under the chain lock (not a sequence, which can
    # skip numbers on rollback and would make a removed event indistinguishable from a gap).
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    actor_kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(String(320))
    actor_role: Mapped[str | None] = mapped_column(String(64))
    # Why the access was lawful (or attempted): provider, instructor, assessor, consent, own,
    # administration, system.
    legal_basis: Mapped[str | None] = mapped_column(String(32))
    basis_ref: Mapped[str | None] = mapped_column(String(64))
    oppija_oid: Mapped[str | None] = mapped_column(String(64), index=True)
    hoks_id: Mapped[int | None] = mapped_column(Integer, index=True)
    part: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    changes: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonDocument)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditSpoolMark(Base):
    """How far the read events spooled beside a SQLite database (``audit.spool``) have been
    moved into the chain. Written in the same transaction as the moved events, so a crash
    between that commit and the spool's own clean-up never appends an event twice."""

    __tablename__ = "audit_spool_mark"

    spool_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)


class AuditStaged(Base):
    """A write's audit events, committed in the write's own transaction and moved into the
    chain moments later by the appender (``audit.appender``), many writes in one chain
    transaction. The change and its events are durable together at the write's commit; only
    their place in the chain comes after, so writes never queue on the chain lock. A row lives
    here from its write's commit until the next chain transaction (of any process)."""

    __tablename__ = "audit_staged"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # The ``AuditRecord`` as JSON (``audit.staging``), hashed only when chained. Plain JSON, not
    # jsonb: written and read back once, never queried, so PostgreSQL need not parse it.
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
