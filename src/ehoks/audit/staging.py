"""Writes' audit events join the chain by group commit (issue 12, item 5).

Appending to the chain means holding its one lock from the append to the commit (``append``),
so every auditing transaction used to queue behind every other: a few hundred writes a second
at most, whatever the hardware. On PostgreSQL a write therefore *stages* its events instead:
one plain INSERT into ``audit_staged`` in its own transaction, with no lock, so the change and
its events become durable together at its commit, as before. The next chain transaction —
the appender's (``audit.appender``), which also carries the reads' events — moves everything
staged into the chain at once: lock, read the staged rows, hash and insert them, delete them,
commit. The writer waits for that before it answers, so an answered write's events are in the
chain; were the chain transaction to fail, they stay staged, durable, and the next one moves
them (the appender also sweeps every few seconds, and ``ehoks audit verify`` chains what is
staged before it checks).

On SQLite writers are one at a time anyway (BEGIN IMMEDIATE), so there a write appends to the
chain in its own transaction as before: staging would only add a second write transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ehoks.audit.repository import AuditRepository
from ehoks.audit.service import AuditRecord, append_locked

# Staged events moved per chain transaction, so one transaction stays short after a backlog.
MAX_CHAINED = 2000

_FIELDS = tuple(AuditRecord.__dataclass_fields__)


def record_document(record: AuditRecord) -> dict[str, Any]:
    """``record`` as the JSON stored in ``audit_staged``."""
    document = {name: getattr(record, name) for name in _FIELDS}
    document["occurred_at"] = record.occurred_at.isoformat()
    return document


def record_from(document: dict[str, Any]) -> AuditRecord:
    fields: dict[str, Any] = {name: document.get(name) for name in _FIELDS}
    fields["occurred_at"] = datetime.fromisoformat(document["occurred_at"])
    return AuditRecord(**fields)


def stage(session: Session, records: Sequence[AuditRecord]) -> None:
    """Stage ``records`` in ``session``'s transaction: they commit or roll back with it."""
    if records:
        AuditRepository(session).stage([record_document(record) for record in records])


def chain(session: Session, records: Sequence[AuditRecord] = ()) -> int:
    """In ``session``'s transaction, under the chain lock: append the staged events (up to
    ``MAX_CHAINED``) and then ``records`` to the chain. Returns how many staged events were
    moved; call again while it returns ``MAX_CHAINED``."""
    repository = AuditRepository(session)
    repository.lock_chain()
    # Read after the lock: every write committed before this chain transaction took the lock
    # is seen (PostgreSQL's READ COMMITTED reads each statement's own snapshot), and none that
    # an earlier chain transaction already moved (it deleted them before it let go).
    staged = repository.staged(MAX_CHAINED)
    events = [*(record_from(row.record) for row in staged), *records]
    if events:
        append_locked(repository, events)
    if staged:
        repository.unstage([int(row.id) for row in staged])
    return len(staged)


def chain_all(sessions: sessionmaker[Session]) -> int:
    """Chain everything staged, in as many chain transactions as it takes; returns how many
    events were moved (``ehoks audit verify``, and the appender after a backlog)."""
    total = 0
    while True:
        with sessions.begin() as session:
            moved = chain(session)
        total += moved
        if moved < MAX_CHAINED:
            return total


def any_staged(session: Session) -> bool:
    """A cheap look, without the lock, whether there is anything to chain."""
    return AuditRepository(session).any_staged()


def count_staged(session: Session) -> int:
    return AuditRepository(session).count_staged()
